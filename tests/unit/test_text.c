/*
 * test_text.c — terminal display width of UTF-8 text (kaohe/text.h):
 * wide and fullwidth characters (UAX #11) take two columns, combining marks
 * none, invalid bytes one each; padding lines up mixed CJK/ASCII tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kaohe/base.h"
#include "kaohe/text.h"

static void test_text_width_of_ascii_is_its_length(void **state)
{
    (void)state;
    assert_int_equal(kh_text_width(""), 0);
    assert_int_equal(kh_text_width("T01"), 3);
    assert_int_equal(kh_text_width("score 80.97"), 11);
}

static void test_text_width_of_cjk_ideographs_is_two_each(void **state)
{
    (void)state;
    assert_int_equal(kh_text_width("城关镇"), 6);
    assert_int_equal(kh_text_width("综合考核"), 8);
    /* CJK extension B (U+20000) is wide too. */
    assert_int_equal(kh_text_width("\xF0\xA0\x80\x80"), 2);
}

static void test_text_width_of_mixed_cjk_and_ascii_adds_up(void **state)
{
    (void)state;
    assert_int_equal(kh_text_width("城关镇 T01"), 10);
    assert_int_equal(kh_text_width("第1名"), 5);
    assert_int_equal(kh_text_width("GDP增速8.5%"), 11);
}

static void test_text_width_of_cjk_punctuation_is_two(void **state)
{
    (void)state;
    assert_int_equal(kh_text_width("\xE3\x80\x80"), 2); /* U+3000 ideographic space */
    assert_int_equal(kh_text_width("。、「」"), 8);
    assert_int_equal(kh_text_width("《考核办法》"), 12);
}

static void test_text_width_of_fullwidth_forms_is_two(void **state)
{
    (void)state;
    assert_int_equal(kh_text_width("ＡＢ１"), 6);       /* U+FF21, U+FF22, U+FF11 */
    assert_int_equal(kh_text_width("，：（）"), 8);     /* fullwidth punctuation */
    assert_int_equal(kh_text_width("￥"), 2);           /* U+FFE5 */
    assert_int_equal(kh_text_width("\xEF\xBD\xA1"), 1); /* U+FF61 halfwidth 。 */
}

static void test_text_width_of_hangul_and_kana_is_two(void **state)
{
    (void)state;
    assert_int_equal(kh_text_width("한국"), 4);
    assert_int_equal(kh_text_width("ひらがなカタカナ"), 16);
    assert_int_equal(kh_text_width("\xEF\xBD\xB1"), 1); /* U+FF71 halfwidth katakana */
}

static void test_text_width_of_combining_marks_is_zero(void **state)
{
    (void)state;
    assert_int_equal(kh_text_width("e\xCC\x81"), 1); /* e + U+0301 */
    assert_int_equal(kh_text_width("a\xE2\x80\x8B"
                                   "b"),
                     2);                            /* zero width space */
    assert_int_equal(kh_text_width("\xC3\xA9"), 1); /* precomposed é */
}

static void test_text_width_counts_invalid_bytes_one_each(void **state)
{
    (void)state;
    assert_int_equal(kh_text_width("\xff\xfe"), 2);
    assert_int_equal(kh_text_width("a\xe5\x8d"), 3); /* a cut-off 单 */
    /* 单位 in GB18030: B5 and A5 are stray bytes, CE BB happens to be λ. */
    assert_int_equal(kh_text_width("\xb5\xa5\xce\xbb"), 3);
    assert_int_equal(kh_text_width("\xED\xA0\x80"), 3); /* a surrogate */
}

static void test_text_width_of_null_is_zero(void **state)
{
    (void)state;
    assert_int_equal(kh_text_width(NULL), 0);
}

static void test_text_pad_left_aligns_cjk_by_columns(void **state)
{
    struct kh_buf b;
    (void)state;
    kh_buf_init(&b, 0);
    assert_int_equal(kh_text_pad(&b, "城关镇", 8, 0), KH_OK);
    kh_buf_putc(&b, '|');
    assert_int_equal(kh_text_pad(&b, "T01", 8, 0), KH_OK);
    kh_buf_putc(&b, '|');
    assert_string_equal(kh_buf_str(&b), "城关镇  |T01     |");
    kh_buf_free(&b);
}

static void test_text_pad_right_aligns(void **state)
{
    struct kh_buf b;
    (void)state;
    kh_buf_init(&b, 0);
    assert_int_equal(kh_text_pad(&b, "80.97", 7, 1), KH_OK);
    assert_int_equal(kh_text_pad(&b, "第一", 6, 1), KH_OK);
    assert_string_equal(kh_buf_str(&b), "  80.97  第一");
    kh_buf_free(&b);
}

static void test_text_pad_never_cuts_a_wider_string(void **state)
{
    struct kh_buf b;
    (void)state;
    kh_buf_init(&b, 0);
    assert_int_equal(kh_text_pad(&b, "高新技术产业开发区", 4, 0), KH_OK);
    assert_int_equal(kh_text_pad(&b, "x", -3, 1), KH_OK);
    assert_string_equal(kh_buf_str(&b), "高新技术产业开发区x");
    kh_buf_free(&b);
}

static void test_text_pad_handles_null_and_long_padding(void **state)
{
    struct kh_buf b;
    (void)state;
    kh_buf_init(&b, 0);
    assert_int_equal(kh_text_pad(&b, NULL, 100, 0), KH_OK);
    assert_int_equal(b.len, 100);
    assert_int_equal(kh_text_width(kh_buf_str(&b)), 100);
    kh_buf_free(&b);
}

static void test_text_pad_reports_a_full_buffer(void **state)
{
    struct kh_buf b;
    (void)state;
    kh_buf_init(&b, 4);
    assert_int_equal(kh_text_pad(&b, "ab", 10, 0), KH_ELIMIT);
    assert_int_equal(kh_buf_failed(&b), KH_ELIMIT);
    kh_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_width_of_ascii_is_its_length),
        cmocka_unit_test(test_text_width_of_cjk_ideographs_is_two_each),
        cmocka_unit_test(test_text_width_of_mixed_cjk_and_ascii_adds_up),
        cmocka_unit_test(test_text_width_of_cjk_punctuation_is_two),
        cmocka_unit_test(test_text_width_of_fullwidth_forms_is_two),
        cmocka_unit_test(test_text_width_of_hangul_and_kana_is_two),
        cmocka_unit_test(test_text_width_of_combining_marks_is_zero),
        cmocka_unit_test(test_text_width_counts_invalid_bytes_one_each),
        cmocka_unit_test(test_text_width_of_null_is_zero),
        cmocka_unit_test(test_text_pad_left_aligns_cjk_by_columns),
        cmocka_unit_test(test_text_pad_right_aligns),
        cmocka_unit_test(test_text_pad_never_cuts_a_wider_string),
        cmocka_unit_test(test_text_pad_handles_null_and_long_padding),
        cmocka_unit_test(test_text_pad_reports_a_full_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
