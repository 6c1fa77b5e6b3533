/* The race detector's per-thread caches: sized to the working set, one page when it is small. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "race/race_cache.h"

struct entry {
  uint64_t key, value;
};

/* A look-up as race_stacks.c makes one: the entry, or a miss that fills it. */
static bool look_up(struct lh_rcache *c, uint64_t key) {
  uint64_t h = key * 0x9e3779b97f4a7c15ull;
  struct entry *e = lh_rcache_slot(c, h, sizeof *e);
  cr_assert_not_null(e);
  if (e->key == key && e->value == key + 1) return true;
  lh_rcache_missed(c, sizeof *e);
  e = lh_rcache_slot(c, h, sizeof *e);
  *e = (struct entry){key, key + 1};
  return false;
}

Test(race_cache, a_cache_starts_at_one_page) {
  struct lh_rcache c = {0};
  look_up(&c, 1);
  cr_expect_eq(c.bits, LH_RCACHE_MIN_BITS);
  cr_expect_eq(sizeof(struct entry) << c.bits, 4096);
  lh_rcache_free(&c, sizeof(struct entry));
}

Test(race_cache, a_working_set_that_fits_stops_missing_and_never_grows_the_cache) {
  struct lh_rcache c = {0};
  uint32_t misses_after_warm_up = 0;
  for (int round = 0; round < 1000; round++)
    for (uint64_t k = 1; k <= 24; k++)
      if (!look_up(&c, k) && round > 0) misses_after_warm_up++;
  cr_expect_eq(c.bits, LH_RCACHE_MIN_BITS);
  cr_expect_lt(misses_after_warm_up, 1000, "only the few keys that share an entry miss");
  lh_rcache_free(&c, sizeof(struct entry));
}

Test(race_cache, a_working_set_larger_than_a_page_grows_the_cache_to_its_largest) {
  struct lh_rcache c = {0};
  for (int round = 0; round < 40; round++)
    for (uint64_t k = 1; k <= 3000; k++) look_up(&c, k);
  cr_expect_eq(c.bits, LH_RCACHE_MAX_BITS);
  uint32_t hits = 0;
  for (uint64_t k = 1; k <= 3000; k++) hits += look_up(&c, k);
  cr_expect_gt(hits, 1500, "most of 3,000 keys stay in 4,096 entries (%u hits)", hits);
  lh_rcache_free(&c, sizeof(struct entry));
}

Test(race_cache, a_freed_cache_is_made_again_at_its_next_look_up) {
  struct lh_rcache c = {0};
  look_up(&c, 7);
  lh_rcache_free(&c, sizeof(struct entry));
  cr_expect_null(c.entries);
  cr_expect_not(look_up(&c, 7), "emptied");
  cr_expect(look_up(&c, 7));
  lh_rcache_free(&c, sizeof(struct entry));
}
