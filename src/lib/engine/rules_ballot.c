/*
 * rules_ballot.c — evaluator ballots (R12 评价打分 of
 * research/rule-catalogue.md): grades turned into marks (S42 繁重/较多/一般/
 * 较少 = 100/80/60/40), "不了解" rows that count nowhere (S10), evaluator
 * groups with weights re-normalised over the groups that voted (S42
 * 20/40/40), trimmed means above a headcount (S13: 去掉一个最高分和一个最低分
 * when more than 5 evaluators), and ballot validity (S13: a ballot giving
 * every unit the same mark is void; forced-distribution quotas per grade).
 *
 * kh_ballot_validate() decides validity once per meeting over the whole
 * dataset; kh_rule_ballot_eval() (called by kh_rule_eval()) scores one
 * unit from its valid rows.
 */
#include "base/common.h"
#include "engine/rules_int.h"

/* One counted mark of the unit. */
struct mark {
    int group; /* index into the rule's groups (0 when there are none) */
    int grade; /* index into the rule's grades, -1 for a numeric score */
    double v;
};

/* Non-zero when grade g is one of the rule's `ignore` grades. */
static int grade_ignored(const struct kh_rule_ballot *r, const char *g)
{
    int i;

    for (i = 0; i < r->nignore; i++)
        if (kh_streq(r->ignore[i], g))
            return 1;
    return 0;
}

/* Index of grade g in the rule's grades table, or -1. */
static int grade_find(const struct kh_rule_ballot *r, const char *g)
{
    int i;

    for (i = 0; i < r->ngrades; i++)
        if (kh_streq(r->grades[i].name, g))
            return i;
    return -1;
}

/* qsort order for doubles, ascending. */
static int double_cmp(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;

    return a < b ? -1 : a > b;
}

/*
 * Turn the unit's valid rows into marks (skipping void ballots and ignored
 * grades). Fails citing the row for an unknown grade or group, or a row
 * with neither grade nor score. Sets *nm.
 */
static int collect_marks(const struct kh_scheme *s, const struct kh_node *n,
                         const struct kh_rule_unit *in, struct mark *m, size_t *nm, size_t *nvoid,
                         size_t *nignored, struct kh_err *err)
{
    const struct kh_rule_ballot *r = &n->rule.u.ballot;
    char where[300];
    size_t i, k = 0;

    *nvoid = *nignored = 0;
    for (i = 0; i < in->nballots; i++) {
        const struct kh_ballot *bt = in->ballots[i];
        const char *file = kh_rule_file(in, bt->file);
        int g = 0;

        if (in->ballot_valid && !in->ballot_valid[i]) {
            (*nvoid)++;
            continue;
        }
        kh_rule_cite(in, bt->file, bt->line, where, sizeof(where));
        if (bt->grade && grade_ignored(r, bt->grade)) {
            (*nignored)++;
            continue;
        }
        if (r->ngroups > 0) {
            for (g = 0; g < r->ngroups; g++)
                if (kh_streq(r->groups[g].name, bt->group))
                    break;
            if (g == r->ngroups)
                return kh_rule_fail(err, s, n, in, file, bt->line,
                                    "ballot at %s is from evaluator group '%s', which the rule "
                                    "does not list",
                                    where, bt->group ? bt->group : "");
        }
        m[k].group = g;
        if (bt->grade) {
            m[k].grade = grade_find(r, bt->grade);
            if (m[k].grade < 0)
                return kh_rule_fail(err, s, n, in, file, bt->line,
                                    "ballot at %s has grade '%s', which the rule does not list",
                                    where, bt->grade);
            m[k].v = r->grades[m[k].grade].v;
        } else {
            if (isnan(bt->score))
                return kh_rule_fail(err, s, n, in, file, bt->line,
                                    "ballot at %s has neither a grade nor a score", where);
            m[k].grade = -1;
            m[k].v = bt->score;
        }
        k++;
    }
    *nm = k;
    return KH_OK;
}

/* Trace a graded group's mean as (2×100 + 1×80) ÷ 3 when nothing was trimmed. */
static void trace_graded(struct kh_trace *tr, const struct kh_rule_ballot *r, const struct mark *m,
                         size_t nm, int g, const char *gname, double w, size_t cnt, double mean)
{
    struct kh_buf b;
    char a[32], c[32];
    int k, first = 1;
    size_t i, per;

    kh_buf_init(&b, 4096);
    for (k = 0; k < r->ngrades; k++) {
        per = 0;
        for (i = 0; i < nm; i++)
            if (m[i].group == g && m[i].grade == k)
                per++;
        if (per) {
            kh_buf_printf(&b, "%s%zu×%s", first ? "" : " + ", per, kh_num(r->grades[k].v, a));
            first = 0;
        }
    }
    for (i = 0; i < nm; i++)
        if (m[i].group == g && m[i].grade < 0) {
            kh_buf_printf(&b, "%s%s", first ? "" : " + ", kh_num(m[i].v, a));
            first = 0;
        }
    kh_trace_line(tr, "%s (权重 %s): (%s) ÷ %zu = %s", gname, kh_num(w, a), kh_buf_str(&b), cnt,
                  kh_num(mean, c));
    kh_buf_free(&b);
}

/*
 * The mean mark of group g (trimmed when it has more than trim_over marks);
 * *cnt is its number of marks (0: no mean). vals is scratch of nm doubles.
 */
static int group_mean(const struct kh_scheme *s, const struct kh_node *n,
                      const struct kh_rule_unit *in, const struct mark *m, size_t nm, int g,
                      double *vals, double *mean, size_t *cnt, struct kh_trace *tr,
                      struct kh_err *err)
{
    const struct kh_rule_ballot *r = &n->rule.u.ballot;
    const char *gname = r->ngroups > 0 ? r->groups[g].name : "全体评价人";
    double w = r->ngroups > 0 ? r->groups[g].weight : 1, sum = 0;
    size_t i, k = 0, lo = 0, hi;
    char a[32], b[32], c[32], d[32];

    for (i = 0; i < nm; i++)
        if (m[i].group == g)
            vals[k++] = m[i].v;
    *cnt = k;
    *mean = NAN;
    if (k == 0) {
        KH_TRACE(tr, "%s (权重 %s): 无有效评价, 不参与加权", gname, kh_num(w, a));
        return KH_OK;
    }
    qsort(vals, k, sizeof(*vals), double_cmp);
    hi = k;
    if (r->trim_over > 0 && k > (size_t)r->trim_over && (r->trim_high > 0 || r->trim_low > 0)) {
        size_t th = r->trim_high > 0 ? (size_t)r->trim_high : 0;
        size_t tl = r->trim_low > 0 ? (size_t)r->trim_low : 0;
        if (th + tl >= k)
            return kh_rule_fail(err, s, n, in, NULL, 0,
                                "group '%s' has %zu marks; dropping %zu highest and %zu lowest "
                                "leaves none",
                                gname, k, th, tl);
        lo = tl;
        hi = k - th;
        KH_TRACE(tr, "%s: %zu 人评价, 多于 %d 人, 去掉最高 %zu 个 (%s) 和最低 %zu 个 (%s)", gname,
                 k, r->trim_over, th, th ? kh_num(vals[k - 1], a) : "-", tl,
                 tl ? kh_num(vals[0], b) : "-");
    }
    for (i = lo; i < hi; i++)
        sum += vals[i];
    *mean = sum / (double)(hi - lo);
    if (tr && r->ngrades > 0 && hi - lo == k)
        trace_graded(tr, r, m, nm, g, gname, w, k, *mean);
    else
        KH_TRACE(tr, "%s (权重 %s): 计 %zu 个评分, 合计 %s, 平均 = %s ÷ %zu = %s", gname,
                 kh_num(w, a), hi - lo, kh_num(sum, b), kh_num(sum, c), hi - lo, kh_num(*mean, d));
    return KH_OK;
}

/*
 * Weighted mean over groups that have marks; *S the result. Traces the
 * re-normalisation when a group had no marks.
 */
static int ballot_combine(const struct kh_scheme *s, const struct kh_node *n,
                          const struct kh_rule_unit *in, const struct mark *m, size_t nm,
                          double *vals, double *S, struct kh_trace *tr, struct kh_err *err)
{
    const struct kh_rule_ballot *r = &n->rule.u.ballot;
    int ng = r->ngroups > 0 ? r->ngroups : 1, g, missing = 0;
    double num = 0, den = 0;
    struct kh_buf terms;
    char a[32], b[32], c[32];
    int rc = KH_OK;

    kh_buf_init(&terms, 8192);
    for (g = 0; g < ng; g++) {
        double mean, w = r->ngroups > 0 ? r->groups[g].weight : 1;
        size_t cnt;
        rc = group_mean(s, n, in, m, nm, g, vals, &mean, &cnt, tr, err);
        if (rc)
            goto out;
        if (cnt == 0) {
            missing++;
            continue;
        }
        num += w * mean;
        den += w;
        if (tr)
            kh_buf_printf(&terms, "%s%s × %s", terms.len ? " + " : "", kh_num(w, a),
                          kh_num(mean, b));
    }
    if (!(den > 0)) {
        rc = kh_rule_fail(err, s, n, in, NULL, 0,
                          "the evaluator groups that voted have a total weight of %s",
                          kh_num(den, a));
        goto out;
    }
    *S = num / den;
    if (ng > 1) {
        if (missing)
            KH_TRACE(tr, "有 %d 个组无有效评价, 权重按其余组重新归一 (权重合计 %s)", missing,
                     kh_num(den, a));
        KH_TRACE(tr, "综合评价 S = (%s) / %s = %s", kh_buf_str(&terms), kh_num(den, b),
                 kh_num(*S, c));
    }
out:
    kh_buf_free(&terms);
    return rc;
}

/*
 * See rules_int.h: score one unit from its valid rows: marks per group,
 * trimmed means, weights re-normalised over the groups that voted,
 * W · S / scale. No marks at all is an error.
 */
int kh_rule_ballot_eval(const struct kh_scheme *s, const struct kh_node *n,
                        const struct kh_rule_unit *in, double *score, struct kh_trace *tr,
                        struct kh_err *err)
{
    const struct kh_rule_ballot *r = &n->rule.u.ballot;
    double sc = kh_rule_param(&r->scale, in, 100), S = NAN;
    struct mark *m = NULL;
    double *vals = NULL;
    size_t nm = 0, nvoid, nign;
    char a[32], b[32], c[32], d[32];
    int rc;

    KH_TRACE(tr, "规则: 评价打分 (会议 %s), %s, 各组平均后加权, 得分 = 分值 × S / %s",
             r->meeting ? r->meeting : "-", r->ngrades > 0 ? "按等次折分" : "按分数",
             kh_num(sc, a));
    if (isnan(sc) || sc == 0)
        return kh_rule_fail(err, s, n, in, NULL, 0, "the ballot scale must be a non-zero number");
    if (in->nballots > 0) {
        m = malloc(in->nballots * sizeof(*m));
        vals = malloc(in->nballots * sizeof(*vals));
        if (!m || !vals) {
            rc = kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory scoring ballots");
            goto out;
        }
    }
    rc = collect_marks(s, n, in, m, &nm, &nvoid, &nign, err);
    if (rc)
        goto out;
    if (nvoid)
        KH_TRACE(tr, "无效票的评价 %zu 条, 不计", nvoid);
    if (nign)
        KH_TRACE(tr, "不计分的评价 (如「不了解」) %zu 条", nign);
    if (nm == 0) {
        rc = kh_rule_fail(err, s, n, in, NULL, 0, "no valid ballots for unit %s at meeting %s",
                          in->unit_id ? in->unit_id : "?", r->meeting ? r->meeting : "-");
        goto out;
    }
    rc = ballot_combine(s, n, in, m, nm, vals, &S, tr, err);
    if (rc)
        goto out;
    *score = in->W * S / sc;
    KH_TRACE(tr, "得分 = 分值 × S / %s = %s × %s / %s = %s", kh_num(sc, a), kh_num(in->W, b),
             kh_num(S, c), a, kh_num(*score, d));
out:
    free(m);
    free(vals);
    return rc;
}

/* ---- ballot validity ---------------------------------------------------- */

/* A row of the meeting, for grouping by evaluator. */
struct brow {
    const char *evaluator;
    size_t i;
};

/* qsort order: by evaluator (NULL as ""), then row order. Deterministic. */
static int brow_cmp(const void *pa, const void *pb)
{
    const struct brow *a = pa, *b = pb;
    int c = strcmp(a->evaluator ? a->evaluator : "", b->evaluator ? b->evaluator : "");

    if (c)
        return c;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* Non-zero when two evaluator names are the same (NULL as ""). */
static int same_evaluator(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* The id of unit u for messages. */
static const char *unit_name(const struct kh_dataset *ds, int u)
{
    if (u >= 0 && u < ds->nunits && ds->units[u].id)
        return ds->units[u].id;
    return "?";
}

/*
 * Is the ballot rows[0..nr) (one evaluator's rows) void? Uniform marks over
 * more than one unit (when the rule voids those) or a grade used more often
 * than its quota.
 */
static int ballot_void(const struct kh_rule_ballot *r, const struct kh_dataset *ds,
                       const struct brow *rows, size_t nr)
{
    size_t j, nmarks = 0, uniform = 1;
    double first = NAN;
    int q;

    for (j = 0; j < nr; j++) {
        const struct kh_ballot *bt = &ds->ballots[rows[j].i];
        double v;
        if (bt->grade && grade_ignored(r, bt->grade))
            continue;
        v = bt->grade ? r->grades[grade_find(r, bt->grade)].v : bt->score;
        if (nmarks++ == 0)
            first = v;
        else if (v != first)
            uniform = 0;
    }
    if (r->invalid_uniform && nmarks > 1 && uniform)
        return 1;
    for (q = 0; q < r->ngrade_quota; q++) {
        size_t used = 0;
        for (j = 0; j < nr; j++)
            if (kh_streq(ds->ballots[rows[j].i].grade, r->grade_quota[q].name))
                used++;
        if ((double)used > r->grade_quota[q].v)
            return 1;
    }
    return 0;
}

/*
 * See rules.h. Checks every row of the meeting for a known grade (or a
 * score), then groups the rows by evaluator (one sort) and voids whole
 * ballots that are uniform or break a grade quota.
 */
int kh_ballot_validate(const struct kh_rule_ballot *r, const struct kh_dataset *ds,
                       unsigned char *valid, struct kh_err *err)
{
    struct brow *rows;
    size_t i, j, k, nr = 0;

    for (i = 0; i < ds->nballots; i++)
        valid[i] = 1;
    if (ds->nballots == 0)
        return KH_OK;
    rows = malloc(ds->nballots * sizeof(*rows));
    if (!rows)
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory checking ballots");
    for (i = 0; i < ds->nballots; i++) {
        const struct kh_ballot *bt = &ds->ballots[i];
        if (r->meeting && !kh_streq(bt->meeting, r->meeting))
            continue;
        if (bt->grade && !grade_ignored(r, bt->grade) && grade_find(r, bt->grade) < 0) {
            const char *file = bt->file >= 0 && bt->file < ds->nfiles ? ds->files[bt->file] : NULL;
            free(rows);
            return kh_err_set(err, KH_EINVAL, file, bt->line, 0,
                              "meeting %s, unit %s: grade '%s' from evaluator %s is not one of "
                              "the rule's grades",
                              r->meeting ? r->meeting : "-", unit_name(ds, bt->unit), bt->grade,
                              bt->evaluator ? bt->evaluator : "?");
        }
        if (!bt->grade && isnan(bt->score)) {
            const char *file = bt->file >= 0 && bt->file < ds->nfiles ? ds->files[bt->file] : NULL;
            free(rows);
            return kh_err_set(err, KH_EINVAL, file, bt->line, 0,
                              "meeting %s, unit %s: the row of evaluator %s has neither a grade "
                              "nor a score",
                              r->meeting ? r->meeting : "-", unit_name(ds, bt->unit),
                              bt->evaluator ? bt->evaluator : "?");
        }
        rows[nr].evaluator = bt->evaluator;
        rows[nr].i = i;
        nr++;
    }
    qsort(rows, nr, sizeof(*rows), brow_cmp);
    for (i = 0; i < nr; i = j) {
        for (j = i + 1; j < nr && same_evaluator(rows[i].evaluator, rows[j].evaluator); j++)
            ;
        if (ballot_void(r, ds, rows + i, j - i))
            for (k = i; k < j; k++)
                valid[rows[k].i] = 0;
    }
    free(rows);
    return KH_OK;
}
