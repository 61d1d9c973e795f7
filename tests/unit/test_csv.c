/*
 * test_csv.c — the CSV reader (io/csv.h) against RFC 4180 and the
 * spreadsheet tolerances it documents: quoting, line ends, blank lines,
 * trimming, separators, the errors with their line:column, and the limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "io/csv.h"
#include "io/encoding.h"
#include "kaohe/base.h"

/* Records seen, written as "line:[f1][f2]\n". */
struct seen {
    struct kh_buf out;
    int stop_after; /* >0: return 1 after this many records; <0: fail after -n */
    int count;
};

/* Record callback: checks the field contract and writes what it got. */
static int collect(void *ctx, const char **fields, const size_t *lens, int n, int line)
{
    struct seen *s = ctx;
    int i;

    assert_true(n >= 1);
    kh_buf_printf(&s->out, "%d:", line);
    for (i = 0; i < n; i++) {
        assert_int_equal(fields[i][lens[i]], 0);
        assert_int_equal(strlen(fields[i]), lens[i]);
        kh_buf_putc(&s->out, '[');
        kh_buf_add(&s->out, fields[i], lens[i]);
        kh_buf_putc(&s->out, ']');
    }
    kh_buf_putc(&s->out, '\n');
    s->count++;
    if (s->stop_after > 0 && s->count >= s->stop_after)
        return 1;
    if (s->stop_after < 0 && s->count >= -s->stop_after)
        return KH_EIO;
    return 0;
}

/* Parse text with opts; return the status and leave the records in *s. */
static int parse_opts(struct seen *s, const char *text, size_t len, const struct kh_csv_opts *opts,
                      struct kh_err *err)
{
    kh_buf_init(&s->out, 0);
    s->count = 0;
    kh_err_clear(err);
    return kh_csv_parse("t.csv", text, len, opts, collect, s, err);
}

/* Parse a NUL-terminated text with default options and return what was seen
 * (caller frees). Fails the test if the parse fails. */
static char *parse_ok(const char *text)
{
    struct seen s = {0};
    struct kh_err err;
    int rc = parse_opts(&s, text, strlen(text), NULL, &err);
    if (rc)
        fail_msg("parse failed: %s", err.msg);
    kh_buf_puts(&s.out, "");
    return kh_buf_steal(&s.out, NULL);
}

/* Assert that parsing `text` gives exactly `want`. */
static void expect_records(const char *text, const char *want)
{
    char *got = parse_ok(text);
    assert_string_equal(got ? got : "", want);
    free(got);
}

/* Assert that parsing `text` with opts gives exactly `want`. */
static void expect_records_opts(const char *text, const struct kh_csv_opts *opts, const char *want)
{
    struct seen s = {0};
    struct kh_err err;
    assert_int_equal(parse_opts(&s, text, strlen(text), opts, &err), KH_OK);
    assert_string_equal(kh_buf_str(&s.out), want);
    kh_buf_free(&s.out);
}

/* Assert that parsing `text` fails with code at line:col and a message
 * containing `words`. */
static void expect_error(const char *text, size_t len, const struct kh_csv_opts *opts, int code,
                         int line, int col, const char *words)
{
    struct seen s = {0};
    struct kh_err err;
    int rc = parse_opts(&s, text, len, opts, &err);
    kh_buf_free(&s.out);
    assert_int_equal(rc, code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.file, "t.csv");
    assert_int_equal(err.line, line);
    assert_int_equal(err.col, col);
    if (!strstr(err.msg, words))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, words);
}

static void test_csv_simple_records_with_lf(void **state)
{
    (void)state;
    expect_records("a,b,c\n1,2,3\n", "1:[a][b][c]\n2:[1][2][3]\n");
}

static void test_csv_crlf_line_ends(void **state)
{
    (void)state;
    expect_records("a,b\r\n1,2\r\n", "1:[a][b]\n2:[1][2]\n");
}

static void test_csv_final_line_without_newline(void **state)
{
    (void)state;
    expect_records("a,b\n1,2", "1:[a][b]\n2:[1][2]\n");
    expect_records("a,b\r\n\"x\"", "1:[a][b]\n2:[x]\n");
}

static void test_csv_quoted_field_keeps_embedded_comma(void **state)
{
    (void)state;
    expect_records("\"1,234\",b\n", "1:[1,234][b]\n");
}

static void test_csv_quoted_field_keeps_embedded_newline(void **state)
{
    (void)state;
    /* The record starts on line 1; the next one starts on line 3. */
    expect_records("\"two\nlines\",x\nnext,y\n", "1:[two\nlines][x]\n3:[next][y]\n");
}

static void test_csv_quoted_field_keeps_embedded_crlf_and_cr(void **state)
{
    (void)state;
    /* A lone CR counts as a line end for line numbers, as outside quotes. */
    expect_records("\"a\r\nb\",\"c\rd\"\r\nz\r\n", "1:[a\r\nb][c\rd]\n4:[z]\n");
}

static void test_csv_doubled_quote_is_one_quote(void **state)
{
    (void)state;
    expect_records("\"say \"\"hi\"\"\",\"\"\"\"\n", "1:[say \"hi\"][\"]\n");
}

static void test_csv_empty_quoted_field_is_empty(void **state)
{
    (void)state;
    expect_records("\"\",x\n", "1:[][x]\n");
}

static void test_csv_empty_fields_and_trailing_separator(void **state)
{
    (void)state;
    expect_records("a,,c,\n,\n", "1:[a][][c][]\n2:[][]\n");
}

static void test_csv_blank_lines_are_skipped_but_counted(void **state)
{
    (void)state;
    expect_records("\n\na\r\n\r\n   \n\tb\n\n", "3:[a]\n6:[b]\n");
}

static void test_csv_unquoted_fields_are_trimmed(void **state)
{
    (void)state;
    expect_records("  a  , b\t,\tc \n", "1:[a][b][c]\n");
}

static void test_csv_quoted_fields_keep_inner_spaces(void **state)
{
    (void)state;
    expect_records("\"  a  \",\" \"\n", "1:[  a  ][ ]\n");
}

static void test_csv_spaces_around_quoted_field_are_allowed(void **state)
{
    (void)state;
    expect_records("  \"a\"  ,\"b\" \n", "1:[a][b]\n");
}

static void test_csv_quote_inside_unquoted_field_is_data(void **state)
{
    (void)state;
    expect_records("ab\"c,5\"\n", "1:[ab\"c][5\"]\n");
}

static void test_csv_lone_cr_ends_a_record(void **state)
{
    (void)state;
    expect_records("a,b\rc,d\r", "1:[a][b]\n2:[c][d]\n");
}

static void test_csv_tab_separator_is_detected_from_first_line(void **state)
{
    (void)state;
    /* Excel's "Unicode text" is tab-separated; commas are then data. */
    expect_records("unit\tvalue\nT01\t1,5\n", "1:[unit][value]\n2:[T01][1,5]\n");
    /* A comma on the first line keeps the comma. */
    expect_records("a,b\tc\n", "1:[a][b\tc]\n");
    /* Leading blank lines do not decide. */
    expect_records("\n\r\nunit\tvalue\n", "3:[unit][value]\n");
}

static void test_csv_explicit_separator_overrides_detection(void **state)
{
    struct seen s = {0};
    struct kh_err err;
    struct kh_csv_opts opts = {0};
    (void)state;
    opts.delim = '\t';
    assert_int_equal(parse_opts(&s, "a,b\t c \n", 8, &opts, &err), KH_OK);
    assert_string_equal(kh_buf_str(&s.out), "1:[a,b][c]\n");
    kh_buf_free(&s.out);
}

static void test_csv_separator_must_be_usable(void **state)
{
    struct kh_csv_opts opts = {0};
    (void)state;
    opts.delim = '"';
    expect_error("a\n", 2, &opts, KH_EINVAL, 0, 0, "separator");
    opts.delim = ';';
    expect_records_opts("a;b,c\n", &opts, "1:[a][b,c]\n");
}

static void test_csv_cjk_fields_pass_through(void **state)
{
    (void)state;
    expect_records("单位,指标\n城关镇,\"地区生产总值，增速\"\n",
                   "1:[单位][指标]\n2:[城关镇][地区生产总值，增速]\n");
}

static void test_csv_empty_input_has_no_records(void **state)
{
    (void)state;
    expect_records("", "");
    expect_records("\n\r\n  \n", "");
}

static void test_csv_unterminated_quote_reports_opening_position(void **state)
{
    (void)state;
    expect_error("a,b\nc,\"open\nmore\nstill", 21, NULL, KH_EINVAL, 2, 3, "never closed");
}

static void test_csv_character_after_closing_quote_is_error(void **state)
{
    (void)state;
    expect_error("a,b\n\"x\"y,2\n", 11, NULL, KH_EINVAL, 2, 4, "unexpected 'y'");
    expect_error("\"x\" \"y\"\n", 8, NULL, KH_EINVAL, 1, 5, "after the closing quote");
}

static void test_csv_error_column_counts_characters(void **state)
{
    (void)state;
    /* Three CJK characters (9 bytes) and a quote: the bad byte is column 6. */
    expect_error("\"城关镇\"x\n", 13, NULL, KH_EINVAL, 1, 6, "unexpected 'x'");
}

static void test_csv_nul_byte_is_error(void **state)
{
    (void)state;
    expect_error("a,b\nc,d\0e\n", 10, NULL, KH_EINVAL, 2, 4, "NUL byte");
    expect_error("\"a\0\"\n", 5, NULL, KH_EINVAL, 1, 3, "NUL byte");
}

static void test_csv_field_over_limit_is_elimit(void **state)
{
    struct kh_csv_opts opts = {0};
    (void)state;
    opts.max_field = 4;
    expect_error("ab,abcd\nx,abcde\n", 16, &opts, KH_ELIMIT, 2, 3, "longer than the limit");
    expect_error("\"a\nbcde\"\n", 9, &opts, KH_ELIMIT, 1, 1, "longer than the limit");
}

static void test_csv_default_field_limit_is_one_mebibyte(void **state)
{
    size_t n = KH_CSV_MAX_FIELD + 1;
    char *text = malloc(n + 2);
    struct seen s = {0};
    struct kh_err err;
    (void)state;
    assert_non_null(text);
    memset(text, 'x', n);
    text[n] = '\n';
    /* Exactly 1 MiB passes. */
    assert_int_equal(parse_opts(&s, text + 1, n, NULL, &err), KH_OK);
    kh_buf_free(&s.out);
    assert_int_equal(parse_opts(&s, text, n + 1, NULL, &err), KH_ELIMIT);
    kh_buf_free(&s.out);
    free(text);
}

static void test_csv_too_many_fields_is_elimit(void **state)
{
    struct kh_csv_opts opts = {0};
    (void)state;
    opts.max_fields = 3;
    expect_error("a,b,c\na,b,c,d\n", 14, &opts, KH_ELIMIT, 2, 7, "more than 3 fields");
}

static void test_csv_default_field_count_limit_is_ten_thousand(void **state)
{
    size_t n = 10001 * 2;
    char *text = malloc(n);
    struct seen s = {0};
    struct kh_err err;
    size_t i;
    (void)state;
    assert_non_null(text);
    for (i = 0; i < n; i += 2) {
        text[i] = 'x';
        text[i + 1] = ',';
    }
    /* 10,000 fields: "x," 9,999 times and a final "x". */
    assert_int_equal(parse_opts(&s, text, 10000 * 2 - 1, NULL, &err), KH_OK);
    kh_buf_free(&s.out);
    assert_int_equal(parse_opts(&s, text, n - 1, NULL, &err), KH_ELIMIT);
    kh_buf_free(&s.out);
    free(text);
}

static void test_csv_text_over_size_cap_is_elimit(void **state)
{
    struct kh_csv_opts opts = {0};
    (void)state;
    opts.max_file = 3;
    expect_error("a,b\n", 4, &opts, KH_ELIMIT, 0, 0, "limit");
}

static void test_csv_callback_error_stops_parse(void **state)
{
    struct seen s = {0};
    struct kh_err err;
    (void)state;
    s.stop_after = -1;
    assert_int_equal(parse_opts(&s, "a\nb\n", 4, NULL, &err), KH_EIO);
    assert_int_equal(s.count, 1);
    kh_buf_free(&s.out);
}

static void test_csv_callback_positive_result_stops_quietly(void **state)
{
    struct seen s = {0};
    struct kh_err err;
    (void)state;
    s.stop_after = 1;
    assert_int_equal(parse_opts(&s, "a\nb\n\"unterminated", 17, NULL, &err), KH_OK);
    assert_int_equal(s.count, 1);
    kh_buf_free(&s.out);
}

/* Write `len` bytes to a new temporary file; returns its path (free it). */
static char *temp_file(const void *data, size_t len)
{
    char *path = malloc(64);
    int fd;
    FILE *f;

    assert_non_null(path);
    snprintf(path, 64, "/tmp/kh_test_csv_XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

static void test_csv_read_file_refuses_file_over_cap(void **state)
{
    char *path = temp_file("0123456789", 10);
    struct kh_err err;
    char *data = NULL;
    size_t len = 0;
    (void)state;
    kh_err_clear(&err);
    assert_int_equal(kh_csv_read_file(path, 9, &data, &len, &err), KH_ELIMIT);
    assert_null(data);
    assert_string_equal(err.file, path);
    assert_int_equal(kh_csv_read_file(path, 10, &data, &len, &err), KH_OK);
    assert_int_equal(len, 10);
    assert_memory_equal(data, "0123456789", 11);
    free(data);
    unlink(path);
    free(path);
}

static void test_csv_read_file_missing_file_is_eio(void **state)
{
    struct kh_err err;
    char *data = NULL;
    size_t len = 0;
    (void)state;
    kh_err_clear(&err);
    assert_int_equal(kh_csv_read_file("/nonexistent/kh.csv", 0, &data, &len, &err), KH_EIO);
    assert_non_null(strstr(err.msg, "cannot open"));
    assert_null(data);
}

static void test_csv_parse_file_detects_encoding(void **state)
{
    /* "单位,值\n城,1\n" in GB18030 (城 = B3 C7, 值 = D6 B5). */
    static const char gb[] = "\xb5\xa5\xce\xbb,\xd6\xb5\n\xb3\xc7,1\n";
    char *path = temp_file(gb, sizeof(gb) - 1);
    struct seen s = {0};
    struct kh_err err;
    int enc = -1;
    (void)state;
    kh_buf_init(&s.out, 0);
    kh_err_clear(&err);
    assert_int_equal(kh_csv_parse_file(path, NULL, collect, &s, &enc, &err), KH_OK);
    assert_int_equal(enc, KH_ENC_GB18030);
    assert_string_equal(kh_buf_str(&s.out), "1:[单位][值]\n2:[城][1]\n");
    kh_buf_free(&s.out);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_simple_records_with_lf),
        cmocka_unit_test(test_csv_crlf_line_ends),
        cmocka_unit_test(test_csv_final_line_without_newline),
        cmocka_unit_test(test_csv_quoted_field_keeps_embedded_comma),
        cmocka_unit_test(test_csv_quoted_field_keeps_embedded_newline),
        cmocka_unit_test(test_csv_quoted_field_keeps_embedded_crlf_and_cr),
        cmocka_unit_test(test_csv_doubled_quote_is_one_quote),
        cmocka_unit_test(test_csv_empty_quoted_field_is_empty),
        cmocka_unit_test(test_csv_empty_fields_and_trailing_separator),
        cmocka_unit_test(test_csv_blank_lines_are_skipped_but_counted),
        cmocka_unit_test(test_csv_unquoted_fields_are_trimmed),
        cmocka_unit_test(test_csv_quoted_fields_keep_inner_spaces),
        cmocka_unit_test(test_csv_spaces_around_quoted_field_are_allowed),
        cmocka_unit_test(test_csv_quote_inside_unquoted_field_is_data),
        cmocka_unit_test(test_csv_lone_cr_ends_a_record),
        cmocka_unit_test(test_csv_tab_separator_is_detected_from_first_line),
        cmocka_unit_test(test_csv_explicit_separator_overrides_detection),
        cmocka_unit_test(test_csv_separator_must_be_usable),
        cmocka_unit_test(test_csv_cjk_fields_pass_through),
        cmocka_unit_test(test_csv_empty_input_has_no_records),
        cmocka_unit_test(test_csv_unterminated_quote_reports_opening_position),
        cmocka_unit_test(test_csv_character_after_closing_quote_is_error),
        cmocka_unit_test(test_csv_error_column_counts_characters),
        cmocka_unit_test(test_csv_nul_byte_is_error),
        cmocka_unit_test(test_csv_field_over_limit_is_elimit),
        cmocka_unit_test(test_csv_default_field_limit_is_one_mebibyte),
        cmocka_unit_test(test_csv_too_many_fields_is_elimit),
        cmocka_unit_test(test_csv_default_field_count_limit_is_ten_thousand),
        cmocka_unit_test(test_csv_text_over_size_cap_is_elimit),
        cmocka_unit_test(test_csv_callback_error_stops_parse),
        cmocka_unit_test(test_csv_callback_positive_result_stops_quietly),
        cmocka_unit_test(test_csv_read_file_refuses_file_over_cap),
        cmocka_unit_test(test_csv_read_file_missing_file_is_eio),
        cmocka_unit_test(test_csv_parse_file_detects_encoding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
