/* test_race_engine.c - the race detector's engines, without threads: shadow memory, locksets,
 * vector and sync clocks, the stack trie (interpose/race_*.c, linked from lh_interpose_core). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "race/race_clocks.h"
#include "race/race_contexts.h"
#include "race/race_locksets.h"
#include "race/race_shadow.h"
#include "race/race_stacks.h"
#include "race/race_thread.h"
#include "registry/held_locks.h"

static struct lh_race_granule *granule_of(const void *p) {
  return lh_shadow_granule_slow((uintptr_t)p);
}

/* A store into cell i as the detector makes it: a page of plane 1 is marked written first. */
static void store_cell(const void *p, int i, uint64_t v) {
  struct lh_race_granule *g = granule_of(p);
  if (i > 0) lh_plane1_mark(g);
  *lh_granule_cell(g, i) = v;
}

Test(race_shadow, a_granule_starts_empty_and_keeps_what_is_written) {
  static long var;
  struct lh_race_granule *g = granule_of(&var);
  cr_assert_not_null(g);
  cr_assert_eq(*lh_granule_cell(g, 0), 0);
  cr_assert_eq(*lh_granule_cell(g, 1), 0);
  *lh_granule_cell(g, 1) = lh_cell_make(7, 3, 4, 4, 1);
  cr_assert_eq(*lh_granule_cell(granule_of(&var), 1), *lh_granule_cell(g, 1));
  cr_assert_eq(*lh_granule_cell(g, 0), 0);
}

Test(race_shadow, a_cell_packs_bytes_kind_slot_epoch_and_context) {
  uint64_t c = lh_cell_make(LH_CELL_MAX_EPOCH, LH_CELL_MAX_SLOT, 6, 2, 3) | LH_CELL_LOCKLESS |
               (uint64_t)5 << LH_CELL_CTX_SHIFT;
  cr_assert_eq(lh_cell_epoch(c), LH_CELL_MAX_EPOCH);
  cr_assert_eq(lh_cell_slot(c), LH_CELL_MAX_SLOT);
  cr_assert_eq(lh_cell_mask(c), 0xc0);
  cr_assert_eq(lh_cell_off(c), 6);
  cr_assert_eq(lh_cell_len(c), 2);
  cr_assert_eq(lh_cell_ctx(c), 5);
  cr_assert(c & LH_CELL_WRITE);
  cr_assert(c & LH_CELL_ATOMIC);
}

Test(race_contexts, a_thread_numbers_its_lockset_and_stack_pairs_once) {
  uint32_t a = lh_ctx_intern(7, 3, 100, 0), b = lh_ctx_intern(7, 3, 100, 0),
           c = lh_ctx_intern(7, 0, 100, 0);
  cr_assert_neq(a, 0);
  cr_assert_eq(a, b);
  cr_assert_neq(a, c);
  struct lh_race_ctx x;
  cr_assert(lh_ctx_get(7, c, &x));
  cr_assert_eq(x.lsid, 0);
  cr_assert_eq(x.stack, 100);
}

Test(race_contexts, a_free_or_a_use_of_a_lock_is_a_context_of_its_own) {
  uint32_t plain = lh_ctx_intern(9, 0, 200, 0), freed = lh_ctx_intern(9, 0, 200, 1);
  cr_assert_neq(plain, freed);
  struct lh_race_ctx x;
  cr_assert(lh_ctx_get(9, freed, &x));
  cr_assert_eq(x.op, 1);
  cr_assert(lh_ctx_get(9, plain, &x));
  cr_assert_eq(x.op, 0);
}

Test(race_contexts, an_unknown_context_is_said_to_be_unknown) {
  struct lh_race_ctx x;
  cr_assert_not(lh_ctx_get(8, 1, &x));
  cr_assert_not(lh_ctx_get(7, 0, &x));
}

Test(race_shadow, neighbouring_granules_have_their_own_shadow) {
  static long two[2];
  cr_assert_neq(granule_of(&two[0]), granule_of(&two[1]));
}

Test(race_shadow, forgetting_a_block_clears_its_granules_and_no_others) {
  static long block[1024], after;
  for (int i = 0; i < 1024; i++) (*lh_granule_cell(granule_of(&block[i]), 0)) = 1;
  (*lh_granule_cell(granule_of(&after), 0)) = 1;
  lh_shadow_forget((uintptr_t)block, sizeof block);
  for (int i = 0; i < 1024; i++)
    cr_assert_eq((*lh_granule_cell(granule_of(&block[i]), 0)), 0, "granule %d", i);
  cr_assert_eq((*lh_granule_cell(granule_of(&after), 0)), 1);
}

Test(race_shadow, forgetting_whole_chunks_reads_back_as_empty) {
  size_t n = (size_t)4 << 16;
  char *p = aligned_alloc(1 << 16, n);
  cr_assert_not_null(p);
  for (size_t i = 0; i < n; i += 8) store_cell(p + i, 1, 9);
  lh_shadow_forget((uintptr_t)p, n);
  for (size_t i = 0; i < n; i += 4096) cr_assert_eq((*lh_granule_cell(granule_of(p + i), 1)), 0);
  free(p);
}

Test(race_shadow, an_extension_is_a_marker_no_access_matches_and_forgetting_gives_it_back) {
  static long shared;
  uint64_t m = lh_shadow_ext_new();
  cr_assert_neq(m, 0);
  cr_assert(lh_cell_is_ext(m));
  cr_assert_eq(lh_cell_mask(m), 0, "a marker has no bytes: no access conflicts with it");
  cr_assert_not(lh_cell_covers(m, lh_cell_make(1, 1, 0, 1, 0)));
  struct lh_race_ext *e = lh_shadow_ext(m);
  for (int i = 0; i < LH_SHADOW_EXT_CELLS; i++) cr_assert_eq(e->cell[i], 0);
  e->cell[3] = lh_cell_make(1, 2, 0, 8, 1);
  store_cell(&shared, LH_SHADOW_CELLS - 1, m);
  lh_shadow_forget((uintptr_t)&shared, sizeof shared);
  cr_assert_eq((*lh_granule_cell(granule_of(&shared), LH_SHADOW_CELLS - 1)), 0);
  uint64_t again = lh_shadow_ext_new();
  cr_assert_eq(again, m, "the extension of forgotten memory is used again");
  cr_assert_eq(lh_shadow_ext(again)->cell[3], 0, "and comes back empty");
  lh_shadow_ext_free(again);
}

Test(race_shadow, kernel_and_null_page_addresses_have_no_shadow) {
  cr_assert_null(lh_shadow_granule_slow(0x10));
  cr_assert_null(lh_shadow_granule_slow((uintptr_t)1 << 60));
}

Test(race_shadow, the_inline_look_up_finds_the_granules_the_slow_one_mapped) {
  /* The entry points look a chunk up in the table inline (race.h): entry + the granule's address.
   * It must name the very granules the slow path mapped, across a chunk boundary too. */
  size_t chunk = (size_t)1 << LH_SHADOW_CHUNK_BITS;
  char *p = aligned_alloc(chunk, 2 * chunk);
  cr_assert_not_null(p);
  cr_assert_null(lh_shadow_granule_fast((uintptr_t)p + chunk), "no shadow before the first need");
  for (size_t off = 0; off < 2 * chunk; off += chunk / 2 + 8) {
    struct lh_race_granule *g = granule_of(p + off);
    cr_assert_not_null(g);
    uintptr_t at = (uintptr_t)p + off;
    cr_assert_eq(lh_shadow_granule_fast(at + 5), g, "any byte of the granule");
    cr_assert_neq(lh_shadow_entry_reserved(at), 0);
    cr_assert_eq((struct lh_race_granule *)(lh_shadow_entry_reserved(at) + at), g);
  }
  cr_assert_neq((uintptr_t)granule_of(p + chunk) - (uintptr_t)granule_of(p + chunk - 8),
                sizeof(uint64_t), "the next chunk has a shadow of its own, after plane 1");
  lh_shadow_forget((uintptr_t)p, 2 * chunk);
  free(p);
}

static void hold(struct lh_held_set *h, uint32_t lock, uint8_t mode) {
  struct lh_held_entry e = {0};
  e.addr = 0x1000 + lock;
  e.lock = lock;
  e.mode = mode;
  e.count = 1;
  e.hash = ((uint64_t)lock << 1 | mode) * 0x9e3779b97f4a7c15ull; /* any mix: the set sums them */
  cr_assert(lh_held_push(h, &e));
}

static uint32_t lockset(int n, const uint32_t *locks, uint8_t mode) {
  struct lh_held_set h;
  lh_held_init(&h);
  for (int i = 0; i < n; i++) hold(&h, locks[i], mode);
  uint32_t id = lh_lockset_intern_held(&h);
  lh_held_free(&h);
  return id;
}

Test(race_locksets, no_locks_is_the_empty_set_zero) {
  cr_assert_eq(lockset(0, NULL, LH_MODE_WRITE), 0);
  cr_assert_null(lh_lockset_get(0));
}

Test(race_locksets, the_same_locks_in_any_order_are_one_set) {
  uint32_t ab[] = {10, 11}, ba[] = {11, 10};
  uint32_t x = lockset(2, ab, LH_MODE_WRITE), y = lockset(2, ba, LH_MODE_WRITE);
  cr_assert_neq(x, 0);
  cr_assert_eq(x, y);
  cr_assert_eq(lh_lockset_get(x)->n, 2);
}

Test(race_locksets, a_common_lock_protects) {
  uint32_t a[] = {20, 21}, b[] = {21, 22};
  cr_assert(lh_lockset_protects(lockset(2, a, LH_MODE_WRITE), lockset(2, b, LH_MODE_WRITE)));
}

Test(race_locksets, disjoint_locks_do_not_protect) {
  uint32_t a[] = {30}, b[] = {31};
  cr_assert_not(lh_lockset_protects(lockset(1, a, LH_MODE_WRITE), lockset(1, b, LH_MODE_WRITE)));
}

Test(race_locksets, no_lock_on_one_side_does_not_protect) {
  uint32_t a[] = {40};
  cr_assert_not(lh_lockset_protects(lockset(1, a, LH_MODE_WRITE), 0));
}

Test(race_locksets, two_read_locks_do_not_exclude_each_other) {
  uint32_t a[] = {50};
  uint32_t r = lockset(1, a, LH_MODE_READ);
  cr_assert_not(lh_lockset_protects(r, r));
}

Test(race_locksets, a_write_lock_against_a_read_lock_protects) {
  uint32_t a[] = {60};
  cr_assert(lh_lockset_protects(lockset(1, a, LH_MODE_WRITE), lockset(1, a, LH_MODE_READ)));
}

static struct lh_race_thread thread_at(uint32_t slot) {
  struct lh_race_thread r = {0};
  r.slot = slot;
  cr_assert(lh_vc_reserve(&r, slot + 1));
  r.vc[slot] = 1;
  return r;
}

Test(race_clocks, a_release_then_acquire_orders_the_releaser_before_the_acquirer) {
  struct lh_race_thread a = thread_at(1), b = thread_at(2);
  a.vc[1] = 5;
  a.dirty = true;
  lh_sync_release(&a, 0x5000, false);
  cr_assert_eq(a.vc[1], 6, "the releaser starts a new epoch");
  lh_sync_acquire(&b, 0x5000);
  cr_assert_eq(b.vc[1], 5);
}

Test(race_clocks, a_release_with_no_access_since_the_last_defers_the_new_epoch) {
  struct lh_race_thread a = thread_at(1);
  a.vc[1] = 5;
  lh_sync_release(&a, 0x5400, false);
  cr_assert_eq(a.vc[1], 5);
  cr_assert(a.pending, "the next stored access starts the new epoch");
}

Test(race_clocks, acquiring_an_address_nobody_released_orders_nothing) {
  struct lh_race_thread b = thread_at(2);
  lh_sync_acquire(&b, 0x5100);
  cr_assert_eq(b.vc_len >= 3, true);
  cr_assert_eq(b.vc[0], 0);
  cr_assert_eq(b.vc[1], 0);
}

Test(race_clocks, release_store_replaces_what_earlier_releasers_published) {
  struct lh_race_thread a = thread_at(1), c = thread_at(3), b = thread_at(2);
  a.vc[1] = 9;
  lh_sync_release(&a, 0x5200, false);
  lh_sync_release(&c, 0x5200, true);
  lh_sync_acquire(&b, 0x5200);
  cr_assert_eq(b.vc[1], 0);
  cr_assert_eq(b.vc[3], 1);
}

Test(race_clocks, a_plain_mutex_orders_nothing_until_it_becomes_a_monitor) {
  struct lh_race_thread a = thread_at(1), b = thread_at(2);
  a.vc[1] = 4;
  lh_sync_monitor_release(&a, 0x5300);
  lh_sync_monitor_acquire(&b, 0x5300);
  cr_assert_eq(b.vc[1], 0);
  lh_sync_mark_monitor(0x5300);
  lh_sync_monitor_release(&a, 0x5300);
  lh_sync_monitor_acquire(&b, 0x5300);
  cr_assert_eq(b.vc[1], 4);
}

Test(race_stacks, the_same_calls_give_the_same_stack_id) {
  struct lh_race_thread r = {0};
  lh_race_frames_grow(&r, 0x100);
  r.depth = 1;
  uint32_t x = lh_race_stack_here(&r, 0x200);
  uint32_t y = lh_race_stack_here(&r, 0x200);
  cr_assert_eq(x, y);
  cr_assert_neq(x, lh_race_stack_here(&r, 0x204));
}

Test(race_stacks, a_stack_reads_back_innermost_first) {
  struct lh_race_thread r = {0};
  lh_race_frames_grow(&r, 0x1000);
  r.depth = 1;
  r.frames[1].pc = 0x2000;
  r.frames[1].node = 0;
  r.depth = 2;
  uintptr_t pcs[8];
  uint32_t n = lh_race_stack_pcs(lh_race_stack_here(&r, 0x3000), pcs, 8);
  cr_assert_eq(n, 3);
  cr_assert_eq(pcs[0], 0x3000);
  cr_assert_eq(pcs[1], 0x2000);
  cr_assert_eq(pcs[2], 0x1000);
}

Test(race_stacks, a_frame_popped_and_pushed_again_gets_its_new_caller) {
  struct lh_race_thread r = {0};
  lh_race_frames_grow(&r, 0x1000);
  r.depth = 1;
  r.frames[1] = (struct lh_race_frame){0x2000, 0};
  r.depth = 2;
  uint32_t first = lh_race_stack_here(&r, 0x3000);
  r.frames[1] = (struct lh_race_frame){0x2100, 0}; /* func_exit then func_entry from elsewhere */
  uint32_t second = lh_race_stack_here(&r, 0x3000);
  cr_assert_neq(first, second);
  uintptr_t pcs[8];
  lh_race_stack_pcs(second, pcs, 8);
  cr_assert_eq(pcs[1], 0x2100);
}

Test(race_clocks, a_barrier_round_orders_only_what_came_before_that_round) {
  struct lh_race_thread a = thread_at(1), b = thread_at(2);
  uintptr_t bar = 0x6000;
  lh_sync_barrier_init(bar, 2);
  a.vc[1] = 3;
  a.dirty = true;
  uint64_t ra = lh_sync_barrier_arrive(&a, bar);
  uint64_t rb = lh_sync_barrier_arrive(&b, bar);
  cr_assert_eq(ra, 0);
  cr_assert_eq(rb, 0);
  a.vc[1] = 7; /* a goes on into round 1 before b has left round 0 */
  a.dirty = true;
  cr_assert_eq(lh_sync_barrier_arrive(&a, bar), 1);
  lh_sync_barrier_leave(&b, bar, rb);
  cr_assert_eq(b.vc[1], 3, "b sees a's round-0 work, not what a did after it");
}

Test(race_shadow, a_granules_cells_lie_a_plane_apart_so_an_unused_plane_is_never_backed) {
  static long var;
  struct lh_race_granule *g = granule_of(&var);
  cr_assert_not_null(g);
  uintptr_t c0 = (uintptr_t)lh_granule_cell(g, 0), c1 = (uintptr_t)lh_granule_cell(g, 1);
  cr_assert_eq(c1 - c0, LH_SHADOW_PLANE_CELLS * sizeof(uint64_t));
  cr_assert_eq((uintptr_t)lh_granule_cell(granule_of(&var + 1), 0) - c0, sizeof(uint64_t),
               "the next granule's cell 0 is the next word of plane 0");
}

Test(race_shadow, forgetting_a_whole_chunk_clears_every_plane) {
  size_t chunk = (size_t)1 << LH_SHADOW_CHUNK_BITS;
  char *p = aligned_alloc(chunk, 2 * chunk);
  cr_assert_not_null(p);
  for (size_t i = 0; i < 2 * chunk; i += 4096) {
    store_cell(p + i, 0, 5);
    store_cell(p + i, 1, 9);
  }
  lh_shadow_forget((uintptr_t)p, 2 * chunk);
  for (size_t i = 0; i < 2 * chunk; i += 4096) {
    cr_assert_eq(*lh_granule_cell(granule_of(p + i), 0), 0);
    cr_assert_eq(*lh_granule_cell(granule_of(p + i), 1), 0);
  }
  free(p);
}

Test(race_shadow, a_plane_1_page_never_written_reads_as_empty_and_is_not_touched) {
  /* Some kernels back a read of never-written anonymous memory with a page of its own: plane 1
   * must not even be read where nothing was stored (shadow_footprint grew by 3x the array
   * there). A fresh chunk: cell 1 of its first granule loads as 0 and its page stays unbacked. */
  size_t chunk = (size_t)1 << LH_SHADOW_CHUNK_BITS;
  char *p = aligned_alloc(chunk, chunk);
  cr_assert_not_null(p);
  struct lh_race_granule *g = granule_of(p);
  cr_assert_eq(lh_granule_load(g, 1, __ATOMIC_RELAXED), 0);
  unsigned char resident = 1;
  uintptr_t page = (uintptr_t)lh_granule_cell(g, 1) & ~(uintptr_t)4095;
  cr_assert_eq(mincore((void *)page, 4096, &resident), 0);
  cr_expect_eq(resident & 1, 0, "loading cell 1 read its page");
  store_cell(p, 1, 9);
  cr_assert_eq(lh_granule_load(g, 1, __ATOMIC_RELAXED), 9, "a marked page is read");
  cr_assert_eq(lh_granule_load(granule_of(p + 4096 * 8), 1, __ATOMIC_RELAXED), 0,
               "the next page of plane 1 is not marked by it");
  lh_shadow_forget((uintptr_t)p, chunk);
  free(p);
}
