/* test_findings.c - one finding per distinct cycle, in a stable order, with stable ids. */
#include <criterion/criterion.h>

#include "../fixtures/runs/run_text.h"

Test(findings, the_id_is_the_fnv1a_hash_of_the_key_in_sixteen_hex_digits) {
  char id[17];
  lh_stable_id("", id);
  cr_assert_str_eq(id, "cbf29ce484222325");
  lh_stable_id("a", id);
  cr_assert_str_eq(id, "af63dc4c8601ec8c");
}

/* Locks 0..3, two inversions: 0/1 by T1,T2 and 2/3 by T3,T4; written in the given order. */
static struct lh_findings *two_inversions(bool reversed, struct lh_model **m) {
  struct rb rb = {0};
  rb_standard(&rb, 4, 4);
  const char *lines[] = {
      "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}",
      "{'t':'acq','thread':2,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}",
      "{'t':'acq','thread':3,'seg':0,'lock':3,'mode':'w','stack':7,'held':[[2,'w',6]]}",
      "{'t':'acq','thread':4,'seg':0,'lock':2,'mode':'w','stack':9,'held':[[3,'w',8]]}",
  };
  for (int i = 0; i < 4; i++) rb_add(&rb, "%s", lines[reversed ? 3 - i : i]);
  struct lh_findings *f = rb_findings(&rb, m);
  free(rb.buf);
  return f;
}

Test(findings, the_order_of_findings_does_not_depend_on_the_order_of_records) {
  struct lh_model *m1, *m2;
  struct lh_findings *a = two_inversions(false, &m1), *b = two_inversions(true, &m2);
  cr_assert_eq(a->n, 2);
  cr_assert_eq(b->n, 2);
  for (size_t i = 0; i < 2; i++) {
    cr_assert_str_eq(a->items[i].id, b->items[i].id);
    cr_assert_str_eq(a->items[i].key, b->items[i].key);
  }
  cr_assert_lt(strcmp(a->items[0].key, a->items[1].key), 0, "sorted by key");
  lh_findings_free(a);
  lh_findings_free(b);
  lh_model_free(m1);
  lh_model_free(m2);
}

Test(findings, the_same_cycle_added_twice_is_kept_once) {
  struct lh_model *m;
  struct lh_findings *f = two_inversions(false, &m);
  struct lh_finding first = f->items[0];
  uint32_t locks[2] = {first.locks[1], first.locks[0]};
  struct lh_step steps[2] = {first.steps[1], first.steps[0]};
  cr_assert_not(lh_findings_add_cycle(f, m, LH_LEVEL_ERROR, locks, steps, 2),
                "the same cycle, starting elsewhere, is a duplicate");
  cr_assert_eq(f->n, 2);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(findings, the_report_starts_with_the_earliest_thread_and_the_key_with_the_smallest_lock) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  /* T1 holds lock 1 and wants lock 0; T2 the reverse */
  rb_add(&rb, "{'t':'acq','thread':2,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}");
  struct lh_model *m;
  struct lh_findings *f = rb_findings(&rb, &m);
  cr_assert_eq(f->n, 1);
  const struct lh_finding *x = &f->items[0];
  cr_assert_eq(m->threads[m->tuples[x->steps[0].tuple].thread].id, 1);
  cr_assert_eq(x->locks[0], 1, "T1 holds lock 1");
  char *lock0 = strstr(x->key, m->locks[0].key), *lock1 = strstr(x->key, m->locks[1].key);
  cr_assert(lock0 && lock1 && lock0 < lock1, "the key lists lock 0 (smaller key) first");
  lh_findings_free(f);
  lh_model_free(m);
  free(rb.buf);
}

Test(findings, kind_names_come_from_the_one_list) {
  cr_assert_str_eq(lh_kind_rule(LH_FINDING_LOCK_ORDER_INVERSION), "lock-order-inversion");
  cr_assert_str_eq(lh_kind_title(LH_FINDING_LOCK_ORDER_INVERSION),
                   "potential deadlock (lock order inversion)");
  cr_assert_str_eq(lh_level_name(LH_LEVEL_NOTE), "note");
}
