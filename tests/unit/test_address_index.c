/* The address index: addresses to pointers, neighbours together (interpose/base/address_index.h). */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "base/address_index.h"

Test(address_index, an_empty_index_knows_nothing) {
  struct lh_address_index x = {0};
  cr_expect_null(lh_address_index_find(&x, 0x1000));
  lh_address_index_remove(&x, 0x1000);
}

Test(address_index, a_put_address_gives_back_its_value_and_a_second_put_replaces_it) {
  struct lh_address_index x = {0};
  int a, b;
  cr_assert(lh_address_index_put(&x, 0x1000, &a));
  cr_expect_eq(lh_address_index_find(&x, 0x1000), &a);
  cr_assert(lh_address_index_put(&x, 0x1000, &b));
  cr_expect_eq(lh_address_index_find(&x, 0x1000), &b);
  cr_expect_eq(x.n, 1);
  lh_address_index_free(&x);
}

/* 100,000 4-byte spinlocks side by side, 100,000 40-byte mutexes, and locks one per page: every
 * one found after growth, and each removal forgets only its own. */
Test(address_index, every_layout_of_locks_is_found_and_removals_forget_only_their_own) {
  struct lh_address_index x = {0};
  const uintptr_t strides[] = {4, 40, 4096};
  for (int k = 0; k < 3; k++) {
    uintptr_t base = 0x10000000 + (uintptr_t)k * 0x40000000;
    for (uintptr_t i = 0; i < 100000; i++)
      cr_assert(lh_address_index_put(&x, base + i * strides[k], (void *)(i + 1)));
  }
  cr_expect_eq(x.n, 300000);
  cr_expect_leq(x.n * 2, x.cap, "at most half full");
  for (int k = 0; k < 3; k++) {
    uintptr_t base = 0x10000000 + (uintptr_t)k * 0x40000000;
    for (uintptr_t i = 0; i < 100000; i += 2) lh_address_index_remove(&x, base + i * strides[k]);
  }
  for (int k = 0; k < 3; k++) {
    uintptr_t base = 0x10000000 + (uintptr_t)k * 0x40000000;
    for (uintptr_t i = 0; i < 100000; i++) {
      void *v = lh_address_index_find(&x, base + i * strides[k]);
      if (i % 2)
        cr_assert_eq(v, (void *)(i + 1), "stride %lu, lock %lu", strides[k], i);
      else
        cr_assert_null(v, "stride %lu, removed lock %lu still found", strides[k], i);
    }
  }
  cr_expect_eq(x.n, 150000);
  lh_address_index_free(&x);
}

Test(address_index, neighbouring_addresses_have_neighbouring_slots) {
  struct lh_address_index x = {0};
  /* locks elsewhere first, so that the table is past the 1024 slots of a page's run */
  for (uintptr_t i = 0; i < 1500; i++)
    cr_assert(lh_address_index_put(&x, 0x40000000 + 8192 * i, &x));
  for (uintptr_t i = 0; i < 100; i++) cr_assert(lh_address_index_put(&x, 0x20000000 + 40 * i, &x));
  cr_assert_geq(x.cap, 2048);
  uint32_t first = x.cap, last = 0;
  for (uint32_t i = 0; i < x.cap; i++)
    if (x.slots[i].addr >> 12 == 0x20000) {
      first = first < i ? first : i;
      last = i;
    }
  cr_expect_lt(last - first, 1024, "100 mutexes of one page span %u slots", last - first + 1);
  lh_address_index_free(&x);
}

/* The first table is one page: a program's first locks write no more than that. */
Test(address_index, the_first_table_is_one_page) {
  struct lh_address_index x = {0};
  for (uintptr_t i = 0; i < 100; i++)
    cr_assert(lh_address_index_put(&x, 0x30000000 + 4096 * i, &x));
  cr_expect_eq(x.cap * sizeof *x.slots, 4096);
  for (uintptr_t i = 0; i < 100; i++)
    cr_expect_eq(lh_address_index_find(&x, 0x30000000 + 4096 * i), &x, "lock %u", (unsigned)i);
  lh_address_index_free(&x);
}
