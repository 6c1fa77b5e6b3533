/* The tuple cache: an acquisition already recorded by this thread is recognised. */
#include <criterion/criterion.h>
#include <malloc.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/table_memory.h"
#include "registry/tuple_cache.h"

static struct lh_tuple_key key(uintptr_t addr, uintptr_t pc, uint64_t held) {
  struct lh_tuple_key k = {held, pc, addr, lh_tuple_meta(0, 0, 0)};
  return k;
}

static struct lh_tuple_value value(uint32_t stack) {
  struct lh_tuple_value v = {5, stack, 0, 0, false};
  return v;
}

Test(tuple_cache, an_empty_cache_knows_nothing) {
  struct lh_tuple_cache c = {0};
  struct lh_tuple_key k = key(0x1000, 0x400000, 0);
  cr_expect_null(lh_tuple_cache_get(&c, &k));
}

Test(tuple_cache, a_recorded_tuple_gives_back_its_lock_and_site) {
  struct lh_tuple_cache c = {0};
  struct lh_tuple_key k = key(0x1000, 0x400000, 0);
  struct lh_tuple_value v = value(42);
  lh_tuple_cache_put(&c, &k, &v);
  struct lh_tuple_slot *s = lh_tuple_cache_get(&c, &k);
  cr_assert_not_null(s);
  cr_expect_eq(s->value.stack, 42);
  cr_expect_eq(s->value.lock, 5);
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, putting_a_known_key_again_replaces_its_value) {
  struct lh_tuple_cache c = {0};
  struct lh_tuple_key k = key(0x1000, 0x400000, 0);
  struct lh_tuple_value v1 = value(1), v2 = value(2);
  lh_tuple_cache_put(&c, &k, &v1);
  lh_tuple_cache_put(&c, &k, &v2);
  cr_expect_eq(c.n, 1);
  cr_expect_eq(lh_tuple_cache_get(&c, &k)->value.stack, 2);
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, every_field_of_the_key_tells_tuples_apart) {
  struct lh_tuple_cache c = {0};
  struct lh_tuple_key base = key(0x1000, 0x400000, 99);
  struct lh_tuple_value v = value(1);
  lh_tuple_cache_put(&c, &base, &v);
  struct lh_tuple_key variants[6];
  for (int i = 0; i < 6; i++) variants[i] = base;
  variants[0].addr = 0x2000;
  variants[1].pc = 0x400004;
  variants[2].held_hash = 100;
  variants[3].meta = lh_tuple_meta(1, 0, 0);
  variants[4].meta = lh_tuple_meta(0, 1, 0);
  variants[5].meta = lh_tuple_meta(0, 0, 1);
  for (int i = 0; i < 6; i++) cr_expect_null(lh_tuple_cache_get(&c, &variants[i]), "variant %d", i);
  lh_tuple_cache_clear(&c);
}

/* A held entry's hash names the acquisition that pushed it (its fingerprint) and the lock: a lock
 * destroyed and made again at the same address (another id), taken from the same place under the
 * same held set, makes another held set, so the tuples under it are recorded again. */
Test(tuple_cache, an_entry_hash_tells_the_lock_ids_of_one_acquisition_apart) {
  uint64_t fp = lh_tuple_fp(0x1234, 0x400000, lh_tuple_meta(0, 0, 0));
  cr_expect_neq(lh_tuple_entry_hash(fp, 7), lh_tuple_entry_hash(fp, 8));
  uint64_t other = lh_tuple_fp(0x1234, 0x400004, lh_tuple_meta(0, 0, 0));
  cr_expect_neq(lh_tuple_entry_hash(fp, 7), lh_tuple_entry_hash(other, 7));
}

Test(tuple_cache, it_grows_past_many_tuples_and_forgets_none) {
  struct lh_tuple_cache c = {0};
  for (uint32_t i = 0; i < 100000; i++) {
    struct lh_tuple_key k = key(0x1000 + 64 * (uintptr_t)i, 0x400000 + i, i * 7);
    struct lh_tuple_value v = value(i);
    cr_assert(lh_tuple_cache_put(&c, &k, &v));
  }
  for (uint32_t i = 0; i < 100000; i++) {
    struct lh_tuple_key k = key(0x1000 + 64 * (uintptr_t)i, 0x400000 + i, i * 7);
    struct lh_tuple_slot *s = lh_tuple_cache_get(&c, &k);
    cr_assert_not_null(s);
    cr_assert_eq(s->value.stack, i);
  }
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, a_cleared_cache_is_empty_again) {
  struct lh_tuple_cache c = {0};
  struct lh_tuple_key k = key(0x1000, 0x400000, 0);
  struct lh_tuple_value v = value(1);
  lh_tuple_cache_put(&c, &k, &v);
  lh_tuple_cache_clear(&c);
  cr_expect_null(lh_tuple_cache_get(&c, &k));
}

/* Entries of locks that are gone: here, every stack but the last 100 puts' and the kept ones. */
static uint32_t prune_below;
static bool keep_recent_or_even(const struct lh_tuple_slot *s) {
  return s->value.stack >= prune_below || s->value.stack % 1000 == 0;
}

Test(tuple_cache, rebuilding_drops_what_keep_rejects_so_the_table_stays_the_size_of_what_is_kept) {
  struct lh_tuple_cache c = {0};
  for (uint32_t i = 0; i < 200000; i++) {
    prune_below = i > 100 ? i - 100 : 0;
    struct lh_tuple_key k = key(0x1000 + 64 * (uintptr_t)i, 0x400000, 0);
    struct lh_tuple_value v = value(i);
    cr_assert(lh_tuple_cache_put_pruning(&c, &k, &v, keep_recent_or_even));
  }
  /* 200 kept ones, the last 100 and what came since the last rebuild (at most half the
   * capacity): without pruning the table would hold 200,000 */
  cr_expect_leq(c.n, 2048, "%u entries", c.n);
  cr_expect_leq(c.cap, 4096, "capacity %u", c.cap);
  for (uint32_t i = 0; i < 200000; i += 1000) {
    struct lh_tuple_key k = key(0x1000 + 64 * (uintptr_t)i, 0x400000, 0);
    struct lh_tuple_slot *s = lh_tuple_cache_get(&c, &k);
    cr_assert_not_null(s, "kept entry %u lost", i);
    cr_assert_eq(s->value.stack, i);
  }
  struct lh_tuple_key last = key(0x1000 + 64 * (uintptr_t)199999, 0x400000, 0);
  cr_expect_not_null(lh_tuple_cache_get(&c, &last));
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, a_lock_taken_under_ten_thousand_held_sets_keeps_them_all) {
  struct lh_tuple_cache c = {0};
  for (uint32_t i = 0; i < 10000; i++) {
    struct lh_tuple_key k = key(0x7000, 0x400000, 0x1000 + i);
    struct lh_tuple_value v = value(i);
    cr_assert(lh_tuple_cache_put(&c, &k, &v));
  }
  cr_expect_gt(c.far ? c.far->n : 0, 0, "its window overflows into the far table");
  for (uint32_t i = 0; i < 10000; i++) {
    struct lh_tuple_key k = key(0x7000, 0x400000, 0x1000 + i);
    struct lh_tuple_slot *s = lh_tuple_cache_get(&c, &k);
    cr_assert_not_null(s, "variant %u lost", i);
    cr_assert_eq(s->value.stack, i);
  }
  struct lh_tuple_key other = key(0x7000, 0x400000, 0x99999999);
  cr_expect_null(lh_tuple_cache_get(&c, &other));
  lh_tuple_cache_clear(&c);
}

/* A far look-up that misses stops at the first slot of a larger hash (tuple_cache.c, probe_far):
 * among 20,000 far tuples, the 20,000 interleaved with them that were never put are all absent,
 * and every one that was put is found. */
Test(tuple_cache, a_far_table_tells_the_tuples_it_has_from_those_it_lacks) {
  struct lh_tuple_cache c = {0};
  for (uint32_t i = 0; i < 40000; i += 2) {
    struct lh_tuple_key k = key(0x7000, 0x400000, 0x1000 + i);
    struct lh_tuple_value v = value(i);
    cr_assert(lh_tuple_cache_put(&c, &k, &v));
  }
  cr_assert_not_null(c.far);
  for (uint32_t i = 0; i < 40000; i++) {
    struct lh_tuple_key k = key(0x7000, 0x400000, 0x1000 + i);
    struct lh_tuple_slot *s = lh_tuple_cache_get(&c, &k);
    if (i % 2) {
      cr_assert_null(s, "tuple %u was never put", i);
    } else {
      cr_assert_not_null(s, "tuple %u lost", i);
      cr_assert_eq(s->value.stack, i);
    }
  }
  lh_tuple_cache_clear(&c);
}

/* Resident bytes of [p, p + bytes), from the kernel (mincore): what a table really costs. */
static size_t resident_bytes(const void *p, size_t bytes) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  uintptr_t first = (uintptr_t)p & ~(page - 1), end = (uintptr_t)p + bytes;
  size_t pages = (end - first + page - 1) / page, n = 0;
  unsigned char *v = malloc(pages);
  cr_assert_not_null(v);
  cr_assert_eq(mincore((void *)first, end - first, v), 0);
  for (size_t i = 0; i < pages; i++) n += v[i] & 1;
  free(v);
  return n * page;
}

static bool keep_not_stack_9(const struct lh_tuple_slot *s) { return s->value.stack != 9; }

Test(tuple_cache, far_tuples_cost_a_twelve_byte_slot_at_seven_tenths_load_or_more) {
  /* memcached's workers: an LRU lock under each of 60,000 held sets, from one call stack. A table
   * of whole slots at half load had 8 MiB resident for them (128 to 256 bytes a tuple), a dense
   * array of slots 32 bytes a tuple; a far slot is the key and the position of the one
   * (address, value) record they share, at least 70% full (it grows by a quarter at seven
   * eighths: at half load, memcached's three far tables took 0.7 MB more). */
  struct lh_tuple_cache c = {0};
  const uint32_t tuples = 60000;
  for (uint32_t i = 0; i < tuples; i++) {
    struct lh_tuple_key k = key(0x7000, 0x400000, 0x1000 + i);
    struct lh_tuple_value v = value(3);
    cr_assert(lh_tuple_cache_put(&c, &k, &v));
  }
  cr_assert_not_null(c.far);
  struct lh_tuple_far *f = c.far;
  cr_expect_geq(f->n, tuples - LH_TUPLE_NEAR_PROBES);
  cr_expect_eq(f->nvalues, 1, "one record for them all, not %u", f->nvalues);
  cr_expect_eq(sizeof(struct lh_tuple_far_slot), 12);
  size_t slots = resident_bytes(f->slots, (size_t)f->alloc * sizeof *f->slots);
  cr_expect_leq(slots, (size_t)f->n * 10 / 7 * sizeof *f->slots + 2 * 4096,
                "%zu bytes resident for %u far tuples (%u homes)", slots, f->n, f->cap);
  for (uint32_t i = 0; i < tuples; i++) {
    struct lh_tuple_key k = key(0x7000, 0x400000, 0x1000 + i);
    struct lh_tuple_slot *s = lh_tuple_cache_get(&c, &k);
    cr_assert_not_null(s, "variant %u lost", i);
    cr_assert_eq(s->addr, 0x7000);
    cr_assert_eq(s->value.stack, 3);
  }
  lh_tuple_cache_clear(&c);
}

/* What growing and compacting in place rely on, and a look-up too: each far slot at or after its
 * home, no free slot between (a probe would stop there), in the order of the hashes, the last
 * slot free. */
static void expect_far_order(const struct lh_tuple_far *f) {
  uint64_t last = 0;
  uint32_t used = 0;
  for (uint32_t i = 0; i < f->alloc; i++) {
    const struct lh_tuple_far_slot *s = &f->slots[i];
    if (!s->record) continue;
    uint64_t h = lh_tuple_far_hash((uint64_t)s->key_hi << 32 | s->key_lo);
    uint32_t home = (uint32_t)(((h >> 32) * (uint64_t)f->cap) >> 32);
    cr_assert_leq(home, i, "slot %u before its home %u", i, home);
    for (uint32_t j = home; j < i; j++) cr_assert_neq(f->slots[j].record, 0, "a hole at %u", j);
    cr_assert(used == 0 || h >= last, "slot %u out of order", i);
    last = h;
    used++;
  }
  cr_expect_eq(used, f->n);
  cr_expect_eq(f->slots[f->alloc - 1].record, 0, "the last slot taken");
}

Test(tuple_cache, far_slots_keep_their_order_as_the_table_grows_and_is_compacted) {
  struct lh_tuple_cache c = {0};
  for (uint32_t i = 0; i < 20000; i++) { /* four locks, many held sets: it grows many times */
    struct lh_tuple_key k = key(0x7000 + 64 * (uintptr_t)(i % 4), 0x400000, 0x1000 + i);
    struct lh_tuple_value v = value(i % 4 == 3 ? 9 : 2);
    cr_assert(lh_tuple_cache_put(&c, &k, &v));
    if (i % 1999 == 1998) expect_far_order(c.far);
  }
  expect_far_order(c.far);
  uint32_t cap = c.cap;
  for (uint32_t i = 0; c.cap == cap || i < cap; i++) { /* a rebuild drops the fourth lock's */
    struct lh_tuple_key k = key(0x100000 + 64 * (uintptr_t)i, 0x400000, 0);
    struct lh_tuple_value v = value(4);
    cr_assert(lh_tuple_cache_put_pruning(&c, &k, &v, keep_not_stack_9));
  }
  expect_far_order(c.far);
  for (uint32_t i = 0; i < 20000; i++) {
    struct lh_tuple_key k = key(0x7000 + 64 * (uintptr_t)(i % 4), 0x400000, 0x1000 + i);
    struct lh_tuple_slot *s = lh_tuple_cache_get(&c, &k);
    if (i % 4 == 3)
      cr_assert_null(s, "rejected tuple %u still there", i);
    else
      cr_assert(s && s->value.stack == 2, "tuple %u lost", i);
  }
  lh_tuple_cache_clear(&c);
}

/* Keys of one lock under held sets 0x1000 + i, enough of them that most are far. */
static void put_far_tuples(struct lh_tuple_cache *c, uint32_t n, uint32_t stack) {
  for (uint32_t i = 0; i < n; i++) {
    struct lh_tuple_key k = key(0x7000, 0x400000, 0x1000 + i);
    struct lh_tuple_value v = value(stack);
    cr_assert(lh_tuple_cache_put(c, &k, &v));
  }
}

Test(tuple_cache, a_far_tuple_given_a_new_value_leaves_the_others_of_its_record_alone) {
  struct lh_tuple_cache c = {0};
  put_far_tuples(&c, 100, 7);
  struct lh_tuple_key last = key(0x7000, 0x400000, 0x1000 + 99);
  cr_assert_eq(lh_tuple_cache_get(&c, &last)->value.stack, 7);
  struct lh_tuple_value v = value(8);
  lh_tuple_cache_put(&c, &last, &v);
  cr_expect_eq(lh_tuple_cache_get(&c, &last)->value.stack, 8);
  struct lh_tuple_key before = key(0x7000, 0x400000, 0x1000 + 98);
  cr_expect_eq(lh_tuple_cache_get(&c, &before)->value.stack, 7);
  cr_expect_eq(c.n, 100);
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, far_tuples_of_two_locks_with_equal_values_stay_apart) {
  /* Same held sets, site and value; only the address differs: the records tell them apart. */
  struct lh_tuple_cache c = {0};
  put_far_tuples(&c, 50, 7);
  struct lh_tuple_key other = key(0x8000, 0x400000, 0x1000 + 40);
  cr_expect_null(lh_tuple_cache_get(&c, &other));
  struct lh_tuple_value v = value(7);
  lh_tuple_cache_put(&c, &other, &v);
  cr_expect_eq(lh_tuple_cache_get(&c, &other)->addr, 0x8000);
  struct lh_tuple_key mine = key(0x7000, 0x400000, 0x1000 + 40);
  cr_expect_eq(lh_tuple_cache_get(&c, &mine)->addr, 0x7000);
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, rebuilding_drops_the_far_tuples_whose_record_keep_rejects) {
  struct lh_tuple_cache c = {0};
  put_far_tuples(&c, 20, 9); /* a lock destroyed since, say */
  for (uint32_t i = 0; i < 20; i++) {
    struct lh_tuple_key k = key(0x9000, 0x400000, 0x1000 + i);
    struct lh_tuple_value v = value(4);
    cr_assert(lh_tuple_cache_put(&c, &k, &v));
  }
  uint32_t cap = c.cap;
  /* new locks, enough that the table is rebuilt (at half load) */
  for (uint32_t i = 0; i < cap; i++) {
    struct lh_tuple_key k = key(0x100000 + 64 * (uintptr_t)i, 0x400000, 0);
    struct lh_tuple_value v = value(4);
    cr_assert(lh_tuple_cache_put_pruning(&c, &k, &v, keep_not_stack_9));
  }
  for (uint32_t i = 0; i < 20; i++) {
    struct lh_tuple_key gone = key(0x7000, 0x400000, 0x1000 + i),
                        kept = key(0x9000, 0x400000, 0x1000 + i);
    cr_expect_null(lh_tuple_cache_get(&c, &gone), "rejected tuple %u still there", i);
    cr_assert_not_null(lh_tuple_cache_get(&c, &kept), "kept tuple %u lost", i);
    cr_expect_eq(lh_tuple_cache_get(&c, &kept)->value.stack, 4);
  }
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, neighbouring_locks_have_neighbouring_slots) {
  /* 100 mutexes of 40 bytes in a row: their tuples lie within 256 slots of each other, so that
   * walking the array walks the table in order (the reason for the near table). */
  struct lh_tuple_cache c = {0};
  for (uint32_t i = 0; i < 100000; i++) {
    struct lh_tuple_key k = key(0x10000000 + 40 * (uintptr_t)i, 0x400000, 0);
    struct lh_tuple_value v = value(i);
    cr_assert(lh_tuple_cache_put(&c, &k, &v));
  }
  for (uint32_t i = 0; i + 1 < 100; i++) {
    struct lh_tuple_key a = key(0x10000000 + 40 * (uintptr_t)i, 0x400000, 0),
                        b = key(0x10000000 + 40 * (uintptr_t)(i + 1), 0x400000, 0);
    struct lh_tuple_slot *sa = lh_tuple_cache_get(&c, &a), *sb = lh_tuple_cache_get(&c, &b);
    cr_assert(sa && sb);
    long d = (long)(sb - sa);
    if (sa >= c.slots && sa < c.slots + c.cap && sb >= c.slots && sb < c.slots + c.cap &&
        (0x10000000 + 40 * (i + 1)) / 4096 == (0x10000000 + 40 * i) / 4096)
      cr_assert(d > 0 && d <= 8, "slots %ld apart", d);
  }
  lh_tuple_cache_clear(&c);
}

/* glibc raises its mmap threshold to the size of any mmapped chunk that free() gives back: were
 * the cache's tables from malloc, a table that grew past 128 KiB and was replaced would make the
 * program's later big allocations come from the heap (memcached's 1 MiB slab pages went into
 * arenas: +19 MB resident). Its tables must leave the program's allocator as it was: no chunk of
 * malloc's own mappings (mallinfo2's hblks) is taken for them while the cache grows, nor given back
 * when it is cleared - the one way the threshold moves. (Asking whether a later 1 MiB malloc gets a
 * mapping of its own depends on how big the heap's top happens to be: flaky in CI.) Checked in a
 * fresh process (this test binary run again with LH_TABLE_PROBE set: the constructor below runs
 * the scenario and exits before Criterion starts), since Criterion's own buffers have moved the
 * threshold of this one already. */
__attribute__((constructor)) static void table_probe(void) {
  if (!getenv("LH_TABLE_PROBE")) return;
  struct lh_tuple_cache c = {0};
  struct lh_tuple_value v = value(1);
  size_t before = mallinfo2().hblks;
  for (uint32_t i = 0; i < 200000; i++) {
    struct lh_tuple_key k = key(0x100000 + (uintptr_t)i * 64, 0x400000, i % 7);
    if (!lh_tuple_cache_put(&c, &k, &v)) _exit(2);
  }
  size_t grown = mallinfo2().hblks;
  lh_tuple_cache_clear(&c);
  size_t cleared = mallinfo2().hblks;
  if (grown != before || cleared != before)
    fprintf(stderr, "malloc's mapped chunks: %zu before, %zu grown, %zu cleared\n", before, grown,
            cleared);
  _exit(grown == before && cleared == before ? 0 : 3);
}

Test(tuple_cache, growing_and_clearing_big_tables_leaves_the_programs_malloc_as_it_was) {
  char *argv[] = {"test_tuple_cache", NULL}, *envp[] = {"LH_TABLE_PROBE=1", NULL};
  pid_t pid;
  cr_assert_eq(posix_spawn(&pid, "/proc/self/exe", NULL, NULL, argv, envp), 0);
  int status;
  cr_assert_eq(waitpid(pid, &status, 0), pid);
  cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
            "exit %d: 3 = the cache took its tables from malloc's mappings", WEXITSTATUS(status));
}

Test(tuple_cache, a_rebuild_compacts_the_far_table_where_it_is) {
  /* Two far tables at once (the one being read and the new one) made memcached's peak 1.2 MB
   * higher for each worker that rebuilt. */
  struct lh_tuple_cache c = {0};
  put_far_tuples(&c, 1000, 5);
  const struct lh_tuple_far *f = c.far;
  const struct lh_tuple_far_slot *slots = f->slots;
  uint32_t far_n = f->n, cap = c.cap;
  for (uint32_t i = 0; c.cap == cap; i++) { /* other locks, each in its own window */
    struct lh_tuple_key k = key(0x100000 + 64 * (uintptr_t)i, 0x400000, 0);
    struct lh_tuple_value v = value(6);
    cr_assert(lh_tuple_cache_put(&c, &k, &v));
  }
  cr_expect_eq(c.far, f, "the same far table");
  cr_expect_eq(c.far->slots, slots, "its slots where they were");
  cr_expect_leq(c.far->n, far_n, "no tuple added to it");
  for (uint32_t i = 0; i < 1000; i++) {
    struct lh_tuple_key k = key(0x7000, 0x400000, 0x1000 + i);
    struct lh_tuple_slot *s = lh_tuple_cache_get(&c, &k);
    cr_assert_not_null(s, "tuple %u lost", i);
    cr_assert_eq(s->value.stack, 5);
  }
  lh_tuple_cache_clear(&c);
}

/* The near window's slot of (addr, key), or NULL when only the far table has it. */
static struct lh_tuple_slot *near_slot(const struct lh_tuple_cache *c, struct lh_tuple_key k) {
  struct lh_tuple_slot *s =
      lh_tuple_cache_find_near(c, k.addr, lh_tuple_fp(k.held_hash, k.pc, k.meta));
  return s == LH_TUPLE_FAR_NEXT ? NULL : s;
}

static uint64_t fp_of(struct lh_tuple_key k) { return lh_tuple_fp(k.held_hash, k.pc, k.meta); }

/* 100 tuples of one lock (held sets 0x1000 + i, value stack i): 8 near, the rest far. */
static void put_numbered_tuples(struct lh_tuple_cache *c) {
  for (uint32_t i = 0; i < 100; i++) {
    struct lh_tuple_key k = key(0x7000, 0x400000, 0x1000 + i);
    struct lh_tuple_value v = value(i);
    cr_assert(lh_tuple_cache_put(c, &k, &v));
  }
}

static void expect_numbered_tuples(const struct lh_tuple_cache *c) {
  for (uint32_t i = 0; i < 100; i++) {
    struct lh_tuple_key k = key(0x7000, 0x400000, 0x1000 + i);
    struct lh_tuple_slot *s = lh_tuple_cache_get(c, &k);
    cr_assert(s && s->value.stack == i, "tuple %u lost", i);
  }
  struct lh_tuple_key never = key(0x7000, 0x400000, 0x1000 + 100);
  cr_expect_null(lh_tuple_cache_get(c, &never));
  cr_expect_eq(c->n, 100, "no tuple counted twice or lost");
}

Test(tuple_cache, a_promoted_far_tuple_is_found_in_its_window_and_the_one_it_displaced_far) {
  struct lh_tuple_cache c = {0};
  put_numbered_tuples(&c);
  struct lh_tuple_key hot = key(0x7000, 0x400000, 0x1000 + 99);
  cr_assert_null(near_slot(&c, hot), "the 100th tuple starts far");
  struct lh_tuple_slot *s = lh_tuple_cache_promote(&c, hot.addr, fp_of(hot));
  cr_assert_not_null(s);
  cr_expect_eq(near_slot(&c, hot), s);
  cr_expect_eq(s->value.stack, 99);
  uint32_t near = 0;
  for (uint32_t i = 0; i < 99; i++) near += near_slot(&c, key(0x7000, 0x400000, 0x1000 + i)) != 0;
  cr_expect_eq(near, 7, "one of the eight near tuples went far");
  expect_numbered_tuples(&c);
  expect_far_order(c.far);
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, promoting_every_far_tuple_in_turn_loses_none_and_keeps_the_far_order) {
  struct lh_tuple_cache c = {0};
  put_numbered_tuples(&c);
  for (uint32_t round = 0; round < 3; round++)
    for (uint32_t i = 0; i < 100; i++) {
      struct lh_tuple_key k = key(0x7000, 0x400000, 0x1000 + i);
      c.far->hits += LH_TUPLE_PROMOTE_EVERY; /* turns the victim's place, as far hits do */
      if (!near_slot(&c, k)) cr_assert_not_null(lh_tuple_cache_promote(&c, k.addr, fp_of(k)));
      cr_assert_not_null(near_slot(&c, k), "tuple %u not near after its promotion", i);
    }
  expect_numbered_tuples(&c);
  expect_far_order(c.far);
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, a_near_tuple_or_a_new_one_is_not_promoted) {
  struct lh_tuple_cache c = {0};
  put_numbered_tuples(&c);
  struct lh_tuple_key first = key(0x7000, 0x400000, 0x1000);
  cr_assert_not_null(near_slot(&c, first));
  cr_expect_null(lh_tuple_cache_promote(&c, first.addr, fp_of(first)));
  struct lh_tuple_key never = key(0x7000, 0x400000, 0x1000 + 100);
  cr_expect_null(lh_tuple_cache_promote(&c, never.addr, fp_of(never)));
  expect_numbered_tuples(&c);
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, a_promotion_leaves_no_free_slot_so_a_later_new_tuple_is_still_seen_as_new) {
  /* Neighbours fill the window of 0x7000: a promotion must not free a slot of it, or a tuple of
   * 0x7000 put far later would be taken for absent. */
  struct lh_tuple_cache c = {0};
  put_numbered_tuples(&c);
  for (uint32_t i = 1; i <= 8; i++) {
    struct lh_tuple_key k = key(0x7000 + 16 * (uintptr_t)i, 0x400000, 0);
    struct lh_tuple_value v = value(1000 + i);
    cr_assert(lh_tuple_cache_put(&c, &k, &v));
  }
  for (uint32_t i = 8; i < 100; i += 7) {
    struct lh_tuple_key k = key(0x7000, 0x400000, 0x1000 + i);
    c.far->hits += LH_TUPLE_PROMOTE_EVERY;
    cr_assert_not_null(lh_tuple_cache_promote(&c, k.addr, fp_of(k)));
  }
  struct lh_tuple_key late = key(0x7000, 0x400000, 0x5000);
  struct lh_tuple_value v = value(5000);
  cr_assert(lh_tuple_cache_put(&c, &late, &v));
  struct lh_tuple_slot *s = lh_tuple_cache_get(&c, &late);
  cr_expect(s && s->value.stack == 5000);
  for (uint32_t i = 1; i <= 8; i++) {
    struct lh_tuple_key k = key(0x7000 + 16 * (uintptr_t)i, 0x400000, 0);
    s = lh_tuple_cache_get(&c, &k);
    cr_expect(s && s->value.stack == 1000 + i, "neighbour %u lost", i);
  }
  lh_tuple_cache_clear(&c);
}

/* The slot of (addr, held) when it is among the first slots of its window, where the lock fast
 * path looks first; else NULL. */
static struct lh_tuple_slot *fast_slot(const struct lh_tuple_cache *c, uintptr_t addr,
                                       uint64_t held) {
  struct lh_tuple_slot *s =
      lh_tuple_cache_probe(c, addr, fp_of(key(addr, 0x400000, held)), 0, LH_TUPLE_FAST_PROBES);
  return s == LH_TUPLE_FAR_NEXT ? NULL : s;
}

static void put_tuple(struct lh_tuple_cache *c, uintptr_t addr, uint64_t held, uint32_t stack) {
  struct lh_tuple_key k = key(addr, 0x400000, held);
  struct lh_tuple_value v = value(stack);
  cr_assert(lh_tuple_cache_put(c, &k, &v));
}

static void expect_tuple(const struct lh_tuple_cache *c, uintptr_t addr, uint64_t held,
                         uint32_t stack) {
  struct lh_tuple_key k = key(addr, 0x400000, held);
  struct lh_tuple_slot *s = lh_tuple_cache_get(c, &k);
  cr_expect(s && s->value.stack == stack, "tuple (%#lx, %lu) lost", (unsigned long)addr,
            (unsigned long)held);
}

Test(tuple_cache, a_deep_tuple_is_found_by_the_fast_look_up_and_sent_to_move_at_one_hit_in_16) {
  struct lh_tuple_cache c = {0};
  for (uint32_t i = 0; i < 8; i++) put_tuple(&c, 0x7000, i, i);
  uint64_t fp = fp_of(key(0x7000, 0x400000, 6));
  uint32_t found = 0, sent = 0;
  for (uint32_t i = 0; i < 2 * LH_TUPLE_MOVE_EVERY; i++) {
    struct lh_tuple_slot *s = lh_tuple_cache_find_fast(&c, 0x7000, fp);
    if (s == LH_TUPLE_FAR_NEXT)
      sent++;
    else if (s && s->value.stack == 6)
      found++;
  }
  cr_expect_eq(sent, 2, "%u of %u hits sent out of line", sent, 2 * LH_TUPLE_MOVE_EVERY);
  cr_expect_eq(found, 2 * LH_TUPLE_MOVE_EVERY - 2);
  cr_expect_eq(lh_tuple_cache_find_fast(&c, 0x7000, fp_of(key(0x7000, 0x400000, 99))),
               LH_TUPLE_FAR_NEXT, "a tuple absent from a full window may be far");
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, a_tuple_deep_in_its_window_moves_to_where_the_fast_look_up_finds_it) {
  struct lh_tuple_cache c = {0};
  uint32_t turn = 0;
  for (uint32_t i = 0; i < 8; i++) put_tuple(&c, 0x7000, i, i);
  cr_assert_null(fast_slot(&c, 0x7000, 6), "the seventh tuple is beyond the fast slots");
  struct lh_tuple_slot *s =
      lh_tuple_cache_find_deep(&c, 0x7000, fp_of(key(0x7000, 0x400000, 6)), &turn);
  cr_assert(s && s != LH_TUPLE_FAR_NEXT && s->value.stack == 6);
  cr_expect_eq(fast_slot(&c, 0x7000, 6), s);
  for (uint32_t i = 0; i < 8; i++) expect_tuple(&c, 0x7000, i, i);
  cr_expect_eq(c.n, 8);
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, a_deep_look_up_tells_a_new_tuple_and_a_full_window_apart) {
  struct lh_tuple_cache c = {0};
  uint32_t turn = 0;
  for (uint32_t i = 0; i < 6; i++) put_tuple(&c, 0x7000, i, i);
  cr_expect_null(lh_tuple_cache_find_deep(&c, 0x7000, fp_of(key(0x7000, 0x400000, 99)), &turn));
  for (uint32_t i = 6; i < 12; i++) put_tuple(&c, 0x7000, i, i);
  cr_expect_eq(lh_tuple_cache_find_deep(&c, 0x7000, fp_of(key(0x7000, 0x400000, 99)), &turn),
               LH_TUPLE_FAR_NEXT);
  cr_expect_eq(lh_tuple_cache_find_deep(&c, 0x7000, fp_of(key(0x7000, 0x400000, 10)), &turn),
               LH_TUPLE_FAR_NEXT, "a far tuple is the far table's to find");
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, a_neighbours_tuple_is_never_moved_out_of_its_own_window) {
  /* The neighbour's window starts five slots before this lock's: its tuples fill the first three
   * fast slots of this lock's window, and none of them may move seven slots further, whichever
   * slot is tried first. */
  for (uint32_t first_tried = 0; first_tried < LH_TUPLE_FAST_PROBES; first_tried++) {
    struct lh_tuple_cache c = {0};
    for (uint32_t i = 0; i < 8; i++) put_tuple(&c, 0x7000, i, 100 + i);
    for (uint32_t i = 0; i < 5; i++) put_tuple(&c, 0x7050, i, i);
    uint32_t turn = first_tried;
    struct lh_tuple_slot *s =
        lh_tuple_cache_find_deep(&c, 0x7050, fp_of(key(0x7050, 0x400000, 4)), &turn);
    cr_assert(s && s != LH_TUPLE_FAR_NEXT && s->value.stack == 4);
    cr_expect_not_null(fast_slot(&c, 0x7050, 4));
    for (uint32_t i = 0; i < 8; i++) {
      struct lh_tuple_slot *n =
          lh_tuple_cache_find_near(&c, 0x7000, fp_of(key(0x7000, 0x400000, i)));
      cr_expect(n && n != LH_TUPLE_FAR_NEXT && n->value.stack == 100 + i,
                "the neighbour's tuple %u left its window (first tried: %u)", i, first_tried);
    }
    for (uint32_t i = 0; i < 5; i++) expect_tuple(&c, 0x7050, i, i);
    lh_tuple_cache_clear(&c);
  }
}

Test(tuple_cache, four_hot_tuples_of_a_crowded_window_settle_in_its_fast_slots) {
  struct lh_tuple_cache c = {0};
  for (uint32_t i = 0; i < 8; i++) put_tuple(&c, 0x7000, i, i);
  uint32_t turn = 0, out_of_line = 0;
  for (uint32_t round = 0; round < 100; round++)
    for (uint32_t hot = 4; hot < 8; hot++) {
      if (fast_slot(&c, 0x7000, hot)) continue;
      out_of_line++;
      lh_tuple_cache_find_deep(&c, 0x7000, fp_of(key(0x7000, 0x400000, hot)), &turn);
    }
  for (uint32_t hot = 4; hot < 8; hot++)
    cr_expect_not_null(fast_slot(&c, 0x7000, hot), "hot tuple %u still deep", hot);
  cr_expect_lt(out_of_line, 40, "they settled (%u look-ups out of line)", out_of_line);
  for (uint32_t i = 0; i < 8; i++) expect_tuple(&c, 0x7000, i, i);
  lh_tuple_cache_clear(&c);
}

/* How many of n far hits on the tuples `held` chooses (held sets 0x1000 + i) ask for a
 * promotion. */
static uint32_t promotions_asked(struct lh_tuple_cache *c, uint32_t n, uint64_t (*held)(uint32_t)) {
  uint32_t asked = 0;
  for (uint32_t i = 0; i < n; i++)
    asked += lh_tuple_far_hit(c, 0x7000, fp_of(key(0x7000, 0x400000, 0x1000 + held(i))));
  return asked;
}

static uint64_t always_the_same(uint32_t i) { return 50 + 0 * i; }
static uint64_t ninety_in_turn(uint32_t i) { return 8 + i % 90; }
static uint64_t one_in_two_the_same(uint32_t i) { return i % 2 ? 50 : 8 + i % 90; }

Test(tuple_cache, a_far_tuple_sampled_twice_in_a_row_asks_for_its_promotion) {
  struct lh_tuple_cache c = {0};
  put_numbered_tuples(&c);
  cr_expect_eq(promotions_asked(&c, 2 * LH_TUPLE_PROMOTE_EVERY, always_the_same), 1);
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, far_tuples_hit_in_turn_ask_for_no_promotion) {
  /* memcached's LRU lock under each of its item locks: every far tuple hit once in a while. */
  struct lh_tuple_cache c = {0};
  put_numbered_tuples(&c);
  cr_expect_eq(promotions_asked(&c, 90 * LH_TUPLE_PROMOTE_EVERY, ninety_in_turn), 0);
  lh_tuple_cache_clear(&c);
}

Test(tuple_cache, a_far_tuple_that_takes_half_the_far_hits_soon_asks_for_its_promotion) {
  /* sqlite3's memory mutex: half of the far hits, the rest spread. */
  struct lh_tuple_cache c = {0};
  put_numbered_tuples(&c);
  cr_expect_gt(promotions_asked(&c, 64 * LH_TUPLE_PROMOTE_EVERY + 1, one_in_two_the_same), 0);
  lh_tuple_cache_clear(&c);
}

/* A table scanned whole (a rebuild) can skip the pages it never wrote. */
Test(tuple_cache, a_mapped_table_tells_its_written_pages_from_the_others) {
  size_t count = (4u << 20) / 32;
  char *t = lh_table_alloc(count, 32);
  cr_assert_not_null(t);
  t[3 * 4096 + 8] = 1;
  unsigned char *resident = lh_table_resident_pages(t, count, 32);
  cr_assert_not_null(resident);
  cr_expect(lh_table_page_resident(resident, 3 * 4096 + 100));
  cr_expect_not(lh_table_page_resident(resident, 10 * 4096));
  free(resident);
  lh_table_free(t, count, 32);
}
