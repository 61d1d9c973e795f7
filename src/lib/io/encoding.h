/*
 * encoding.h — detect the character encoding of an input text and
 * normalise it to UTF-8 (RFC 3629), the only encoding the rest of kaohe
 * handles.
 *
 * Data files reach kaohe from spreadsheet programs. Excel on Chinese
 * Windows saves "CSV (逗号分隔)" in GB18030 (GB 18030-2005, a superset of
 * GBK and GB2312), "CSV UTF-8" with a UTF-8 byte-order mark, and "Unicode
 * text" in UTF-16 little-endian with a byte-order mark; WPS and LibreOffice
 * usually write plain UTF-8. The rules, in order:
 *   1. a UTF-8 BOM (EF BB BF) is stripped; the rest must be valid UTF-8;
 *   2. a UTF-16 BOM (FF FE or FE FF) selects UTF-16LE/BE (RFC 2781), which
 *      is converted; unpaired surrogates and an odd byte count are errors;
 *   3. valid UTF-8 (strict: no overlong forms, surrogates or code points
 *      above U+10FFFF) is kept as it is;
 *   4. otherwise the text is converted from GB18030 with iconv(3) — unless
 *      it plainly is UTF-8 with a damaged byte (several valid multi-byte
 *      UTF-8 sequences come before the first bad byte), which is reported
 *      rather than silently turned into mojibake;
 *   5. if GB18030 fails too, the error names the line and byte column of
 *      the first undecodable byte and says "expected UTF-8 or GB18030 text".
 */
#ifndef KH_IO_ENCODING_H
#define KH_IO_ENCODING_H

#include <stddef.h>

#include "kaohe/base.h"

/* What an input text was encoded as. */
enum kh_encoding {
    KH_ENC_UTF8 = 0, /* UTF-8 (or plain ASCII) without a BOM */
    KH_ENC_UTF8_BOM, /* UTF-8 with a byte-order mark (Excel "CSV UTF-8") */
    KH_ENC_UTF16LE,  /* UTF-16 little-endian with BOM (Excel "Unicode text") */
    KH_ENC_UTF16BE,  /* UTF-16 big-endian with BOM */
    KH_ENC_GB18030   /* GB18030 / GBK / GB2312 (Excel "CSV" on Chinese Windows) */
};

/*
 * A text normalised to UTF-8. `data[0..len)` is the text without any BOM;
 * it points either into the caller's input (when no conversion was needed,
 * and then lives as long as that input) or into `owned`, a NUL-terminated
 * allocation released by kh_enc_text_free().
 */
struct kh_enc_text {
    const char *data;
    size_t len;
    char *owned;
    int encoding; /* enum kh_encoding */
};

/*
 * Detect the encoding of data[0..len) and normalise it to UTF-8 into *out
 * (see the rules at the top of this file). `name` is the file name used in
 * error messages (may be NULL). Returns KH_OK, KH_ENOMEM, or KH_EINVAL with
 * err->line and err->col set to the line and 1-based byte column of the
 * first byte that cannot be decoded. On failure *out is left empty (nothing
 * to free, but kh_enc_text_free() is harmless).
 */
int kh_enc_decode(const char *name, const void *data, size_t len, struct kh_enc_text *out,
                  struct kh_err *err);

/* Release what *t owns and leave it empty. NULL is fine. */
void kh_enc_text_free(struct kh_enc_text *t);

/* The name of an encoding for messages: "UTF-8", "UTF-8 with BOM",
 * "UTF-16LE", "UTF-16BE", "GB18030" ("unknown" for anything else). */
const char *kh_enc_name(int encoding);

/*
 * Check that s[0..len) is strict UTF-8. Returns len when it is, else the
 * offset of the first byte of the first invalid sequence. If `multibyte` is
 * not NULL it receives how many valid multi-byte sequences precede that
 * offset.
 */
size_t kh_enc_utf8_check(const char *s, size_t len, size_t *multibyte);

#endif
