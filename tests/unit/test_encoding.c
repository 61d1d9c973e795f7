/*
 * test_encoding.c — encoding detection and conversion to UTF-8
 * (io/encoding.h): BOMs, UTF-16 (RFC 2781), GB18030 via iconv, strict UTF-8
 * (RFC 3629) and the error for text that is neither, with its line and
 * byte column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "io/encoding.h"
#include "kaohe/base.h"

/* Decode `len` bytes and assert the result is `want` in encoding `enc`. */
static void expect_text(const char *in, size_t len, int enc, const char *want)
{
    struct kh_enc_text t;
    struct kh_err err;

    kh_err_clear(&err);
    if (kh_enc_decode("in.csv", in, len, &t, &err) != KH_OK)
        fail_msg("decode failed: %s", err.msg);
    assert_int_equal(t.encoding, enc);
    assert_int_equal(t.len, strlen(want));
    assert_memory_equal(t.data, want, t.len);
    kh_enc_text_free(&t);
}

/* Decode `len` bytes and assert a KH_EINVAL at line:col mentioning `words`. */
static void expect_error(const char *in, size_t len, int line, int col, const char *words)
{
    struct kh_enc_text t;
    struct kh_err err;

    kh_err_clear(&err);
    assert_int_equal(kh_enc_decode("in.csv", in, len, &t, &err), KH_EINVAL);
    assert_null(t.owned);
    assert_string_equal(err.file, "in.csv");
    assert_int_equal(err.line, line);
    assert_int_equal(err.col, col);
    if (!strstr(err.msg, words))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, words);
    kh_enc_text_free(&t);
}

static void test_encoding_plain_utf8_is_kept_without_copy(void **state)
{
    static const char in[] = "单位,值\nT01,1\n";
    struct kh_enc_text t;
    (void)state;
    assert_int_equal(kh_enc_decode(NULL, in, sizeof(in) - 1, &t, NULL), KH_OK);
    assert_int_equal(t.encoding, KH_ENC_UTF8);
    assert_ptr_equal(t.data, in);
    assert_null(t.owned);
    kh_enc_text_free(&t);
}

static void test_encoding_ascii_and_empty_text_are_utf8(void **state)
{
    (void)state;
    expect_text("a,b\n", 4, KH_ENC_UTF8, "a,b\n");
    expect_text("", 0, KH_ENC_UTF8, "");
}

static void test_encoding_utf8_bom_is_stripped(void **state)
{
    (void)state;
    expect_text("\xEF\xBB\xBF单位\n", 10, KH_ENC_UTF8_BOM, "单位\n");
    expect_text("\xEF\xBB\xBF", 3, KH_ENC_UTF8_BOM, "");
}

static void test_encoding_gb18030_is_converted(void **state)
{
    (void)state;
    /* "单位,指标\n城关镇,1\n" as Excel on Chinese Windows saves it. */
    expect_text("\xb5\xa5\xce\xbb,\xd6\xb8\xb1\xea\n\xb3\xc7\xb9\xd8\xd5\xf2,1\n", 19,
                KH_ENC_GB18030, "单位,指标\n城关镇,1\n");
}

static void test_encoding_gb18030_four_byte_sequences_are_converted(void **state)
{
    (void)state;
    /* U+0080 and U+1F600 need GB18030's four-byte form. */
    expect_text("\xb5\xa5\x81\x30\x81\x30\x94\x39\xfc\x36", 10, KH_ENC_GB18030,
                "单\xC2\x80\xF0\x9F\x98\x80");
}

static void test_encoding_utf16le_with_bom_is_converted(void **state)
{
    (void)state;
    expect_text("\xFF\xFE\x55\x53\x4d\x4f\x2c\x00\x31\x00\x0a\x00", 12, KH_ENC_UTF16LE, "单位,1\n");
}

static void test_encoding_utf16be_with_bom_is_converted(void **state)
{
    (void)state;
    expect_text("\xFE\xFF\x53\x55\x4f\x4d\x00\x2c\x00\x31\x00\x0a", 12, KH_ENC_UTF16BE, "单位,1\n");
}

static void test_encoding_utf16_surrogate_pair_is_one_character(void **state)
{
    (void)state;
    expect_text("\xFF\xFE\x3d\xd8\x00\xde", 6, KH_ENC_UTF16LE, "\xF0\x9F\x98\x80");
}

static void test_encoding_utf16_unpaired_surrogate_is_error(void **state)
{
    (void)state;
    /* "a\n" then a lone high surrogate and "b": line 2, byte column 1. */
    expect_error("\xFF\xFE"
                 "a\0\n\0\x3d\xd8"
                 "b\0",
                 10, 2, 1, "unpaired UTF-16 high surrogate");
    expect_error("\xFF\xFE"
                 "a\0\x00\xde",
                 6, 1, 3, "unpaired UTF-16 low surrogate");
    expect_error("\xFF\xFE"
                 "a\0\x3d\xd8",
                 6, 1, 3, "unpaired");
}

static void test_encoding_utf16_odd_length_is_error(void **state)
{
    (void)state;
    expect_error("\xFF\xFE"
                 "a\0b",
                 5, 1, 3, "odd number of bytes");
}

static void test_encoding_undecodable_bytes_report_line_and_byte_column(void **state)
{
    (void)state;
    /* 0xFF is neither UTF-8 nor GB18030. */
    expect_error("ab\ncd\xff,1\n", 9, 2, 3, "expected UTF-8 or GB18030 text");
    expect_error("\x80", 1, 1, 1, "byte 0x80");
}

static void test_encoding_truncated_gb18030_at_end_is_error(void **state)
{
    (void)state;
    /* 单 then the first byte of 位 only. */
    expect_error("\xb5\xa5\n\xce", 4, 2, 1, "expected UTF-8 or GB18030 text");
}

static void test_encoding_bom_with_invalid_utf8_is_error(void **state)
{
    (void)state;
    expect_error("\xEF\xBB\xBFok\n\xb5\xa5\n", 8, 2, 1, "byte-order mark");
}

static void test_encoding_damaged_utf8_is_not_read_as_gb18030(void **state)
{
    (void)state;
    /* Eight valid UTF-8 characters, then a cut one: UTF-8 with a bad byte,
     * not GB18030 mojibake. */
    expect_error("单位,指标,期间,数值\n城关\xe9\n", 36, 2, 7, "not valid UTF-8");
}

static void test_encoding_utf8_check_is_strict(void **state)
{
    size_t mb = 0;
    (void)state;
    assert_int_equal(kh_enc_utf8_check("ab\xC3\xA9", 4, &mb), 4);
    assert_int_equal(mb, 1);
    assert_int_equal(kh_enc_utf8_check("a\xC0\x80", 3, NULL), 1);         /* overlong NUL */
    assert_int_equal(kh_enc_utf8_check("a\xE0\x80\x80", 4, NULL), 1);     /* overlong */
    assert_int_equal(kh_enc_utf8_check("a\xED\xA0\x80", 4, NULL), 1);     /* surrogate */
    assert_int_equal(kh_enc_utf8_check("a\xF4\x90\x80\x80", 5, NULL), 1); /* > U+10FFFF */
    assert_int_equal(kh_enc_utf8_check("a\xF0\x9F\x98", 4, NULL), 1);     /* cut off */
    assert_int_equal(kh_enc_utf8_check("abcdefghij\xff", 11, &mb), 10);   /* after fast path */
    assert_int_equal(mb, 0);
    assert_int_equal(kh_enc_utf8_check("\xF4\x8F\xBF\xBF", 4, NULL), 4); /* U+10FFFF */
}

static void test_encoding_names_are_readable(void **state)
{
    (void)state;
    assert_string_equal(kh_enc_name(KH_ENC_UTF8), "UTF-8");
    assert_string_equal(kh_enc_name(KH_ENC_UTF8_BOM), "UTF-8 with BOM");
    assert_string_equal(kh_enc_name(KH_ENC_UTF16LE), "UTF-16LE");
    assert_string_equal(kh_enc_name(KH_ENC_UTF16BE), "UTF-16BE");
    assert_string_equal(kh_enc_name(KH_ENC_GB18030), "GB18030");
    assert_string_equal(kh_enc_name(99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encoding_plain_utf8_is_kept_without_copy),
        cmocka_unit_test(test_encoding_ascii_and_empty_text_are_utf8),
        cmocka_unit_test(test_encoding_utf8_bom_is_stripped),
        cmocka_unit_test(test_encoding_gb18030_is_converted),
        cmocka_unit_test(test_encoding_gb18030_four_byte_sequences_are_converted),
        cmocka_unit_test(test_encoding_utf16le_with_bom_is_converted),
        cmocka_unit_test(test_encoding_utf16be_with_bom_is_converted),
        cmocka_unit_test(test_encoding_utf16_surrogate_pair_is_one_character),
        cmocka_unit_test(test_encoding_utf16_unpaired_surrogate_is_error),
        cmocka_unit_test(test_encoding_utf16_odd_length_is_error),
        cmocka_unit_test(test_encoding_undecodable_bytes_report_line_and_byte_column),
        cmocka_unit_test(test_encoding_truncated_gb18030_at_end_is_error),
        cmocka_unit_test(test_encoding_bom_with_invalid_utf8_is_error),
        cmocka_unit_test(test_encoding_damaged_utf8_is_not_read_as_gb18030),
        cmocka_unit_test(test_encoding_utf8_check_is_strict),
        cmocka_unit_test(test_encoding_names_are_readable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
