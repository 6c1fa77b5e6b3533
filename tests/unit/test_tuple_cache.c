/* The tuple cache: an acquisition already recorded by this thread is recognised. */
#include <criterion/criterion.h>

#include "tuple_cache.h"

static struct lh_tuple_key key(uint32_t lock, uintptr_t pc, uint64_t held) {
  struct lh_tuple_key k = {held, pc, lock, 0, 0, 0};
  return k;
}

Test(tuple_cache, an_empty_cache_knows_nothing) {
  struct lh_tuple_cache c = {0};
  struct lh_tuple_key k = key(1, 0x400000, 0);
  uint32_t stack;
  cr_expect_not(lh_tuple_cache_get(&c, &k, &stack));
}

Test(tuple_cache, a_recorded_tuple_gives_back_its_stack) {
  struct lh_tuple_cache c = {0};
  struct lh_tuple_key k = key(1, 0x400000, 0);
  uint32_t stack = 0;
  lh_tuple_cache_put(&c, &k, 42);
  cr_assert(lh_tuple_cache_get(&c, &k, &stack));
  cr_expect_eq(stack, 42);
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, every_field_of_the_key_tells_tuples_apart) {
  struct lh_tuple_cache c = {0};
  struct lh_tuple_key base = key(1, 0x400000, 99);
  lh_tuple_cache_put(&c, &base, 1);
  struct lh_tuple_key variants[6];
  for (int i = 0; i < 6; i++)
    variants[i] = base;
  variants[0].lock = 2;
  variants[1].pc = 0x400004;
  variants[2].held_hash = 100;
  variants[3].seg = 1;
  variants[4].mode = 1;
  variants[5].flags = 1;
  uint32_t stack;
  for (int i = 0; i < 6; i++)
    cr_expect_not(lh_tuple_cache_get(&c, &variants[i], &stack), "variant %d", i);
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, it_grows_past_many_tuples_and_forgets_none) {
  struct lh_tuple_cache c = {0};
  for (uint32_t i = 0; i < 100000; i++) {
    struct lh_tuple_key k = key(i, 0x400000 + i, i * 7);
    cr_assert(lh_tuple_cache_put(&c, &k, i));
  }
  for (uint32_t i = 0; i < 100000; i++) {
    struct lh_tuple_key k = key(i, 0x400000 + i, i * 7);
    uint32_t stack;
    cr_assert(lh_tuple_cache_get(&c, &k, &stack));
    cr_assert_eq(stack, i);
  }
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, a_cleared_cache_is_empty_again) {
  struct lh_tuple_cache c = {0};
  struct lh_tuple_key k = key(1, 0x400000, 0);
  lh_tuple_cache_put(&c, &k, 1);
  lh_tuple_cache_clear(&c);
  uint32_t stack;
  cr_expect_not(lh_tuple_cache_get(&c, &k, &stack));
}
