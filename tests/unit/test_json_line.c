/* The JSON line builder: records that any JSON reader accepts, built without malloc. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "runfile/json_line.h"

static json_t *parse(const struct lh_json_line *jl) {
  cr_assert(!jl->overflow);
  cr_assert(jl->len > 0 && jl->buf[jl->len - 1] == '\n');
  json_error_t err;
  json_t *j = json_loadb(jl->buf, jl->len, 0, &err);
  cr_assert_not_null(j, "not JSON: %.*s (%s)", (int)jl->len, jl->buf, err.text);
  return j;
}

Test(json_line, a_record_carries_its_type_and_members) {
  char buf[256];
  struct lh_json_line jl;
  lh_jl_init(&jl, buf, sizeof buf);
  lh_jl_begin(&jl, "lock");
  lh_jl_kv_int(&jl, "id", -3);
  lh_jl_kv_hex(&jl, "addr", 0xdeadbeefull);
  lh_jl_kv_bool(&jl, "robust", true);
  lh_jl_end(&jl);
  json_t *j = parse(&jl);
  cr_expect_str_eq(json_string_value(json_object_get(j, "t")), "lock");
  cr_expect_eq(json_integer_value(json_object_get(j, "id")), -3);
  cr_expect_str_eq(json_string_value(json_object_get(j, "addr")), "0xdeadbeef");
  cr_expect(json_is_true(json_object_get(j, "robust")));
  json_decref(j);
}

Test(json_line, nested_arrays_are_separated_correctly) {
  char buf[256];
  struct lh_json_line jl;
  lh_jl_init(&jl, buf, sizeof buf);
  lh_jl_begin(&jl, "acq");
  lh_jl_key(&jl, "held");
  lh_jl_open(&jl, '[');
  for (int i = 0; i < 3; i++) {
    lh_jl_open(&jl, '[');
    lh_jl_int(&jl, i);
    lh_jl_str(&jl, "w");
    lh_jl_close(&jl, ']');
  }
  lh_jl_close(&jl, ']');
  lh_jl_end(&jl);
  json_t *j = parse(&jl);
  json_t *held = json_object_get(j, "held");
  cr_assert_eq(json_array_size(held), 3);
  cr_expect_eq(json_integer_value(json_array_get(json_array_get(held, 2), 0)), 2);
  json_decref(j);
}

Test(json_line, strings_with_quotes_and_control_characters_are_escaped) {
  char buf[256];
  struct lh_json_line jl;
  lh_jl_init(&jl, buf, sizeof buf);
  lh_jl_begin(&jl, "run");
  const char *nasty = "a \"quoted\" \\path\\ with\nnewline\x01";
  lh_jl_kv_str(&jl, "exe", nasty);
  lh_jl_end(&jl);
  json_t *j = parse(&jl);
  cr_expect_str_eq(json_string_value(json_object_get(j, "exe")), nasty);
  json_decref(j);
}

Test(json_line, a_record_too_large_for_the_buffer_is_flagged_not_truncated_silently) {
  char buf[16];
  struct lh_json_line jl;
  lh_jl_init(&jl, buf, sizeof buf);
  lh_jl_begin(&jl, "stack");
  lh_jl_kv_str(&jl, "path", "/a/rather/long/path/that/does/not/fit");
  lh_jl_end(&jl);
  cr_expect(jl.overflow);
  cr_expect_leq(jl.len, sizeof buf);
}

Test(json_line, extreme_integers_survive) {
  char buf[256];
  struct lh_json_line jl;
  lh_jl_init(&jl, buf, sizeof buf);
  lh_jl_begin(&jl, "x");
  lh_jl_kv_int(&jl, "min", INT64_MIN);
  lh_jl_kv_int(&jl, "max", INT64_MAX);
  lh_jl_kv_hex(&jl, "top", UINT64_MAX);
  lh_jl_end(&jl);
  json_t *j = parse(&jl);
  cr_expect_eq(json_integer_value(json_object_get(j, "min")), INT64_MIN);
  cr_expect_eq(json_integer_value(json_object_get(j, "max")), INT64_MAX);
  cr_expect_str_eq(json_string_value(json_object_get(j, "top")), "0xffffffffffffffff");
  json_decref(j);
}
