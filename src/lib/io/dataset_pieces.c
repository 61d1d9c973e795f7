/*
 * dataset_pieces.c — loading a big CSV data file in pieces instead of
 * whole (io/dataset_priv.h: ds_load_pieces), so that a 1.3 GB values.csv
 * never sits in memory at once (docs/performance.md).
 *
 * The file is read 16 MiB at a time and each piece cut after its last line
 * feed. That is the same load as reading the file whole and parsing it
 * (RFC 4180 as io/csv.h reads it), and is done only while it is: the file
 * is UTF-8 (with or without a byte-order mark; every piece is checked, and
 * a line feed never falls inside a UTF-8 sequence), and holds no quote
 * character (only a quoted field can span lines, so a line feed then
 * always ends a record). Otherwise — a UTF-16 mark, a byte that is not
 * UTF-8 (GB18030), a quote — or on any error, what was loaded is rolled
 * back and the caller reads the file whole, as it always did: errors and
 * other encodings behave exactly as before.
 */
#include "base/common.h"

#include <sys/stat.h>

#include "io/csv.h"
#include "io/dataset_priv.h"
#include "io/encoding.h"

/* Files up to this size are read whole; bigger ones in pieces this big. */
#define PIECE ((size_t)16 << 20)

/* Line ends in text[0..len) as the CSV reader counts them: LF, CRLF, or a
 * lone CR. */
static int count_line_ends(const char *text, size_t len)
{
    size_t i;
    int n = 0;

    for (i = 0; i < len; i++)
        if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == len || text[i + 1] != '\n')))
            n++;
    return n;
}

/* Load open file f (size bytes) in pieces; KH_OK, or 1 to read it whole. */
static int load_file(struct kh_dataset *ds, const char *kind, const char *path, FILE *f,
                     size_t size, struct kh_err *err)
{
    struct ds_load *l = NULL;
    char *buf, *nb;
    size_t cap = PIECE + 1, len = 0, got, cut, skip = 0;
    int rc = KH_OK, eof = 0, line_base = 0, delim = 0, encoding = KH_ENC_UTF8;

    if (!(buf = malloc(cap)))
        return 1;
    while (!eof || len > 0) {
        /* Fill the buffer; a line longer than a piece makes it grow. */
        if (!eof && len < cap - 1) {
            got = fread(buf + len, 1, cap - 1 - len, f);
            len += got;
            if (got == 0 && ferror(f))
                goto whole;
            eof = got == 0;
        }
        if (!l) {
            if (len >= 2 && (((unsigned char)buf[0] == 0xFF && (unsigned char)buf[1] == 0xFE) ||
                             ((unsigned char)buf[0] == 0xFE && (unsigned char)buf[1] == 0xFF)))
                goto whole; /* UTF-16 */
            if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
                skip = 3;
                encoding = KH_ENC_UTF8_BOM;
            }
        }
        for (cut = len; cut > skip && buf[cut - 1] != '\n'; cut--)
            ;
        if (eof)
            cut = len;
        if (cut == skip && !eof) {
            /* No line end yet: read on, in a bigger buffer. */
            if (cap > KH_CSV_MAX_FIELD * 4 + PIECE || !(nb = realloc(buf, cap * 2)))
                goto whole;
            buf = nb;
            cap *= 2;
            continue;
        }
        if (memchr(buf + skip, '"', cut - skip) ||
            kh_enc_utf8_check(buf + skip, cut - skip, NULL) != cut - skip)
            goto whole;
        if (!l) {
            if (cut == skip || !(l = ds_load_new(ds, kind, path, encoding, err)))
                goto whole;
            delim = kh_csv_sniff_delim(buf + skip, cut - skip);
            /* Size the arrays for the whole file from the first piece. */
            ds_load_presize(l,
                            (size_t)((double)size / (double)(cut - skip) *
                                     (double)(count_line_ends(buf + skip, cut - skip) + 1) * 1.02) +
                                16);
        }
        if (ds_load_text(l, buf + skip, cut - skip, delim, line_base))
            goto whole;
        line_base += count_line_ends(buf + skip, cut - skip);
        memmove(buf, buf + cut, len - cut);
        len -= cut;
        skip = 0;
    }
    if (!l)
        goto whole;
    rc = ds_load_finish(l, 1);
    l = NULL;
    if (rc)
        goto whole;
    free(buf);
    return KH_OK;
whole:
    if (l)
        ds_load_finish(l, 0);
    free(buf);
    return 1;
}

int ds_load_pieces(struct kh_dataset *ds, const char *kind, const char *path, struct kh_err *err)
{
    struct stat sb;
    FILE *f = fopen(path, "rb");
    int rc = 1;

    if (!f)
        return 1;
    if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && (size_t)sb.st_size > PIECE &&
        (size_t)sb.st_size <= KH_CSV_MAX_FILE)
        rc = load_file(ds, kind, path, f, (size_t)sb.st_size, err);
    fclose(f);
    return rc;
}
