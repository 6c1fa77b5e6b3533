/* Tuple families: the tuples of a lock taken under each of many locks, kept as a bitmap over the
 * last held lock's id, are found again exactly: every member, and nothing else. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "registry/tuple_cache.h"
#include "registry/tuple_families.h"

#define INNER 0x7000 /* the lock taken under each of the others */
#define OUTER_PC 0x401000
#define INNER_PC 0x402000

/* The held set {outer lock of id `lock`, taken at pc}, over a held set of hash `below` (the
 * entries under it): what the recorder would have pushed. */
static struct lh_tuple_top held_over(uint64_t below, uint32_t lock, uintptr_t pc) {
  uint64_t fp = lh_tuple_fp(below, pc, lh_tuple_meta(0, 0, 0));
  uint64_t hash = lh_tuple_entry_hash(fp, lock);
  return (struct lh_tuple_top){below + hash, hash, lock};
}

static struct lh_tuple_key key_under(const struct lh_tuple_top *t, uintptr_t addr) {
  return (struct lh_tuple_key){t->held_hash, INNER_PC, addr, lh_tuple_meta(0, 0, 0)};
}

static uint64_t fp_of(const struct lh_tuple_key *k) {
  return lh_tuple_fp(k->held_hash, k->pc, k->meta);
}

/* The look-up the recorder makes (recorder.h, lh_tuple_lookup): the near window, then beyond it. */
static struct lh_tuple_slot *find_held(const struct lh_tuple_cache *c, uintptr_t addr, uint64_t fp,
                                       const struct lh_tuple_top *t) {
  struct lh_tuple_slot *s = lh_tuple_cache_find_near(c, addr, fp);
  return s != LH_TUPLE_FAR_NEXT ? s : lh_tuple_cache_find_beyond(c, addr, fp, t);
}

static struct lh_tuple_value value(uint32_t stack) {
  return (struct lh_tuple_value){5, stack, 0, 0, false};
}

/* INNER taken under outer locks of ids first..first+count-1 (one site), each with value v. */
static void take_under(struct lh_tuple_cache *c, uint32_t first, uint32_t count, uint32_t stack) {
  struct lh_tuple_value v = value(stack);
  for (uint32_t id = first; id < first + count; id++) {
    struct lh_tuple_top t = held_over(0, id, OUTER_PC);
    struct lh_tuple_key k = key_under(&t, INNER);
    cr_assert(lh_tuple_cache_put_held(c, &k, &v, &t, NULL));
  }
}

static struct lh_tuple_slot *find_under(const struct lh_tuple_cache *c, uint32_t id, uintptr_t pc) {
  struct lh_tuple_top t = held_over(0, id, pc);
  struct lh_tuple_key k = key_under(&t, INNER);
  return find_held(c, INNER, fp_of(&k), &t);
}

Test(tuple_families, a_members_fingerprint_comes_back_from_its_family_and_lock_id) {
  struct lh_tuple_cache c = {0};
  take_under(&c, 100, 50, 1);
  struct lh_tuple_top t = held_over(0, 120, OUTER_PC);
  struct lh_tuple_key k = key_under(&t, INNER);
  struct lh_tuple_family *f =
      lh_tuple_family_of(c.families, INNER, lh_tuple_family_key(fp_of(&k), &t), 120);
  cr_assert_not_null(f);
  cr_expect_eq(lh_tuple_family_member_fp(f, 120), fp_of(&k));
  lh_tuple_cache_clear(&c);
}

Test(tuple_families, the_family_key_names_the_last_held_locks_site_and_what_is_under_it) {
  uint64_t fp = 0;
  struct lh_tuple_top a = held_over(0, 7, OUTER_PC), b = held_over(0, 8, OUTER_PC);
  struct lh_tuple_top other_site = held_over(0, 7, OUTER_PC + 4);
  struct lh_tuple_top other_below = held_over(0x55, 7, OUTER_PC);
  struct lh_tuple_key ka = key_under(&a, INNER), kb = key_under(&b, INNER);
  cr_expect_eq(lh_tuple_family_key(fp_of(&ka), &a), lh_tuple_family_key(fp_of(&kb), &b));
  struct lh_tuple_key ks = key_under(&other_site, INNER), kl = key_under(&other_below, INNER);
  cr_expect_neq(lh_tuple_family_key(fp_of(&ks), &other_site), lh_tuple_family_key(fp_of(&ka), &a));
  cr_expect_neq(lh_tuple_family_key(fp_of(&kl), &other_below), lh_tuple_family_key(fp_of(&ka), &a));
  (void)fp;
}

Test(tuple_families, a_lock_taken_under_a_thousand_locks_keeps_them_in_one_family) {
  struct lh_tuple_cache c = {0};
  take_under(&c, 1000, 1000, 1);
  for (uint32_t id = 1000; id < 2000; id++) {
    struct lh_tuple_slot *s = find_under(&c, id, OUTER_PC);
    cr_assert_not_null(s, "id %u", id);
    cr_assert_eq(s->value.stack, 1);
  }
  cr_assert_not_null(c.families);
  cr_expect_eq(c.families->n, 1);
  cr_expect_gt(c.families->members, 980);
  cr_expect_leq(c.far->n, 8, "%u far tuples", c.far->n); /* the filter's first few only */
  cr_expect_eq(c.n, 1000);
  lh_tuple_cache_clear(&c);
}

Test(tuple_families, a_tuple_under_a_lock_its_family_has_not_met_is_new) {
  struct lh_tuple_cache c = {0};
  take_under(&c, 1000, 500, 1);
  take_under(&c, 1501, 499, 1); /* all but id 1500 */
  cr_expect_null(find_under(&c, 1500, OUTER_PC));
  cr_expect_null(find_under(&c, 999, OUTER_PC));
  cr_expect_null(find_under(&c, 2000, OUTER_PC));
  cr_expect_null(find_under(&c, 1200, OUTER_PC + 4)); /* the outer lock taken elsewhere */
  lh_tuple_cache_clear(&c);
}

Test(tuple_families, members_with_another_stack_make_a_second_family_and_both_are_found) {
  struct lh_tuple_cache c = {0};
  take_under(&c, 1000, 100, 1);
  take_under(&c, 1100, 100, 2);
  for (uint32_t id = 1000; id < 1200; id++) {
    struct lh_tuple_slot *s = find_under(&c, id, OUTER_PC);
    cr_assert_not_null(s, "id %u", id);
    cr_expect_eq(s->value.stack, id < 1100 ? 1u : 2u, "id %u", id);
  }
  cr_expect_eq(c.families->n, 2);
  lh_tuple_cache_clear(&c);
}

Test(tuple_families, a_member_given_a_new_value_is_found_with_it) {
  struct lh_tuple_cache c = {0};
  take_under(&c, 1000, 100, 1);
  take_under(&c, 1050, 1, 9);
  cr_expect_eq(find_under(&c, 1050, OUTER_PC)->value.stack, 9);
  cr_expect_eq(find_under(&c, 1051, OUTER_PC)->value.stack, 1);
  cr_expect_eq(c.n, 100);
  lh_tuple_cache_clear(&c);
}

Test(tuple_families, a_lock_id_beyond_the_span_of_a_bitmap_goes_far_and_is_found) {
  struct lh_tuple_cache c = {0};
  take_under(&c, 1000, 100, 1);
  uint32_t far_id = 1000 + LH_FAMILY_SPAN + 5;
  uint32_t far_before = c.far->n;
  take_under(&c, far_id, 1, 1);
  cr_expect_eq(c.far->n, far_before + 1);
  cr_expect_not_null(find_under(&c, far_id, OUTER_PC));
  cr_expect_null(find_under(&c, far_id + 1, OUTER_PC));
  lh_tuple_cache_clear(&c);
}

static bool keep_none(const struct lh_tuple_slot *s) {
  (void)s;
  return false;
}

Test(tuple_families, a_rebuild_drops_the_families_keep_rejects) {
  struct lh_tuple_cache c = {0};
  take_under(&c, 1000, 100, 1);
  while (!lh_tuple_cache_will_rebuild(&c)) {
    struct lh_tuple_key k = {0, 0x400000, 0x100000 + c.n * 64, lh_tuple_meta(0, 0, 0)};
    struct lh_tuple_value v = value(3);
    lh_tuple_cache_put(&c, &k, &v);
  }
  struct lh_tuple_key last = {0, 0x400000, 0x900000, lh_tuple_meta(0, 0, 0)};
  struct lh_tuple_value v = value(3);
  lh_tuple_cache_put_pruning(&c, &last, &v, keep_none);
  for (uint32_t id = 1000; id < 1100; id++) cr_assert_null(find_under(&c, id, OUTER_PC));
  cr_expect_eq(c.families->n, 0);
  cr_expect_eq(c.families->members, 0);
  lh_tuple_cache_clear(&c);
}

/* After a rebuild into a larger near table, the members whose window there has room move into
 * it; the others stay in their family; every one is found. */
Test(tuple_families, a_rebuild_moves_members_near_where_their_window_has_room_and_loses_none) {
  struct lh_tuple_cache c = {0};
  take_under(&c, 1000, 300, 1);
  uint32_t members = c.families->members;
  for (uint32_t i = 0; !lh_tuple_cache_will_rebuild(&c) || i < 3; i++) {
    struct lh_tuple_key k = {0, 0x400000, 0x100000 + i * 4096, lh_tuple_meta(0, 0, 0)};
    struct lh_tuple_value v = value(3);
    lh_tuple_cache_put(&c, &k, &v);
    if (lh_tuple_cache_will_rebuild(&c)) {
      struct lh_tuple_key k2 = {0, 0x400000, 0x5000000 + i * 4096, lh_tuple_meta(0, 0, 0)};
      lh_tuple_cache_put(&c, &k2, &v);
      break;
    }
  }
  for (uint32_t id = 1000; id < 1300; id++)
    cr_assert_not_null(find_under(&c, id, OUTER_PC), "id %u", id);
  cr_expect_leq(c.families->members, members);
  lh_tuple_cache_clear(&c);
}

Test(tuple_families, a_hot_member_is_promoted_into_its_window) {
  struct lh_tuple_cache c = {0};
  take_under(&c, 1000, 100, 1);
  struct lh_tuple_top t = held_over(0, 1077, OUTER_PC);
  struct lh_tuple_key k = key_under(&t, INNER);
  cr_assert_eq(lh_tuple_cache_find_near(&c, INNER, fp_of(&k)), LH_TUPLE_FAR_NEXT);
  cr_assert_not_null(lh_tuple_cache_promote_held(&c, INNER, fp_of(&k), &t));
  struct lh_tuple_slot *s = lh_tuple_cache_find_near(&c, INNER, fp_of(&k));
  cr_assert(s && s != LH_TUPLE_FAR_NEXT);
  cr_expect_eq(s->value.stack, 1);
  for (uint32_t id = 1000; id < 1100; id++)
    cr_assert_not_null(find_under(&c, id, OUTER_PC), "id %u", id);
  cr_expect_eq(c.n, 100);
  lh_tuple_cache_clear(&c);
}

/* A rebuild reads only the pages of the old table that were written (test_tuple_cache.c: a mapped
 * table tells them from the others): reading the others made them resident on this project's
 * kernel, 2 MB of memcached's peak for each rebuilt tuple cache. */
static long max_rss_kib(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

/* INNER under outer lock `id`, the outer lock taken at one of four sites by id: four families,
 * and a near table that grows with their members while it holds one window of them. */
static void take_under_one_more(struct lh_tuple_cache *c, uint32_t id) {
  struct lh_tuple_value v = value(1);
  struct lh_tuple_top t = held_over(0, id, OUTER_PC + 4 * (id / 30000));
  struct lh_tuple_key k = key_under(&t, INNER);
  cr_assert(lh_tuple_cache_put_held(c, &k, &v, &t, NULL));
}

Test(tuple_families, rebuilding_a_sparse_tuple_cache_does_not_make_its_old_table_resident) {
  struct lh_tuple_cache c = {0};
  uint32_t id = 1;
  while (c.cap < (1u << 17)) take_under_one_more(&c, id++); /* 4 MiB of slots, one window used */
  while (!lh_tuple_cache_will_rebuild(&c)) take_under_one_more(&c, id++);
  long before = max_rss_kib();
  take_under_one_more(&c, id++); /* the rebuild: the old table is read */
  long after = max_rss_kib();
  cr_expect_lt(after - before, 512, "peak %ld KiB before the rebuild of a %u-slot table, %ld after",
               before, c.cap / 2, after);
  for (uint32_t i = 1; i < id; i += 997) {
    struct lh_tuple_top t = held_over(0, i, OUTER_PC + 4 * (i / 30000));
    struct lh_tuple_key k = key_under(&t, INNER);
    cr_assert_not_null(find_held(&c, INNER, fp_of(&k), &t), "id %u", i);
  }
  lh_tuple_cache_clear(&c);
}
