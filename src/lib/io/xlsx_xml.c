/*
 * xlsx_xml.c — streaming one XML part of an Office Open XML package
 * (ECMA-376 Part 2, a zip archive) through expat, for the XLSX reader
 * (io/xlsx.h, io/xlsx_int.h).
 *
 * The part is read with zip_fread straight into expat's buffer, 64 KiB at
 * a time; nothing holds the whole part. Everything a hostile file could use
 * to exhaust memory or time is bounded here:
 *   - the part's uncompressed size (declared and actually inflated) and its
 *     compression ratio past the first MiB — a zip bomb stops early;
 *   - the nesting depth of elements;
 *   - the bytes read without a complete token (expat buffers an unfinished
 *     tag, attribute value or comment whole);
 *   - a DOCTYPE or entity declaration is refused at once: Office Open XML
 *     never declares one, so entity expansion ("billion laughs", external
 *     entities) never happens.
 * Names are split into namespace and local name; elements outside the
 * namespaces the reader knows (extensions, markup compatibility) are
 * skipped with their content. Character data is passed on as expat
 * delivers it (possibly in pieces).
 */
#include "base/common.h"

#include "io/xlsx_int.h"

#define CHUNK 65536

/* Namespace URIs (ECMA-376 transitional, and strict/ISO 29500). */
#define URI(s) s, sizeof(s) - 1
static const struct {
    const char *uri;
    size_t len;
    int ns;
} known_ns[] = {
    {URI("http://schemas.openxmlformats.org/spreadsheetml/2006/main"), NS_MAIN},
    {URI("http://purl.oclc.org/ooxml/spreadsheetml/main"), NS_MAIN},
    {URI("http://schemas.openxmlformats.org/package/2006/relationships"), NS_PKGREL},
    {URI("http://schemas.openxmlformats.org/officeDocument/2006/relationships"), NS_REL},
    {URI("http://purl.oclc.org/ooxml/officeDocument/relationships"), NS_REL},
};
#undef URI

/* Split an expat name "uri local" (or "local") into its namespace and
 * local part. Called for every tag: the known URIs are tried first. */
static int split_name(const char *name, const char **local)
{
    const char *sp;
    size_t i;

    for (i = 0; i < KH_ARRAY_LEN(known_ns); i++) {
        size_t n = known_ns[i].len;
        if (strncmp(name, known_ns[i].uri, n) == 0 && name[n] == ' ') {
            *local = name + n + 1;
            return known_ns[i].ns;
        }
    }
    sp = strchr(name, ' ');
    *local = sp ? sp + 1 : name;
    return sp ? NS_OTHER : NS_NONE;
}

const char *xml_attr(const char **attrs, const char *name)
{
    for (; attrs && attrs[0]; attrs += 2)
        if (strcmp(attrs[0], name) == 0)
            return attrs[1];
    return NULL;
}

const char *xml_attr_ns(const char **attrs, int ns, const char *name)
{
    const char *local;

    for (; attrs && attrs[0]; attrs += 2)
        if (strchr(attrs[0], ' ') && split_name(attrs[0], &local) == ns && strcmp(local, name) == 0)
            return attrs[1];
    return NULL;
}

void xml_fail(struct xml_part *xp, int code, const char *fmt, ...)
{
    char msg[600];
    va_list ap;

    if (xp->rc)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    xlsx_fail(xp->x, xp->err, code, "%s:%lu:%lu: %s", xp->part,
              (unsigned long)XML_GetCurrentLineNumber(xp->p),
              (unsigned long)XML_GetCurrentColumnNumber(xp->p) + 1, msg);
    xml_stop(xp, code);
}

void xml_stop(struct xml_part *xp, int rc)
{
    if (xp->rc || xp->stopped)
        return;
    if (rc)
        xp->rc = rc;
    else
        xp->stopped = 1;
    XML_StopParser(xp->p, XML_FALSE);
}

/* ---- expat callbacks ------------------------------------------------------- */

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    struct xml_part *xp = ud;
    const char *local;
    int ns;

    xp->events++;
    if (xp->rc || xp->stopped)
        return;
    if (++xp->depth > xp->x->lim.max_depth) {
        xml_fail(xp, KH_ELIMIT, "elements are nested more than %d deep: refusing the file",
                 xp->x->lim.max_depth);
        return;
    }
    if (xp->skip)
        return;
    ns = split_name(name, &local);
    if (ns == NS_OTHER) {
        xp->skip = xp->depth;
        return;
    }
    xp->h->start(xp, local, attrs);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct xml_part *xp = ud;
    const char *local;

    xp->events++;
    if (xp->rc || xp->stopped)
        return;
    if (xp->skip) {
        if (xp->skip == xp->depth)
            xp->skip = 0;
    } else {
        (void)split_name(name, &local);
        xp->h->end(xp, local);
    }
    xp->depth--;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct xml_part *xp = ud;

    xp->events++;
    if (!xp->rc && !xp->stopped && !xp->skip && xp->h->text)
        xp->h->text(xp, s, len);
}

/* Any other complete token (comment, processing instruction): progress. */
static void XMLCALL on_comment(void *ud, const XML_Char *s)
{
    struct xml_part *xp = ud;
    (void)s;
    xp->events++;
}

static void XMLCALL on_pi(void *ud, const XML_Char *target, const XML_Char *data)
{
    struct xml_part *xp = ud;
    (void)target;
    (void)data;
    xp->events++;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    struct xml_part *xp = ud;
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal;
    xml_fail(xp, KH_EINVAL,
             "the XML declares a DOCTYPE, which Office Open XML never uses: refusing it "
             "(entity declarations can expand without bound)");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation)
{
    struct xml_part *xp = ud;
    (void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)sysid, (void)pubid,
        (void)notation;
    xml_fail(xp, KH_EINVAL, "the XML declares an entity: refusing it");
}

/* ---- reading a part -------------------------------------------------------- */

/* Why zip entry `part` cannot be opened or read, in words. */
static int zip_read_error(struct xlsx *x, const char *part, zip_error_t *ze, struct kh_err *err)
{
    int code = zip_error_code_zip(ze);

    if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP)
        return xlsx_fail(x, err, KH_EINVAL,
                         "%s is encrypted (password protected): encrypted or old .xls files are "
                         "not supported; save as .xlsx without a password",
                         part);
    if (code == ZIP_ER_COMPNOTSUPP)
        return xlsx_fail(x, err, KH_EINVAL,
                         "%s is compressed with a method other than deflate: save the workbook "
                         "again as .xlsx",
                         part);
    if (code == ZIP_ER_MEMORY)
        return xlsx_fail(x, err, KH_ENOMEM, "out of memory reading %s", part);
    return xlsx_fail(x, err, KH_EINVAL,
                     "%s cannot be read: the file is truncated or damaged (%s); save it again as "
                     ".xlsx",
                     part, zip_error_strerror(ze));
}

/* Set up the expat parser of xp. */
static int parser_new(struct xml_part *xp)
{
    xp->p = XML_ParserCreateNS(NULL, ' ');
    if (!xp->p)
        return KH_ENOMEM;
    XML_SetUserData(xp->p, xp);
    XML_SetElementHandler(xp->p, on_start, on_end);
    XML_SetCharacterDataHandler(xp->p, on_text);
    XML_SetCommentHandler(xp->p, on_comment);
    XML_SetProcessingInstructionHandler(xp->p, on_pi);
    XML_SetStartDoctypeDeclHandler(xp->p, on_doctype);
    XML_SetEntityDeclHandler(xp->p, on_entity);
    XML_SetParamEntityParsing(xp->p, XML_PARAM_ENTITY_PARSING_NEVER);
#ifdef XML_DTD
    /* Never reached (DOCTYPE is refused), but keep expat's own guard tight. */
    XML_SetBillionLaughsAttackProtectionMaximumAmplification(xp->p, 10.0f);
#endif
    return KH_OK;
}

/* Record the error expat stopped on (broken XML) and return KH_EINVAL. */
static int syntax_error(struct xml_part *xp)
{
    enum XML_Error e = XML_GetErrorCode(xp->p);

    return xlsx_fail(xp->x, xp->err, KH_EINVAL,
                     "%s:%lu:%lu: broken XML: %s (the file is damaged: open it in Excel, WPS or "
                     "LibreOffice and save it again as .xlsx)",
                     xp->part, (unsigned long)XML_GetCurrentLineNumber(xp->p),
                     (unsigned long)XML_GetCurrentColumnNumber(xp->p) + 1, XML_ErrorString(e));
}

int xml_part_parse(struct xlsx *x, const char *part, int required, const struct xml_handlers *h,
                   void *ctx, struct kh_err *err)
{
    struct xml_part xp;
    zip_stat_t st;
    zip_file_t *f = NULL;
    zip_int64_t idx, n;
    uint64_t total = 0, comp = 1, quiet = 0;
    unsigned long seen;
    void *buf;
    int rc = KH_OK;

    idx = zip_name_locate(x->zip, part, ZIP_FL_NOCASE);
    if (idx < 0) {
        if (!required)
            return KH_ENOTFOUND;
        return xlsx_fail(x, err, KH_EINVAL,
                         "the workbook lacks its part %s: the file is damaged or not an Excel "
                         "workbook; save it again as .xlsx",
                         part);
    }
    zip_stat_init(&st);
    if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) == 0) {
        if ((st.valid & ZIP_STAT_SIZE) && st.size > x->lim.max_part)
            return xlsx_fail(x, err, KH_ELIMIT,
                             "%s is %llu bytes uncompressed, more than the limit of %llu: "
                             "refusing the file",
                             part, (unsigned long long)st.size,
                             (unsigned long long)x->lim.max_part);
        if ((st.valid & ZIP_STAT_COMP_SIZE) && st.comp_size > 0)
            comp = st.comp_size;
    }
    f = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
    if (!f)
        return zip_read_error(x, part, zip_get_error(x->zip), err);
    memset(&xp, 0, sizeof(xp));
    xp.x = x;
    xp.part = part;
    xp.h = h;
    xp.ctx = ctx;
    xp.err = err;
    if (parser_new(&xp)) {
        zip_fclose(f);
        return xlsx_fail(x, err, KH_ENOMEM, "out of memory reading %s", part);
    }
    for (;;) {
        buf = XML_GetBuffer(xp.p, CHUNK);
        if (!buf) {
            rc = xlsx_fail(x, err, KH_ENOMEM, "out of memory reading %s", part);
            break;
        }
        n = zip_fread(f, buf, CHUNK);
        if (n < 0) {
            rc = zip_read_error(x, part, zip_file_get_error(f), err);
            break;
        }
        total += (uint64_t)n;
        if (total > x->lim.max_part) {
            rc = xlsx_fail(x, err, KH_ELIMIT,
                           "%s holds more than %llu bytes uncompressed: refusing the file", part,
                           (unsigned long long)x->lim.max_part);
            break;
        }
        if (total > ((uint64_t)1 << 20) && total / comp > x->lim.max_ratio) {
            rc = xlsx_fail(x, err, KH_ELIMIT,
                           "%s inflates more than %u times (%llu bytes from %llu): refusing it "
                           "as a zip bomb",
                           part, x->lim.max_ratio, (unsigned long long)total,
                           (unsigned long long)comp);
            break;
        }
        seen = xp.events;
        if (XML_ParseBuffer(xp.p, (int)n, n == 0) == XML_STATUS_ERROR) {
            rc = xp.rc ? xp.rc : xp.stopped ? KH_OK : syntax_error(&xp);
            break;
        }
        if (xp.rc || xp.stopped) {
            rc = xp.rc;
            break;
        }
        if (n == 0)
            break;
        quiet = xp.events == seen ? quiet + (uint64_t)n : 0;
        if (quiet > x->lim.max_token) {
            rc = xlsx_fail(x, err, KH_ELIMIT,
                           "%s:%lu: one XML tag or comment runs on for more than %llu bytes: "
                           "refusing the file",
                           part, (unsigned long)XML_GetCurrentLineNumber(xp.p),
                           (unsigned long long)x->lim.max_token);
            break;
        }
    }
    XML_ParserFree(xp.p);
    zip_fclose(f);
    return rc;
}
