/*
 * fuzz_csv.c — libFuzzer target for the input-data layer: arbitrary bytes
 * go through encoding detection (io/encoding.h), the RFC 4180 CSV reader
 * (io/csv.h), display width (kaohe/text.h) and kh_dataset_load_mem for each
 * file kind on top of a fixed small units table. Beyond the sanitizers it
 * checks the contracts: records are well formed with rising line numbers,
 * decoded text is valid UTF-8, a failed load leaves the dataset unchanged,
 * and loading the same rows twice is refused as duplicates.
 *
 * Seeds: tests/fuzz/seeds/fuzz_csv/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "io/encoding.h"
#include "kaohe/data.h"
#include "kaohe/text.h"

/* Stop with a crash the fuzzer reports when a contract is broken. */
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "contract broken: %s (%s:%d)\n", #cond, __FILE__, __LINE__);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static const char units_csv[] = "id,name,category,parent,tags,difficulty\n"
                                "D01,城关片区,area,,,\n"
                                "T01,城关镇,town,D01,中心城区;山区,1.2\n"
                                "T02,城南镇,town,D01,中心城区,\n";

/* The record callback: checks the field contract. */
static int check_record(void *ctx, const char **fields, const size_t *lens, int n, int line)
{
    int *last_line = ctx, i;

    CHECK(n >= 1 && n <= KH_CSV_MAX_FIELDS);
    CHECK(line > *last_line);
    *last_line = line;
    for (i = 0; i < n; i++) {
        CHECK(fields[i][lens[i]] == 0);
        CHECK(strlen(fields[i]) == lens[i]);
    }
    return 0;
}

/* Check an error record: a known code and a terminated message. */
static void check_err(const struct kh_err *err, int rc)
{
    char out[1200];

    CHECK(rc == KH_EINVAL || rc == KH_ELIMIT || rc == KH_ENOMEM || rc == KH_EIO);
    CHECK(err->code == rc);
    CHECK(memchr(err->msg, 0, sizeof(err->msg)) != NULL);
    CHECK(err->msg[0] != 0);
    kh_err_format(err, out, sizeof(out));
}

/* The sizes of a dataset. */
struct size {
    int nfiles, nunits, nindicators;
    size_t nvalues, ntargets, nevents, nballots;
};

/* The sizes of ds now. */
static struct size size_of(const struct kh_dataset *ds)
{
    struct size s = {ds->nfiles,   ds->nunits,  ds->nindicators, ds->nvalues,
                     ds->ntargets, ds->nevents, ds->nballots};
    return s;
}

/* Non-zero if a and b are the same sizes. */
static int same_size(struct size a, struct size b)
{
    return a.nfiles == b.nfiles && a.nunits == b.nunits && a.nindicators == b.nindicators &&
           a.nvalues == b.nvalues && a.ntargets == b.ntargets && a.nevents == b.nevents &&
           a.nballots == b.nballots;
}

/* Every index in the dataset points at something. */
static void check_dataset(const struct kh_dataset *ds)
{
    size_t i;
    int u;

    for (u = 0; u < ds->nunits; u++) {
        CHECK(ds->units[u].id && ds->units[u].id[0]);
        CHECK(kh_dataset_unit(ds, ds->units[u].id) == u);
    }
    for (u = 0; u < ds->nindicators; u++)
        CHECK(kh_dataset_indicator(ds, ds->indicators[u]) == u);
    for (i = 0; i < ds->nvalues; i++) {
        CHECK(ds->values[i].unit >= 0 && ds->values[i].unit < ds->nunits);
        CHECK(ds->values[i].indicator >= 0 && ds->values[i].indicator < ds->nindicators);
        CHECK(ds->values[i].file < ds->nfiles);
    }
    for (i = 0; i < ds->ntargets; i++)
        CHECK(ds->targets[i].unit >= 0 && ds->targets[i].unit < ds->nunits);
    for (i = 0; i < ds->nevents; i++)
        CHECK(ds->events[i].unit >= 0 && ds->events[i].item && ds->events[i].shares >= 1);
    for (i = 0; i < ds->nballots; i++)
        CHECK(ds->ballots[i].unit >= 0 && ds->ballots[i].meeting && ds->ballots[i].evaluator);
}

/* Load the input as one kind on top of the fixed units, twice. */
static void fuzz_kind(const char *kind, const uint8_t *data, size_t size)
{
    struct kh_dataset *ds = kh_dataset_new();
    struct kh_err err;
    struct size before, after;
    int rc;

    if (!ds)
        return;
    CHECK(kh_dataset_load_mem(ds, "units", "units.csv", units_csv, sizeof(units_csv) - 1, &err) ==
          KH_OK);
    before = size_of(ds);
    kh_err_clear(&err);
    rc = kh_dataset_load_mem(ds, kind, "fuzz.csv", (const char *)data, size, &err);
    after = size_of(ds);
    if (rc) {
        check_err(&err, rc);
        CHECK(same_size(before, after));
    } else {
        CHECK(after.nfiles == before.nfiles + 1);
        check_dataset(ds);
        /* The same rows again: units, values, targets and ballots are now
         * duplicates (events may repeat). */
        rc = kh_dataset_load_mem(ds, kind, "again.csv", (const char *)data, size, &err);
        if (strcmp(kind, "events") != 0 &&
            (after.nunits > before.nunits || after.nvalues > before.nvalues ||
             after.ntargets > before.ntargets || after.nballots > before.nballots))
            CHECK(rc == KH_EINVAL);
        if (rc)
            CHECK(same_size(after, size_of(ds)));
        check_dataset(ds);
    }
    kh_dataset_free(ds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const kinds[] = {"units", "values", "targets", "events", "ballots"};
    struct kh_enc_text text;
    struct kh_csv_opts opts;
    struct kh_err err;
    size_t i;
    int rc, last_line;

    rc = kh_enc_decode("fuzz.csv", data, size, &text, &err);
    if (rc) {
        check_err(&err, rc);
    } else {
        CHECK(kh_enc_utf8_check(text.data, text.len, NULL) == text.len);
        if (text.owned)
            (void)kh_text_width(text.owned);
        last_line = 0;
        rc = kh_csv_parse("fuzz.csv", text.data, text.len, NULL, check_record, &last_line, &err);
        if (rc)
            check_err(&err, rc);
        /* Tight limits reach the limit errors. */
        memset(&opts, 0, sizeof(opts));
        opts.max_field = 8;
        opts.max_fields = 4;
        last_line = 0;
        rc = kh_csv_parse("fuzz.csv", text.data, text.len, &opts, check_record, &last_line, &err);
        if (rc)
            check_err(&err, rc);
        kh_enc_text_free(&text);
    }
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        fuzz_kind(kinds[i], data, size);
    return 0;
}
