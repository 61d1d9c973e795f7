/*
 * fuzz_scheme.c — libFuzzer target for the scheme loader and the engine:
 * the input is a scheme file; when it loads, it is scored against a small
 * fixed dataset (units in two categories, values, targets, events and
 * ballots) and one explanation is written. Nothing may crash, leak or trip
 * the sanitizers, whatever the scheme says.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kaohe/data.h"
#include "kaohe/engine.h"
#include "kaohe/scheme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char units[] = "id,name,category,tags,k\n"
                            "A,甲,town,中心城区,1.2\nB,乙,town,,1\nC,丙,dept,,0.9\n";
static const char values[] = "unit,indicator,period,value\n"
                             "A,gdp,2024,8\nB,gdp,2024,9\nC,gdp,2024,\n"
                             "A,rev,2024-01,3\nA,rev,2024-02,4\nB,rev,2024,5\n";
static const char targets[] = "unit,indicator,period,target,baseline\nA,gdp,2024,8.5,7\n";
static const char events[] = "unit,item,period,level,count\nA,honour,2024,国家级,1\n"
                             "B,accident,2024-03,重大,1\n";
static const char ballots[] = "meeting,evaluator,group,unit,grade,score\n"
                              "m,e1,领导,A,好,\nm,e1,领导,B,一般,\nm,e2,代表,A,,88\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kh_scheme *s = NULL;
    struct kh_dataset *ds;
    struct kh_result *r = NULL;
    struct kh_err err;
    struct kh_buf b;

    kh_err_clear(&err);
    if (kh_scheme_load_mem("fuzz.yaml", (const char *)data, size, &s, &err) != KH_OK)
        return 0;
    ds = kh_dataset_new();
    if (ds && !kh_dataset_load_mem(ds, "units", "u", units, sizeof(units) - 1, &err) &&
        !kh_dataset_load_mem(ds, "values", "v", values, sizeof(values) - 1, &err) &&
        !kh_dataset_load_mem(ds, "targets", "t", targets, sizeof(targets) - 1, &err) &&
        !kh_dataset_load_mem(ds, "events", "e", events, sizeof(events) - 1, &err) &&
        !kh_dataset_load_mem(ds, "ballots", "b", ballots, sizeof(ballots) - 1, &err) &&
        kh_score(s, ds, "2024", &r, &err) == KH_OK) {
        kh_buf_init(&b, 1 << 20);
        kh_explain(r, 0, kh_scheme_node_count(s) - 1, &b, &err);
        kh_buf_free(&b);
        kh_result_free(r);
    }
    kh_dataset_free(ds);
    kh_scheme_free(s);
    return 0;
}
