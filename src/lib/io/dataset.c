/*
 * dataset.c — the in-memory input data of an assessment (kaohe/data.h):
 * the dataset's lifecycle, its lookup tables (open-addressing hash maps,
 * see io/dataset_priv.h), the functions that build a dataset in code, and
 * the rollback that makes file loads all or nothing. Reading the CSV files
 * is in dataset_load.c.
 */
#include "base/common.h"

#include "io/dataset_priv.h"
#include "io/encoding.h"

/* Records a map can index: slot values are index + 1 in 32 bits. */
#define DS_MAX_RECORDS ((size_t)UINT32_MAX - 1)

/* ---- hashing ------------------------------------------------------------ */

uint32_t ds_hash_str(const char *s, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(0x100000001b3);
    }
    return (uint32_t)(h ^ (h >> 32));
}

/* Mix a 64-bit integer into a 32-bit hash (the splitmix64 finaliser). */
static uint32_t hash_u64(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return (uint32_t)x;
}

/* ---- the map ------------------------------------------------------------ */

/* Compares the key `key` with record `idx`: non-zero when equal. */
typedef int (*map_eq_fn)(const struct kh_dataset *ds, const void *key, size_t idx);

/* Make room for `need` entries at a load factor of at most 0.7. Returns
 * KH_OK or KH_ENOMEM (then the map is unchanged). */
static int map_reserve(struct ds_map *m, size_t need)
{
    size_t cap = m->cap ? m->cap : 16, i, j, mask;
    uint64_t *slots;

    while (need > cap / 10 * 7) {
        if (cap > SIZE_MAX / 2 / sizeof(uint64_t))
            return KH_ENOMEM;
        cap *= 2;
    }
    if (cap == m->cap)
        return KH_OK;
    slots = calloc(cap, sizeof(*slots));
    if (!slots)
        return KH_ENOMEM;
    mask = cap - 1;
    for (i = 0; i < m->cap; i++) {
        uint64_t s = m->slots[i];
        if (!s)
            continue;
        j = (size_t)(s >> 32) & mask;
        while (slots[j])
            j = (j + 1) & mask;
        slots[j] = s;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return KH_OK;
}

/*
 * Look for `key` (hash h). Returns the index of its record, or SIZE_MAX
 * with *slot set to the empty slot where it would go. The map must have
 * slots.
 */
static size_t map_find(const struct ds_map *m, uint32_t h, map_eq_fn eq,
                       const struct kh_dataset *ds, const void *key, size_t *slot)
{
    size_t mask = m->cap - 1, i = h & mask;

    for (;;) {
        uint64_t s = m->slots[i];
        if (!s) {
            *slot = i;
            return SIZE_MAX;
        }
        if ((uint32_t)(s >> 32) == h && eq(ds, key, (size_t)(uint32_t)s - 1))
            return (size_t)(uint32_t)s - 1;
        i = (i + 1) & mask;
    }
}

/* Look `key` up without changing the map: its record index or SIZE_MAX. */
static size_t map_lookup(const struct ds_map *m, uint32_t h, map_eq_fn eq,
                         const struct kh_dataset *ds, const void *key)
{
    size_t slot;
    if (!m->cap)
        return SIZE_MAX;
    return map_find(m, h, eq, ds, key, &slot);
}

/*
 * Enter record `idx` under `key` (hash h). Returns KH_OK, KH_EINVAL with
 * *dup set when another record has the key, or KH_ENOMEM.
 */
static int map_enter(struct ds_map *m, uint32_t h, map_eq_fn eq, const struct kh_dataset *ds,
                     const void *key, size_t idx, size_t *dup)
{
    size_t slot = 0, found;

    if (map_reserve(m, m->count + 1))
        return KH_ENOMEM;
    found = map_find(m, h, eq, ds, key, &slot);
    if (found != SIZE_MAX) {
        *dup = found;
        return KH_EINVAL;
    }
    m->slots[slot] = (uint64_t)h << 32 | (uint64_t)(idx + 1);
    m->count++;
    return KH_OK;
}

/* Empty the map, keeping its slots. */
static void map_clear(struct ds_map *m)
{
    if (m->slots)
        memset(m->slots, 0, m->cap * sizeof(*m->slots));
    m->count = 0;
}

/* Re-enter record idx (hash h), known to be unique, during a rebuild; the
 * map already has room (it held the record before). */
static void map_put(struct ds_map *m, uint32_t h, size_t idx)
{
    size_t mask = m->cap - 1, i = h & mask;
    while (m->slots[i])
        i = (i + 1) & mask;
    m->slots[i] = (uint64_t)h << 32 | (uint64_t)(idx + 1);
    m->count++;
}

/* ---- keys of each map --------------------------------------------------- */

/* A string key: s[0..n). */
struct str_key {
    const char *s;
    size_t n;
};

/* Non-zero if the NUL-terminated a equals s[0..n). */
static int str_eq_n(const char *a, const char *s, size_t n)
{
    return strncmp(a, s, n) == 0 && a[n] == 0;
}

/* map_eq_fn of the unit map: key is a struct str_key, the unit's id. */
static int unit_eq(const struct kh_dataset *ds, const void *key, size_t idx)
{
    const struct str_key *k = key;
    return str_eq_n(ds->units[idx].id, k->s, k->n);
}

/* map_eq_fn of the indicator map: key is a struct str_key, the name. */
static int indicator_eq(const struct kh_dataset *ds, const void *key, size_t idx)
{
    const struct str_key *k = key;
    return str_eq_n(ds->indicators[idx], k->s, k->n);
}

/* map_eq_fn of the ballot map: key is a struct kh_ballot; equal when the
 * meeting, the evaluator and the unit are. */
static int ballot_eq(const struct kh_dataset *ds, const void *key, size_t idx)
{
    const struct kh_ballot *a = key, *b = &ds->ballots[idx];
    return a->unit == b->unit && strcmp(a->meeting, b->meeting) == 0 &&
           strcmp(a->evaluator, b->evaluator) == 0;
}

/* Hash of a ballot's (meeting, evaluator, unit). */
static uint32_t ballot_hash(const struct kh_ballot *b)
{
    uint32_t h = ds_hash_str(b->meeting, strlen(b->meeting));
    h = h * 31u + ds_hash_str(b->evaluator, strlen(b->evaluator));
    return hash_u64((uint64_t)h << 32 | (uint32_t)b->unit);
}

/* ---- lookups ------------------------------------------------------------ */

int ds_unit_find(const struct kh_dataset *ds, const char *s, size_t n)
{
    struct str_key k = {s, n};
    size_t i = map_lookup(&ds_priv(ds)->unit_map, ds_hash_str(s, n), unit_eq, ds, &k);
    return i == SIZE_MAX ? -1 : (int)i;
}

int ds_indicator_find(const struct kh_dataset *ds, const char *s, size_t n)
{
    struct str_key k = {s, n};
    size_t i = map_lookup(&ds_priv(ds)->indicator_map, ds_hash_str(s, n), indicator_eq, ds, &k);
    return i == SIZE_MAX ? -1 : (int)i;
}

int kh_dataset_unit(const struct kh_dataset *ds, const char *id)
{
    if (!ds || !id)
        return -1;
    return ds_unit_find(ds, id, strlen(id));
}

int kh_dataset_indicator(const struct kh_dataset *ds, const char *name)
{
    if (!ds || !name)
        return -1;
    return ds_indicator_find(ds, name, strlen(name));
}

/* ---- growth ------------------------------------------------------------- */

/* Grow array *p (capacity *cap, `count` in use) for `extra` more. */
static int reserve_array(void *p, size_t *cap, size_t count, size_t extra, size_t elem)
{
    if (extra > DS_MAX_RECORDS || count > DS_MAX_RECORDS - extra)
        return KH_ELIMIT;
    return kh_grow(p, cap, count + extra, elem);
}

int ds_reserve_units(struct kh_dataset *ds, size_t extra)
{
    if ((size_t)ds->nunits + extra > INT_MAX)
        return KH_ELIMIT;
    return reserve_array(&ds->units, &ds_priv(ds)->units_cap, (size_t)ds->nunits, extra,
                         sizeof(*ds->units));
}

int ds_reserve_values(struct kh_dataset *ds, size_t extra)
{
    return reserve_array(&ds->values, &ds_priv(ds)->values_cap, ds->nvalues, extra,
                         sizeof(*ds->values));
}

int ds_presize_values(struct kh_dataset *ds, size_t extra)
{
    return ds_priv(ds)->compact ? KH_OK : ds_reserve_values(ds, extra);
}

int ds_presize_targets(struct kh_dataset *ds, size_t extra)
{
    return ds_priv(ds)->compact ? KH_OK : ds_reserve_targets(ds, extra);
}

int ds_reserve_targets(struct kh_dataset *ds, size_t extra)
{
    return reserve_array(&ds->targets, &ds_priv(ds)->targets_cap, ds->ntargets, extra,
                         sizeof(*ds->targets));
}

int ds_reserve_events(struct kh_dataset *ds, size_t extra)
{
    return reserve_array(&ds->events, &ds_priv(ds)->events_cap, ds->nevents, extra,
                         sizeof(*ds->events));
}

int ds_reserve_ballots(struct kh_dataset *ds, size_t extra)
{
    return reserve_array(&ds->ballots, &ds_priv(ds)->ballots_cap, ds->nballots, extra,
                         sizeof(*ds->ballots));
}

/* ---- entering records into the maps -------------------------------------- */

int ds_unit_enter(struct kh_dataset *ds, int idx, int *dup)
{
    const char *id = ds->units[idx].id;
    struct str_key k = {id, strlen(id)};
    size_t d = 0;
    int rc =
        map_enter(&ds_priv(ds)->unit_map, ds_hash_str(k.s, k.n), unit_eq, ds, &k, (size_t)idx, &d);
    if (rc == KH_EINVAL)
        *dup = (int)d;
    return rc;
}

int ds_ballot_enter(struct kh_dataset *ds, size_t idx, size_t *dup)
{
    const struct kh_ballot *b = &ds->ballots[idx];
    return map_enter(&ds_priv(ds)->ballot_map, ballot_hash(b), ballot_eq, ds, b, idx, dup);
}

int ds_indicator_intern(struct kh_dataset *ds, const char *s, size_t n)
{
    struct ds_priv *pv = ds_priv(ds);
    struct str_key k = {s, n};
    uint32_t h = ds_hash_str(s, n);
    size_t found, slot = 0;
    char *copy;

    if (map_reserve(&pv->indicator_map, pv->indicator_map.count + 1))
        return KH_ENOMEM;
    found = map_find(&pv->indicator_map, h, indicator_eq, ds, &k, &slot);
    if (found != SIZE_MAX)
        return (int)found;
    if (ds->nindicators >= INT_MAX - 1)
        return KH_ELIMIT;
    if (kh_grow(&ds->indicators, &pv->indicators_cap, (size_t)ds->nindicators + 1,
                sizeof(*ds->indicators)))
        return KH_ENOMEM;
    copy = kh_strndup(s, n);
    if (!copy)
        return KH_ENOMEM;
    ds->indicators[ds->nindicators] = copy;
    pv->indicator_map.slots[slot] = (uint64_t)h << 32 | (uint64_t)(ds->nindicators + 1);
    pv->indicator_map.count++;
    return ds->nindicators++;
}

/* ---- files and attribute names --------------------------------------------- */

int ds_add_file(struct kh_dataset *ds, const char *name, int encoding)
{
    struct ds_priv *pv = ds_priv(ds);
    size_t cap = pv->files_cap;
    char *copy;

    if (ds->nfiles >= INT_MAX - 1)
        return KH_ELIMIT;
    if (kh_grow(&ds->files, &cap, (size_t)ds->nfiles + 1, sizeof(*ds->files)))
        return KH_ENOMEM;
    cap = pv->files_cap;
    if (kh_grow(&pv->file_encoding, &cap, (size_t)ds->nfiles + 1, sizeof(*pv->file_encoding)))
        return KH_ENOMEM;
    pv->files_cap = cap;
    copy = kh_strdup(name ? name : "");
    if (!copy)
        return KH_ENOMEM;
    ds->files[ds->nfiles] = copy;
    pv->file_encoding[ds->nfiles] = encoding;
    return ds->nfiles++;
}

const char *kh_dataset_file_encoding(const struct kh_dataset *ds, int file)
{
    if (!ds || file < 0 || file >= ds->nfiles)
        return NULL;
    return kh_enc_name(ds_priv(ds)->file_encoding[file]);
}

const char *ds_attr_intern(struct kh_dataset *ds, const char *s, size_t n)
{
    struct ds_priv *pv = ds_priv(ds);
    char *copy;
    int i;

    for (i = 0; i < pv->nattr_names; i++)
        if (str_eq_n(pv->attr_names[i], s, n))
            return pv->attr_names[i];
    if (kh_grow(&pv->attr_names, &pv->attr_names_cap, (size_t)pv->nattr_names + 1,
                sizeof(*pv->attr_names)))
        return NULL;
    copy = kh_strndup(s, n);
    if (!copy)
        return NULL;
    pv->attr_names[pv->nattr_names++] = copy;
    return copy;
}

/* ---- releasing records ----------------------------------------------------- */

void ds_unit_release(struct kh_unit *u)
{
    int i;

    free(u->id);
    free(u->name);
    free(u->category);
    free(u->parent);
    for (i = 0; i < u->ntags; i++)
        free(u->tags[i]);
    free(u->tags);
    free(u->attr_names); /* the names themselves are interned in the dataset */
    free(u->attr_values);
    memset(u, 0, sizeof(*u));
}

void ds_event_release(struct kh_event *e)
{
    free(e->item);
    free(e->level);
    free(e->matter);
    free(e->evidence);
    free(e->note);
    memset(e, 0, sizeof(*e));
}

void ds_ballot_release(struct kh_ballot *b)
{
    free(b->meeting);
    free(b->evaluator);
    free(b->group);
    free(b->grade);
    memset(b, 0, sizeof(*b));
}

/* ---- lifecycle and rollback --------------------------------------------- */

struct kh_dataset *kh_dataset_new(void)
{
    struct kh_dataset *ds = calloc(1, sizeof(*ds));
    struct ds_priv *pv;

    if (!ds)
        return NULL;
    pv = calloc(1, sizeof(*pv));
    if (!pv) {
        free(ds);
        return NULL;
    }
    pv->units_file = -1;
    ds->priv = pv;
    return ds;
}

void kh_dataset_free(struct kh_dataset *ds)
{
    struct ds_priv *pv;
    size_t i;
    int j;

    if (!ds)
        return;
    pv = ds_priv(ds);
    for (j = 0; j < ds->nfiles; j++)
        free(ds->files[j]);
    for (j = 0; j < ds->nunits; j++)
        ds_unit_release(&ds->units[j]);
    for (j = 0; j < ds->nindicators; j++)
        free(ds->indicators[j]);
    for (i = 0; i < ds->nevents; i++)
        ds_event_release(&ds->events[i]);
    for (i = 0; i < ds->nballots; i++)
        ds_ballot_release(&ds->ballots[i]);
    free(ds->files);
    free(ds->units);
    free(ds->indicators);
    free(ds->values);
    free(ds->targets);
    free(ds->events);
    free(ds->ballots);
    while (pv->nattr_names > 0)
        free(pv->attr_names[--pv->nattr_names]);
    free(pv->attr_names);
    free(pv->file_encoding);
    free(pv->unit_map.slots);
    free(pv->indicator_map.slots);
    ds_cols_free(ds);
    free(pv->ballot_map.slots);
    free(pv);
    free(ds);
}

void ds_mark(const struct kh_dataset *ds, struct ds_mark *m)
{
    m->nfiles = ds->nfiles;
    m->nunits = ds->nunits;
    m->nindicators = ds->nindicators;
    m->units_file = ds_priv(ds)->units_file;
    m->nvalues = ds->nvalues;
    m->ntargets = ds->ntargets;
    m->nevents = ds->nevents;
    m->nballots = ds->nballots;
}

void ds_rollback(struct kh_dataset *ds, const struct ds_mark *m)
{
    struct ds_priv *pv = ds_priv(ds);
    size_t i;
    int j;

    if (ds->nunits > m->nunits) {
        for (j = m->nunits; j < ds->nunits; j++)
            ds_unit_release(&ds->units[j]);
        ds->nunits = m->nunits;
        map_clear(&pv->unit_map);
        for (j = 0; j < ds->nunits; j++)
            map_put(&pv->unit_map, ds_hash_str(ds->units[j].id, strlen(ds->units[j].id)),
                    (size_t)j);
    }
    /* Values and targets first: their columns are dropped by indicator. */
    if (ds->nvalues > m->nvalues || ds->nindicators > m->nindicators ||
        (pv->compact && ds->nfiles > m->nfiles)) {
        ds_cols_rollback(ds, 0, m->nvalues, ds->nvalues, m->nfiles, m->nindicators);
        if (ds->nvalues > m->nvalues)
            ds->nvalues = m->nvalues;
    }
    if (ds->ntargets > m->ntargets || ds->nindicators > m->nindicators ||
        (pv->compact && ds->nfiles > m->nfiles)) {
        ds_cols_rollback(ds, 1, m->ntargets, ds->ntargets, m->nfiles, m->nindicators);
        if (ds->ntargets > m->ntargets)
            ds->ntargets = m->ntargets;
    }
    if (ds->nindicators > m->nindicators) {
        for (j = m->nindicators; j < ds->nindicators; j++)
            free(ds->indicators[j]);
        ds->nindicators = m->nindicators;
        map_clear(&pv->indicator_map);
        for (j = 0; j < ds->nindicators; j++)
            map_put(&pv->indicator_map, ds_hash_str(ds->indicators[j], strlen(ds->indicators[j])),
                    (size_t)j);
    }
    for (i = m->nevents; i < ds->nevents; i++)
        ds_event_release(&ds->events[i]);
    if (ds->nevents > m->nevents)
        ds->nevents = m->nevents;
    if (ds->nballots > m->nballots || pv->ballot_map.count > m->nballots) {
        for (i = m->nballots; i < ds->nballots; i++)
            ds_ballot_release(&ds->ballots[i]);
        ds->nballots = m->nballots;
        map_clear(&pv->ballot_map);
        for (i = 0; i < ds->nballots; i++)
            map_put(&pv->ballot_map, ballot_hash(&ds->ballots[i]), i);
    }
    for (j = m->nfiles; j < ds->nfiles; j++)
        free(ds->files[j]);
    if (ds->nfiles > m->nfiles)
        ds->nfiles = m->nfiles;
    pv->units_file = m->units_file;
}

/* ---- messages ------------------------------------------------------------ */

const char *ds_where(const struct kh_dataset *ds, int file, int line, int cur_file, char *out,
                     size_t outsz)
{
    if (file < 0 || file >= ds->nfiles)
        snprintf(out, outsz, "code");
    else if (file == cur_file)
        snprintf(out, outsz, "line %d", line);
    else
        snprintf(out, outsz, "%s:%d", ds->files[file], line);
    return out;
}

/* ASCII case-insensitive equality of two NUL-terminated strings. */
static int ascii_caseeq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

const char *ds_unknown_unit_hint(const struct kh_dataset *ds, const char *s, char *out,
                                 size_t outsz)
{
    const struct ds_priv *pv = ds_priv(ds);
    int i, named = -1, similar = -1;
    size_t n;

    if (ds->nunits == 0) {
        snprintf(out, outsz, "no units are loaded: load units.csv first");
        return out;
    }
    if (pv->units_file >= 0)
        snprintf(out, outsz, "no unit has this id in %s", ds->files[pv->units_file]);
    else
        snprintf(out, outsz, "no unit has this id");
    for (i = 0; i < ds->nunits && named < 0; i++) {
        if (strcmp(ds->units[i].name, s) == 0)
            named = i;
        else if (similar < 0 && ascii_caseeq(ds->units[i].id, s))
            similar = i;
    }
    n = strlen(out);
    if (named >= 0)
        snprintf(out + n, outsz - n, "; \"%s\" is the name of unit %s: use its id", s,
                 ds->units[named].id);
    else if (similar >= 0)
        snprintf(out + n, outsz - n, "; did you mean \"%s\"?", ds->units[similar].id);
    return out;
}

/* ---- building in code ------------------------------------------------------ */

/* The UTF-8 bytes of the tag separators other than ';' and '|'. */
static const char *const tag_separators[] = {"\xEF\xBC\x9B" /* ； */, "\xE3\x80\x81" /* 、 */};

/* Length of the tag separator at s[0..n), or 0. */
static size_t tag_separator(const char *s, size_t n)
{
    size_t i;

    if (s[0] == ';' || s[0] == '|')
        return 1;
    for (i = 0; i < KH_ARRAY_LEN(tag_separators); i++)
        if (n >= 3 && memcmp(s, tag_separators[i], 3) == 0)
            return 3;
    return 0;
}

int ds_unit_set_tags(struct kh_unit *u, const char *s, size_t n)
{
    size_t i = 0, start, end, sep, cap = 0;
    int j, dup;
    char *tag;

    while (i <= n) {
        start = i;
        while (i < n && !(sep = tag_separator(s + i, n - i)))
            i++;
        if (i >= n)
            sep = 1;
        end = i;
        i += sep;
        while (start < end && (s[start] == ' ' || s[start] == '\t'))
            start++;
        while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
            end--;
        if (end == start)
            continue;
        for (dup = 0, j = 0; j < u->ntags && !dup; j++)
            dup = str_eq_n(u->tags[j], s + start, end - start);
        if (dup)
            continue;
        if (kh_grow(&u->tags, &cap, (size_t)u->ntags + 1, sizeof(*u->tags)))
            return KH_ENOMEM;
        tag = kh_strndup(s + start, end - start);
        if (!tag)
            return KH_ENOMEM;
        u->tags[u->ntags++] = tag;
    }
    return KH_OK;
}

/* Non-zero if s is NULL or "". */
static int empty(const char *s)
{
    return !s || !*s;
}

int kh_dataset_add_unit(struct kh_dataset *ds, const char *id, const char *name,
                        const char *category, const char *parent, const char *tags,
                        struct kh_err *err)
{
    struct kh_unit *u;
    int rc, dup = 0, idx;

    if (empty(id) || empty(name) || empty(category))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "a unit needs an id, a name and a category (got \"%s\", \"%s\", "
                          "\"%s\")",
                          id ? id : "", name ? name : "", category ? category : "");
    if (!empty(parent) && kh_dataset_unit(ds, parent) < 0)
        return kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0,
                          "unit \"%s\": unknown parent unit \"%s\" (add the parent first)", id,
                          parent);
    if (ds_reserve_units(ds, 1))
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory adding unit \"%s\"", id);
    idx = ds->nunits;
    u = &ds->units[idx];
    memset(u, 0, sizeof(*u));
    u->file = -1;
    u->id = kh_strdup(id);
    u->name = kh_strdup(name);
    u->category = kh_strdup(category);
    u->parent = empty(parent) ? NULL : kh_strdup(parent);
    rc = !u->id || !u->name || !u->category || (!empty(parent) && !u->parent) ? KH_ENOMEM : KH_OK;
    if (rc == KH_OK && tags)
        rc = ds_unit_set_tags(u, tags, strlen(tags));
    if (rc == KH_OK)
        rc = ds_unit_enter(ds, idx, &dup);
    if (rc) {
        ds_unit_release(u);
        if (rc == KH_EINVAL) {
            char where[300];
            return kh_err_set(
                err, KH_EINVAL, NULL, 0, 0, "duplicate unit id \"%s\": already defined at %s", id,
                ds_where(ds, ds->units[dup].file, ds->units[dup].line, -2, where, sizeof(where)));
        }
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory adding unit \"%s\"", id);
    }
    ds->nunits++;
    return idx;
}

int kh_dataset_set_attr(struct kh_dataset *ds, int unit, const char *name, double v)
{
    struct kh_unit *u;
    const char *key;
    char **names;
    double *values;
    int i;

    if (!ds || unit < 0 || unit >= ds->nunits || empty(name))
        return KH_EINVAL;
    u = &ds->units[unit];
    key = ds_attr_intern(ds, name, strlen(name));
    if (!key)
        return KH_ENOMEM;
    for (i = 0; i < u->nattrs; i++) {
        if (u->attr_names[i] != key)
            continue;
        if (isnan(v)) { /* NaN unsets */
            u->nattrs--;
            memmove(&u->attr_names[i], &u->attr_names[i + 1],
                    (size_t)(u->nattrs - i) * sizeof(*u->attr_names));
            memmove(&u->attr_values[i], &u->attr_values[i + 1],
                    (size_t)(u->nattrs - i) * sizeof(*u->attr_values));
        } else {
            u->attr_values[i] = v;
        }
        return KH_OK;
    }
    if (isnan(v))
        return KH_OK;
    names = realloc(u->attr_names, (size_t)(u->nattrs + 1) * sizeof(*names));
    if (!names)
        return KH_ENOMEM;
    u->attr_names = names;
    values = realloc(u->attr_values, (size_t)(u->nattrs + 1) * sizeof(*values));
    if (!values)
        return KH_ENOMEM;
    u->attr_values = values;
    u->attr_names[u->nattrs] = (char *)key;
    u->attr_values[u->nattrs] = v;
    u->nattrs++;
    return KH_OK;
}

/*
 * Resolve the unit, indicator and period of an add_* call. On success sets
 * *unit, *indicator (interned; skipped when `indicator` is NULL) and *p.
 */
static int resolve_uip(struct kh_dataset *ds, const char *what, const char *unit,
                       const char *indicator, int want_indicator, const char *period, int *u_out,
                       int *i_out, struct kh_period *p, struct kh_err *err)
{
    char hint[512];
    int ind;

    if (empty(unit))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "%s: the unit id is empty", what);
    *u_out = kh_dataset_unit(ds, unit);
    if (*u_out < 0)
        return kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0, "%s: unknown unit \"%s\": %s", what, unit,
                          ds_unknown_unit_hint(ds, unit, hint, sizeof(hint)));
    if (empty(period) || kh_period_parse(period, p))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "%s: \"%s\" is not a period: expected " DS_PERIOD_FORMS, what,
                          period ? period : "");
    if (!want_indicator)
        return KH_OK;
    if (empty(indicator))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "%s: the indicator name is empty", what);
    ind = ds_indicator_intern(ds, indicator, strlen(indicator));
    if (ind < 0)
        return kh_err_set(err, ind, NULL, 0, 0, "%s: cannot add indicator \"%s\": %s", what,
                          indicator, kh_status_name(ind));
    *i_out = ind;
    return KH_OK;
}

int kh_dataset_add_value(struct kh_dataset *ds, const char *unit, const char *indicator,
                         const char *period, double value, struct kh_err *err)
{
    struct ds_mark m;
    struct ds_entry e;
    char where[300], ptext[KH_PERIOD_TEXT];
    int u = 0, ind = 0, rc, df = -1, dl = 0;

    ds_mark(ds, &m);
    rc = resolve_uip(ds, "value", unit, indicator, 1, period, &u, &ind, &e.period, err);
    if (rc) {
        ds_rollback(ds, &m);
        return rc;
    }
    e.unit = u;
    e.indicator = ind;
    e.v = value;
    e.b = NAN;
    e.file = -1;
    e.line = 0;
    rc = ds_put(ds, 0, &e, &df, &dl);
    if (rc == KH_EINVAL)
        kh_err_set(err, rc, NULL, 0, 0,
                   "duplicate value for unit %s, indicator %s, period %s: one was already added "
                   "at %s",
                   unit, indicator, kh_period_format(&e.period, ptext),
                   ds_where(ds, df, dl, -2, where, sizeof(where)));
    else if (rc)
        kh_err_set(err, rc, NULL, 0, 0, "cannot add a value: %s", kh_status_name(rc));
    if (rc) {
        ds_rollback(ds, &m);
        return rc;
    }
    return KH_OK;
}

int kh_dataset_add_target(struct kh_dataset *ds, const char *unit, const char *indicator,
                          const char *period, double target, double baseline, struct kh_err *err)
{
    struct ds_mark m;
    struct ds_entry e;
    char where[300], ptext[KH_PERIOD_TEXT];
    int u = 0, ind = 0, rc, df = -1, dl = 0;

    if (isnan(target) && isnan(baseline))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "target: give a target, a baseline or both (both are NaN)");
    ds_mark(ds, &m);
    rc = resolve_uip(ds, "target", unit, indicator, 1, period, &u, &ind, &e.period, err);
    if (rc) {
        ds_rollback(ds, &m);
        return rc;
    }
    e.unit = u;
    e.indicator = ind;
    e.v = target;
    e.b = baseline;
    e.file = -1;
    e.line = 0;
    rc = ds_put(ds, 1, &e, &df, &dl);
    if (rc == KH_EINVAL)
        kh_err_set(err, rc, NULL, 0, 0,
                   "duplicate target for unit %s, indicator %s, period %s: one was already "
                   "added at %s",
                   unit, indicator, kh_period_format(&e.period, ptext),
                   ds_where(ds, df, dl, -2, where, sizeof(where)));
    else if (rc)
        kh_err_set(err, rc, NULL, 0, 0, "cannot add a target: %s", kh_status_name(rc));
    if (rc) {
        ds_rollback(ds, &m);
        return rc;
    }
    return KH_OK;
}

/* ---- the compact form ---------------------------------------------------- */

int kh_dataset_set_compact(struct kh_dataset *ds, int on)
{
    if (!ds)
        return KH_EINVAL;
    if (ds->nvalues || ds->ntargets || ds_priv(ds)->nentries[0] || ds_priv(ds)->nentries[1])
        return (ds_priv(ds)->compact != 0) == (on != 0) ? KH_OK : KH_EINVAL;
    ds_priv(ds)->compact = on != 0;
    return KH_OK;
}

size_t kh_dataset_value_count(const struct kh_dataset *ds)
{
    return ds ? ds_priv(ds)->nentries[0] : 0;
}

size_t kh_dataset_target_count(const struct kh_dataset *ds)
{
    return ds ? ds_priv(ds)->nentries[1] : 0;
}

/* Copy s (NULL or "" → NULL) into *out; non-zero when out of memory. */
static int dup_opt(char **out, const char *s)
{
    *out = empty(s) ? NULL : kh_strdup(s);
    return !empty(s) && !*out;
}

int kh_dataset_add_event_ex(struct kh_dataset *ds, const char *unit, const char *period,
                            const struct kh_event *e, struct kh_err *err)
{
    struct kh_event *ev;
    struct kh_period p;
    int u = 0, rc;

    if (!e || empty(e->item))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "event: the item (event type) is empty");
    if (!isfinite(e->count) || e->count < 0)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "event: the count must be a number of 0 or more");
    if (e->shares < 1)
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "event: shares must be 1 or more");
    rc = resolve_uip(ds, "event", unit, NULL, 0, period, &u, NULL, &p, err);
    if (rc)
        return rc;
    if ((rc = ds_reserve_events(ds, 1)) != KH_OK)
        return kh_err_set(err, rc, NULL, 0, 0, "cannot add an event: %s", kh_status_name(rc));
    ev = &ds->events[ds->nevents];
    memset(ev, 0, sizeof(*ev));
    ev->unit = u;
    ev->period = p;
    ev->count = e->count;
    ev->points = e->points;
    ev->shares = e->shares;
    ev->exempt = e->exempt != 0;
    ev->file = -1;
    if (dup_opt(&ev->item, e->item) | dup_opt(&ev->level, e->level) |
        dup_opt(&ev->matter, e->matter) | dup_opt(&ev->evidence, e->evidence) |
        dup_opt(&ev->note, e->note)) {
        ds_event_release(ev);
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory adding an event");
    }
    ds->nevents++;
    return KH_OK;
}

int kh_dataset_add_event(struct kh_dataset *ds, const char *unit, const char *item,
                         const char *period, const char *level, double count, const char *matter,
                         struct kh_err *err)
{
    struct kh_event e;

    memset(&e, 0, sizeof(e));
    e.item = (char *)item;
    e.level = (char *)level;
    e.matter = (char *)matter;
    e.count = count;
    e.points = NAN;
    e.shares = 1;
    return kh_dataset_add_event_ex(ds, unit, period, &e, err);
}

int kh_dataset_add_ballot(struct kh_dataset *ds, const char *meeting, const char *evaluator,
                          const char *group, const char *unit, const char *grade, double score,
                          struct kh_err *err)
{
    struct kh_ballot *b;
    char hint[512], where[300];
    size_t dup = 0;
    int u, rc;

    if (empty(meeting) || empty(evaluator))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "ballot: the meeting and the evaluator must not be empty");
    if (empty(grade) == (isnan(score) != 0))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0,
                          "ballot: give either a grade or a score (not both, not neither)");
    if (!isnan(score) && !isfinite(score))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "ballot: the score is not finite");
    if (empty(unit))
        return kh_err_set(err, KH_EINVAL, NULL, 0, 0, "ballot: the unit id is empty");
    u = kh_dataset_unit(ds, unit);
    if (u < 0)
        return kh_err_set(err, KH_ENOTFOUND, NULL, 0, 0, "ballot: unknown unit \"%s\": %s", unit,
                          ds_unknown_unit_hint(ds, unit, hint, sizeof(hint)));
    if ((rc = ds_reserve_ballots(ds, 1)) != KH_OK)
        return kh_err_set(err, rc, NULL, 0, 0, "cannot add a ballot: %s", kh_status_name(rc));
    b = &ds->ballots[ds->nballots];
    memset(b, 0, sizeof(*b));
    b->unit = u;
    b->score = empty(grade) ? score : NAN;
    b->file = -1;
    if (dup_opt(&b->meeting, meeting) | dup_opt(&b->evaluator, evaluator) |
        dup_opt(&b->group, group) | dup_opt(&b->grade, grade)) {
        ds_ballot_release(b);
        return kh_err_set(err, KH_ENOMEM, NULL, 0, 0, "out of memory adding a ballot");
    }
    rc = ds_ballot_enter(ds, ds->nballots, &dup);
    if (rc) {
        ds_ballot_release(b);
        if (rc == KH_EINVAL)
            return kh_err_set(err, rc, NULL, 0, 0,
                              "duplicate ballot: evaluator \"%s\" already marked unit %s at "
                              "meeting \"%s\" (at %s)",
                              evaluator, unit, meeting,
                              ds_where(ds, ds->ballots[dup].file, ds->ballots[dup].line, -2, where,
                                       sizeof(where)));
        return kh_err_set(err, rc, NULL, 0, 0, "out of memory adding a ballot");
    }
    ds->nballots++;
    return KH_OK;
}
