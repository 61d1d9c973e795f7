/*
 * xlsx_int.h — what the files of the XLSX reader (ECMA-376 SpreadsheetML,
 * io/xlsx.h) share:
 *   xlsx.c        the package: zip, relationships, workbook, open/free;
 *   xlsx_styles.c which cell formats show dates, times, percentages, and
 *                 serial dates as ISO text;
 *   xlsx_xml.c    streaming one XML part from the zip through expat, with the
 *                 limits (size, ratio, depth, token length, no DOCTYPE);
 *   xlsx_sheet.c  shared strings, cells, rows, dates and merged ranges.
 *
 * Internal to src/lib/io.
 */
#ifndef KH_IO_XLSX_INT_H
#define KH_IO_XLSX_INT_H

#include <expat.h>
#include <zip.h>

#include "io/xlsx.h"

/* How a cell format shows a number (enum xlsx_type subset). */
enum xf_kind {
    XF_NUMBER = 0,
    XF_PERCENT,
    XF_DATE,     /* date only */
    XF_DATETIME, /* date and time */
    XF_TIME      /* time of day only */
};

/* One sheet of the workbook. */
struct xlsx_sheet {
    char *name;
    char *part; /* zip entry of its XML part, or NULL if unresolved */
    int hidden;
    int worksheet; /* a worksheet (not a chart sheet) */
    int merges_known;
    struct xlsx_range *merges;
    size_t nmerges, merges_cap;
};

/* An open workbook (io/xlsx.h). */
struct xlsx {
    char *name;
    zip_t *zip;
    struct xlsx_limits lim;
    struct xlsx_sheet *sheets;
    int nsheets;
    size_t sheets_cap;
    int date1904;
    char *sst_part;    /* shared strings part, or NULL */
    char *styles_part; /* styles part, or NULL */
    unsigned char *xf; /* enum xf_kind of each cell format (cellXfs) */
    size_t nxf;
    /* the shared-string table, read on first need */
    int sst_loaded;
    struct kh_buf sst_text;
    uint32_t *sst; /* pairs: offset, length into sst_text */
    size_t nsst, sst_cap;
};

/* ---- XML parts (xlsx_xml.c) ------------------------------------------------ */

/* Namespaces an element or attribute may be in. */
enum xml_ns {
    NS_NONE = 0, /* no namespace: taken as SpreadsheetML */
    NS_MAIN,     /* SpreadsheetML main (transitional or strict) */
    NS_PKGREL,   /* OPC package relationships */
    NS_REL,      /* officeDocument relationships (r:id) */
    NS_OTHER     /* anything else: the element and its content are skipped */
};

struct xml_part;

/* The handlers of one part. Elements of NS_OTHER never reach them. */
struct xml_handlers {
    void (*start)(struct xml_part *xp, const char *local, const char **attrs);
    void (*end)(struct xml_part *xp, const char *local);
    void (*text)(struct xml_part *xp, const char *s, int len); /* may be NULL */
};

/* The state of one part being parsed. */
struct xml_part {
    struct xlsx *x;
    const char *part; /* zip entry name, for messages */
    XML_Parser p;
    const struct xml_handlers *h;
    void *ctx;   /* the handlers' own state */
    int depth;   /* of the current element, root = 1 */
    int skip;    /* depth of a skipped subtree's root, or 0 */
    int rc;      /* an error recorded by a handler (stops the parse) */
    int stopped; /* a handler stopped the parse quietly */
    unsigned long events;
    struct kh_err *err;
};

/*
 * Parse zip entry `part` of x with handlers h and state ctx. Returns KH_OK,
 * KH_ENOTFOUND (without a message) when the part does not exist and
 * `required` is 0, or an error recorded in *err: a missing part, a damaged
 * or password-protected entry, broken XML (part:line:col), a DOCTYPE,
 * KH_ELIMIT (size, ratio, depth, token), or what a handler recorded.
 */
int xml_part_parse(struct xlsx *x, const char *part, int required, const struct xml_handlers *h,
                   void *ctx, struct kh_err *err);

/* Record an error about the current XML position ("part:line:col: msg")
 * and stop the parse. */
void xml_fail(struct xml_part *xp, int code, const char *fmt, ...) KH_PRINTF(3, 4);

/* Stop the parse: with rc 0 quietly, else with an error already recorded
 * by the caller. */
void xml_stop(struct xml_part *xp, int rc);

/* Value of the unqualified attribute `name`, or NULL. */
const char *xml_attr(const char **attrs, const char *name);

/* Value of attribute `name` in namespace `ns` (enum xml_ns), or NULL. */
const char *xml_attr_ns(const char **attrs, int ns, const char *name);

/* ---- helpers shared by the parts ------------------------------------------ */

/* Decode the _xHHHH_ escapes of an ST_Xstring (ECMA-376 Part 1 §22.9.2.19)
 * in s[0..n) in place; returns the new length. */
size_t xlsx_xstring_decode(char *s, size_t n);

/* Read the styles part (x->styles_part): x->xf[i] becomes the enum xf_kind
 * of cell format i. A missing part is no error. */
int xlsx_styles_load(struct xlsx *x, struct kh_err *err);

/* Write serial date number v as ISO 8601 text of kind `kind` (XF_DATE
 * "2024-07-31", XF_DATETIME "2024-07-31T08:30:00", XF_TIME "08:30:00") in
 * the 1900 or (date1904) the 1904 date system into out[0..outsz).
 * Returns 0, or -1 when v is no date (negative, or after 9999-12-31). */
int xlsx_serial_text(double v, int kind, int date1904, char *out, size_t outsz);

/* Read the shared-string table if the workbook has one (once). */
int xlsx_sst_load(struct xlsx *x, struct kh_err *err);

/* Record an error about x (file = the workbook's name). */
int xlsx_fail(const struct xlsx *x, struct kh_err *err, int code, const char *fmt, ...)
    KH_PRINTF(4, 5);

#endif
