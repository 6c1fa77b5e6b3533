/* The held-lock set: what a thread holds, in order, with a hash that does not depend on order. */
#include <criterion/criterion.h>

#include "registry/held_locks.h"

/* An entry's hash, as a pusher would make one (any 64-bit mix: the set only sums them). */
static uint64_t mix(uint32_t lock, uint32_t stack) {
  uint64_t x = ((uint64_t)lock << 32 | stack) * 0x9e3779b97f4a7c15ull;
  return (x ^ (x >> 29)) * 0xbf58476d1ce4e5b9ull;
}

static struct lh_held_entry entry(uintptr_t addr, uint32_t lock, uint32_t stack) {
  struct lh_held_entry e = {.addr = addr,
                            .hash = mix(lock, stack),
                            .lock = lock,
                            .stack = stack,
                            .count = 1,
                            .mode = LH_MODE_WRITE};
  return e;
}

Test(held_locks, a_new_set_is_empty_and_finds_nothing) {
  struct lh_held_set s;
  lh_held_init(&s);
  cr_expect_eq(s.n, 0);
  cr_expect_eq(lh_held_find(&s, 0x1000), -1);
  cr_expect_eq(s.hash, 0);
}

Test(held_locks, a_pushed_lock_is_found_by_its_address) {
  struct lh_held_set s;
  lh_held_init(&s);
  struct lh_held_entry a = entry(0x1000, 1, 7), b = entry(0x2000, 2, 8);
  lh_held_push(&s, &a);
  lh_held_push(&s, &b);
  cr_expect_eq(lh_held_find(&s, 0x1000), 0);
  cr_expect_eq(lh_held_find(&s, 0x2000), 1);
  cr_expect_eq(lh_held_find(&s, 0x3000), -1);
}

Test(held_locks, the_hash_depends_on_the_set_not_the_order) {
  struct lh_held_set s1, s2;
  lh_held_init(&s1);
  lh_held_init(&s2);
  struct lh_held_entry a = entry(0x1000, 1, 7), b = entry(0x2000, 2, 8);
  lh_held_push(&s1, &a);
  lh_held_push(&s1, &b);
  lh_held_push(&s2, &b);
  lh_held_push(&s2, &a);
  cr_expect_eq(s1.hash, s2.hash);
}

Test(held_locks, the_same_lock_taken_at_another_site_hashes_differently) {
  struct lh_held_set s1, s2;
  lh_held_init(&s1);
  lh_held_init(&s2);
  struct lh_held_entry a = entry(0x1000, 1, 7), a_elsewhere = entry(0x1000, 1, 9);
  lh_held_push(&s1, &a);
  lh_held_push(&s2, &a_elsewhere);
  cr_expect_neq(s1.hash, s2.hash);
}

Test(held_locks, releasing_out_of_order_keeps_the_others_in_order_and_restores_the_hash) {
  struct lh_held_set s;
  lh_held_init(&s);
  struct lh_held_entry a = entry(0x1000, 1, 7), b = entry(0x2000, 2, 8), c = entry(0x3000, 3, 9);
  lh_held_push(&s, &a);
  uint64_t only_a = s.hash;
  lh_held_push(&s, &b);
  lh_held_push(&s, &c);
  lh_held_remove(&s, lh_held_find(&s, 0x2000));
  lh_held_remove(&s, lh_held_find(&s, 0x3000));
  cr_expect_eq(s.n, 1);
  cr_expect_eq(s.v[0].addr, 0x1000);
  cr_expect_eq(s.hash, only_a);
}

Test(held_locks, a_thread_can_hold_a_thousand_locks) {
  struct lh_held_set s;
  lh_held_init(&s);
  for (uint32_t i = 0; i < 1000; i++) {
    struct lh_held_entry e = entry(0x1000 + 64 * i, i, i);
    cr_assert(lh_held_push(&s, &e));
  }
  cr_expect_eq(s.n, 1000);
  cr_expect_eq(lh_held_find(&s, 0x1000), 0);
  cr_expect_eq(lh_held_find(&s, 0x1000 + 64 * 999), 999);
  for (int i = 999; i >= 0; i--) lh_held_remove(&s, i);
  cr_expect_eq(s.hash, 0);
  lh_held_free(&s);
}
