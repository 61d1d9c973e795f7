/*
 * demo.h — the built-in demo district of `kaohe demo`: its two schemes,
 * compiled into the binary from examples/demo/ (cmake/embed.cmake), the
 * deterministic generator of its synthetic data (demo_data.c) and the
 * writer that saves scheme and data as files (demo_write.c).
 *
 * Everything here is synthetic (示例数据，均为虚构): the district, its towns,
 * departments, parks, villages, evaluators and every number.
 */
#ifndef KH_CLI_DEMO_H
#define KH_CLI_DEMO_H

#include <stddef.h>

#include "kaohe/base.h"
#include "kaohe/data.h"
#include "kaohe/store.h"

/* examples/demo/scheme.yaml and villages.yaml, NUL-terminated; the _len
 * values do not count the NUL. */
extern const unsigned char kh_demo_scheme[];
extern const unsigned long kh_demo_scheme_len;
extern const unsigned char kh_demo_villages[];
extern const unsigned long kh_demo_villages_len;

/* The year the village star rating (五星支部) has data for. */
#define DEMO_VILLAGE_YEAR 2024

/* The month left open for data entry (2025-01): the generator gives it
 * 2025's targets and January's figures for every unit, except those the
 * demo accounts enter (demo_entered): the statistics bureau's series for
 * every unit, and the series T01 and T02 report themselves. Signing in as
 * tongji, t01 or t02 shows a month to fill in; once filed and approved,
 * the month can be scored and published. */
#define DEMO_OPEN_YEAR 2025
#define DEMO_OPEN_MONTH 1
#define DEMO_OPEN_PERIOD "2025-01"

/*
 * Fill two empty datasets through the public kh_dataset_add_* calls:
 * `district` with the units of the district scheme (12 towns and
 * sub-districts, 14 departments, 3 + 3 parks), their monthly and quarterly
 * data for 2023 and 2024 (income also 2022), annual targets for 2023 and
 * 2024, the open month's figures and 2025's targets (DEMO_OPEN_PERIOD), honours, criticisms, two accidents and the ballots of the 2024 work
 * report meeting; `villages` with 120 villages and communities and their
 * 2024 figures for the star rating. The same call always gives the same
 * data, byte for byte: the numbers come from a fixed-seed PRNG and integer
 * arithmetic. Returns KH_OK or the first error of an add call (then the
 * datasets hold what was added before it; the caller frees them).
 */
int demo_generate(struct kh_dataset *district, struct kh_dataset *villages, struct kh_err *err);

/*
 * Write ds as the CSV files kh_dataset_load_dir() reads — units.csv,
 * values.csv, targets.csv, events.csv and ballots.csv (a file is written
 * only when ds has records of its kind; units.csv always) — into the
 * existing folder `dir`. RFC 4180 fields (kh_buf_csv_field), UTF-8 with a
 * byte-order mark so that Excel on Chinese Windows opens them correctly,
 * CRLF line ends, numbers in the shortest form that reads back exactly, in
 * the dataset's own order, so that loading the files gives back the same
 * dataset. Each file is saved atomically (demo_save_file). *nfiles (may be
 * NULL) is increased by the number of files written. Returns KH_OK,
 * KH_EIO or KH_ENOMEM with err naming the file; KH_EINVAL when a unit has
 * attributes (the demo data has none, and the writer does not write them).
 */
int demo_write_dataset(const struct kh_dataset *ds, const char *dir, int *nfiles,
                       struct kh_err *err);

/*
 * Save data[0..len) as the file `path` atomically: write a temporary file
 * beside it, fsync it, rename it over `path`, fsync the folder. On failure
 * the old file (if any) is left as it was and the temporary file removed.
 * Returns KH_OK or KH_EIO with err naming the file and the system's reason.
 */
int demo_save_file(const char *path, const void *data, size_t len, struct kh_err *err);

/* Make folder `dir` if it does not exist yet (not its parents). KH_OK, or
 * KH_EIO when it cannot be made or exists but is not a folder. */
int demo_make_dir(const char *dir, struct kh_err *err);

/* The demo accounts (synthetic), all with password DEMO_PASSWORD: one per
 * role of docs/api.md, listed in README.md. */
#define DEMO_PASSWORD "kaohe-demo"
struct demo_account {
    const char *name, *display, *role, *unit, *indicators;
};
extern const struct demo_account demo_accounts[];
extern const size_t demo_naccounts;

/* Non-zero if the open month's figure of `indicator` for `unit` is left
 * for a demo account to enter: the indicator is a department account's
 * (tongji's), or the unit has a reporter account (t01, t02) and no
 * department files the indicator. */
int demo_entered(const char *unit, const char *indicator);

/*
 * Give the store's jurisdiction jid what `kaohe serve` needs for the demo:
 * make shiliqu_2024 the active scheme, open the month DEMO_OPEN_PERIOD for
 * data entry, and create the demo accounts that are missing (existing ones are
 * left as they are). Returns KH_OK or the store's error.
 */
int demo_serve_setup(struct kh_store *st, int64_t jid, const struct kh_actor *who,
                     struct kh_err *err);

#endif
