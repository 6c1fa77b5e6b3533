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
  cr_assert_not(
      lh_findings_add_cycle(f, m, LH_FINDING_LOCK_ORDER_INVERSION, LH_LEVEL_ERROR, locks, steps, 2),
      "the same cycle, starting elsewhere, is a duplicate");
  cr_assert_eq(f->n, 2);
  lh_findings_free(f);
  lh_model_free(m);
}

static char *site_of(struct lh_findings *f, const struct lh_model *m, int32_t stack) {
  char *s = NULL;
  size_t len = 0, cap = 0;
  lh_stable_site(f, m, stack, &s, &len, &cap);
  return s;
}

Test(findings, the_report_starts_with_the_earliest_thread_and_the_key_with_the_smallest_sites) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  /* T1 holds lock 1 (taken at stack 4) and wants lock 0; T2 holds lock 0 (stack 2) and wants 1 */
  rb_add(&rb, "{'t':'acq','thread':2,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}");
  struct lh_model *m;
  struct lh_findings *f = rb_findings(&rb, &m);
  cr_assert_eq(f->n, 1);
  const struct lh_finding *x = &f->items[0];
  cr_assert_eq(m->threads[m->tuples[x->steps[0].tuple].thread].id, 1);
  cr_assert_eq(x->locks[0], 1, "T1 holds lock 1");
  char *s2 = site_of(f, m, 2), *s4 = site_of(f, m, 4);
  char *at2 = strstr(x->key, s2), *at4 = strstr(x->key, s4);
  cr_assert(at2 && at4 && at2 < at4, "the key starts with the step whose sites are smallest: %s",
            x->key);
  cr_assert_null(strstr(x->key, m->locks[0].key), "locks are not part of a cycle's key");
  free(s2);
  free(s4);
  lh_findings_free(f);
  lh_model_free(m);
  free(rb.buf);
}

/* Locks 0..5; T1 takes (0,1), (2,3), (4,5) in that order at stacks 2 then 3, T2 the reverse
 * orders at stacks 4 then 5: three inversions through the same two lines of each thread. */
static struct lh_findings *three_pairs_one_place(struct lh_model **m) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 6);
  for (int a = 0; a < 6; a += 2) {
    rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':%d,'mode':'w','stack':3,'held':[[%d,'w',2]]}",
           a + 1, a);
    rb_add(&rb, "{'t':'acq','thread':2,'seg':0,'lock':%d,'mode':'w','stack':5,'held':[[%d,'w',4]]}",
           a, a + 1);
  }
  struct lh_findings *f = rb_findings(&rb, m);
  free(rb.buf);
  return f;
}

Test(findings, cycles_through_the_same_lines_are_one_finding_that_lists_every_lock) {
  struct lh_model *m;
  struct lh_findings *f = three_pairs_one_place(&m);
  cr_assert_eq(f->n, 1, "one bug at one pair of lines");
  const struct lh_finding *x = &f->items[0];
  cr_assert_eq(x->cycles, 3);
  cr_assert_eq(x->n, 2, "one example cycle");
  cr_assert_eq(x->nabout, 6, "the locks of all three cycles, each once");
  for (size_t i = 1; i < x->nabout; i++)
    cr_assert_lt(strcmp(m->locks[x->about[i - 1]].key, m->locks[x->about[i]].key), 0);
  lh_findings_free(f);
  lh_model_free(m);
}

/* The standard run with the program at path exe, its module mapped at base. */
static struct lh_findings *inversion_of(const char *exe, unsigned long base, struct lh_model **m) {
  struct rb rb = {0};
  rb_run(&rb, 4242, exe, "");
  rb_add(&rb, "{'t':'module','id':0,'path':'%s','base':'0x%lx','segs':[['0x%lx','0x%lx']]}", exe,
         base, base, base + 0x8000);
  for (int s = 0; s < 16; s++)
    rb_add(&rb, "{'t':'stack','id':%d,'pcs':['0x%lx']}", s, base + 0x100 + 0x10 * (unsigned)s);
  rb_add(&rb, "{'t':'thread','id':0,'tid':100,'parent':-1,'parent_seg':0,'stack':-1,'how':'main'}");
  for (int t = 1; t <= 2; t++)
    rb_add(&rb,
           "{'t':'thread','id':%d,'tid':%d,'parent':0,'parent_seg':%d,'stack':0,"
           "'how':'pthread_create'}",
           t, 100 + t, t - 1);
  for (int l = 0; l < 2; l++)
    rb_add(&rb,
           "{'t':'lock','id':%d,'kind':'mutex','addr':'0x%x','gen':0,'how':'init',"
           "'stack':%d,'type':'normal'}",
           l, 0x90000 + 0x40 * l, 10 + l);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(&rb, "{'t':'acq','thread':2,'seg':0,'lock':0,'mode':'w','stack':5,'held':[[1,'w',4]]}");
  struct lh_findings *f = rb_findings(&rb, m);
  free(rb.buf);
  return f;
}

Test(findings, the_id_does_not_depend_on_the_build_folder_nor_the_load_address) {
  struct lh_model *m1, *m2;
  struct lh_findings *a = inversion_of("/home/ann/build/prog", 0x1000, &m1),
                     *b = inversion_of("/tmp/ci-42/out/prog", 0x555500001000ul, &m2);
  cr_assert_eq(a->n, 1);
  cr_assert_eq(b->n, 1);
  cr_assert_str_eq(a->items[0].id, b->items[0].id);
  lh_findings_free(a);
  lh_findings_free(b);
  lh_model_free(m1);
  lh_model_free(m2);
}

Test(findings, two_findings_with_the_same_stable_words_get_different_ids) {
  struct lh_findings *f = lh_findings_new();
  for (int i = 0; i < 3; i++) {
    struct lh_finding x = {.kind = LH_FINDING_STALL, .level = LH_LEVEL_ERROR, .incident = 0};
    if (asprintf(&x.key, "stall\n%d", i) < 0) cr_assert_fail();
    x.id_text = strdup("stall\nthe same words");
    cr_assert(lh_findings_insert(f, &x));
  }
  lh_findings_unique_ids(f);
  cr_assert_str_neq(f->items[0].id, f->items[1].id);
  cr_assert_str_neq(f->items[1].id, f->items[2].id);
  cr_assert_str_neq(f->items[0].id, f->items[2].id);
  lh_findings_free(f);
}

Test(findings, kind_names_come_from_the_one_list) {
  cr_assert_str_eq(lh_kind_rule(LH_FINDING_LOCK_ORDER_INVERSION), "lock-order-inversion");
  cr_assert_str_eq(lh_kind_title(LH_FINDING_LOCK_ORDER_INVERSION),
                   "potential deadlock (lock order inversion)");
  cr_assert_str_eq(lh_level_name(LH_LEVEL_NOTE), "note");
}
