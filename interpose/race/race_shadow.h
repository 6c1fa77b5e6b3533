/* race_shadow.h - shadow memory: what the race detector remembers about every 8 bytes.
 *
 * Each 8-byte granule of the program's memory has a shadow granule of LH_SHADOW_CELLS cells of
 * 8 bytes, each one remembered access (16 bytes: 2x the memory the program touches, as
 * ThreadSanitizer's). A cell says which bytes of the granule (a byte mask), how (write, atomic),
 * who (thread slot) and when (epoch), and what the thread was doing (its context id: lockset and
 * stack, race_contexts.h). Which access a new one replaces is decided in race_detector.c.
 *
 * Layout: a flat table indexed by address bits 46..21 (lh_shadow_table, below: one load finds a
 * chunk, where a two-level table took two loads and twice the instructions on every access);
 * each entry points to the shadow of 2 MiB of program memory, mapped on first use as two
 * *planes* of 2 MiB: plane i holds cell i of every granule of the chunk, so a granule's cells are
 * 2 MiB apart, not side by side. That is what keeps memory that only one thread uses at 1x
 * shadow, not 2x: such memory only ever fills cell 0 (a thread's later access replaces its own
 * earlier one, race_detector.c), so the pages of plane 1 are never written, never read
 * (lh_plane1_used, below) and never backed (memory_heavy: 3.0x native before, issue 11). Plane 0
 * alone is aligned to be one huge page (lh_shadow_prefer_huge_pages). Only what the program
 * touches is ever backed by pages. The table and chunks are installed with a compare-and-swap, so
 * the lookup takes no lock.
 *
 * Cells are two 64-bit words read and written with relaxed atomics: word 0 (who, when, which
 * bytes, how) is always consistent on its own; word 1 (lockset, stack) may pair with another
 * word 0 only when two threads write the same cell at the same moment, which means they already
 * race without a common lock.
 *
 * Extensions: two cells are enough for almost every granule (one thread's accesses, or a writer
 * and a reader), but not for a granule that several threads read without order, or whose bytes
 * several threads use apart (a char array shared byte by byte): there, a new access would have to
 * forget one that can still race. Such a granule gets an *extension* of LH_SHADOW_EXT_CELLS more
 * cells: its last cell becomes a marker (a cell with no bytes, which no access matches and no
 * check conflicts with) holding the extension's index, and the cell it held moves into the
 * extension. Extensions come from one arena reserved at the first need (LH_SHADOW_EXT_MAX of
 * them: 16 MiB of address space, resident only as used), go back to it when the granule's memory
 * is forgotten, and once it is full a granule that needs more room forgets an access as before.
 * So the shadow of memory that no two threads use is unchanged (2 cells), and the history kept is
 * bounded.
 *
 * Limits: addresses above 2^47 (kernel space) and in the first 1 MiB are ignored. An access that
 * races with the free of its memory may write into an extension that free gave back and another
 * granule took (a use after free, itself reported when free is a write). */
#ifndef LH_RACE_SHADOW_H
#define LH_RACE_SHADOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LH_SHADOW_CHUNK_BITS 21 /* 2 MiB of program memory per chunk: 2 planes of 2 MiB */
#define LH_SHADOW_GRANULES (1u << (LH_SHADOW_CHUNK_BITS - 3))
#define LH_SHADOW_ADDR_BITS 47 /* user space: addresses below 2^47 */
#define LH_SHADOW_TABLE_BITS (LH_SHADOW_ADDR_BITS - LH_SHADOW_CHUNK_BITS) /* bits 46..21 */

/* A cell: mask:8 | write:1 | atomic:1 | slot:13 | epoch:23 | lockless:1 | context:17. 0 = empty.
 * lockless says that the access held no lock, so that the fast path of the most common case needs
 * no look-up of the context's lockset. */
#define LH_CELL_WRITE (1ull << 8)
#define LH_CELL_ATOMIC (1ull << 9)
#define LH_CELL_SLOT_SHIFT 10
#define LH_CELL_SLOT_BITS 13
#define LH_CELL_EPOCH_SHIFT 23
#define LH_CELL_EPOCH_BITS 23
#define LH_CELL_LOCKLESS (1ull << 46)
#define LH_CELL_CTX_SHIFT 47
#define LH_CELL_MAX_SLOT ((1u << LH_CELL_SLOT_BITS) - 1)
#define LH_CELL_MAX_EPOCH ((1u << LH_CELL_EPOCH_BITS) - 1)
#define LH_CELL_CTX_MASK (~0ull << LH_CELL_CTX_SHIFT)

#define LH_SHADOW_CELLS 2

/* A granule is its cell in plane 0; its other cells are in the planes after it. */
struct lh_race_granule {
  uint64_t cell0;
};
#define LH_SHADOW_PLANE_CELLS ((size_t)LH_SHADOW_GRANULES) /* cells from one plane to the next */

/* Cell i (< LH_SHADOW_CELLS) of granule g. */
static inline uint64_t *lh_granule_cell(const struct lh_race_granule *g, int i) {
  return (uint64_t *)&g->cell0 + (size_t)i * LH_SHADOW_PLANE_CELLS;
}

/* Which 4 KiB pages of a chunk's plane 1 were ever written: one bit each, in the page after the
 * chunk's planes (a chunk is mapped aligned to CHUNK_BYTES, so a granule finds its chunk's start
 * by rounding down). A cell of plane 1 whose page's bit is clear is zero and is not read: some
 * kernels back even a read of never-written anonymous memory with a page of its own instead of
 * the shared zero page (this project's CI machines: reading 64 MiB of it grows the resident set
 * by 64 MiB), and there the fast path's look at cell 1 would back every page of plane 1. The bit
 * is set before the cell is written, so a reader that finds it clear is simply ordered before the
 * writer. */
#define LH_SHADOW_PLANE_BYTES ((size_t)LH_SHADOW_GRANULES * sizeof(uint64_t))
#define LH_SHADOW_CHUNK_BYTES (LH_SHADOW_PLANE_BYTES * LH_SHADOW_CELLS)
#define LH_SHADOW_PAGE 4096u
static inline uint64_t *lh_plane1_word(const struct lh_race_granule *g, size_t *bit) {
  uintptr_t a = (uintptr_t)g, base = a & ~(uintptr_t)(LH_SHADOW_CHUNK_BYTES - 1);
  size_t page = (a - base) / LH_SHADOW_PAGE;
  *bit = page % 64;
  return (uint64_t *)(base + LH_SHADOW_CHUNK_BYTES) + page / 64;
}
static inline bool lh_plane1_used(const struct lh_race_granule *g) {
  size_t bit;
  const uint64_t *w = lh_plane1_word(g, &bit);
  return __atomic_load_n(w, __ATOMIC_ACQUIRE) >> bit & 1;
}
static inline void lh_plane1_mark(const struct lh_race_granule *g) {
  size_t bit;
  uint64_t *w = lh_plane1_word(g, &bit);
  if (!(__atomic_load_n(w, __ATOMIC_RELAXED) >> bit & 1))
    __atomic_fetch_or(w, 1ull << bit, __ATOMIC_SEQ_CST);
}
/* Cell i of granule g as a load (0 for a cell of plane 1 on a page never written). */
static inline uint64_t lh_granule_load(const struct lh_race_granule *g, int i, int order) {
  if (i > 0 && !lh_plane1_used(g)) return 0;
  return __atomic_load_n(lh_granule_cell(g, i), order);
}

/* The extension of a granule (above): one cache line of cells. */
#define LH_SHADOW_EXT_CELLS 8
#define LH_SHADOW_EXT_MAX (1u << 18)
struct lh_race_ext {
  uint64_t cell[LH_SHADOW_EXT_CELLS];
};

/* Whether cell c is an extension marker (no bytes, not empty) and the extension it names. */
static inline bool lh_cell_is_ext(uint64_t c) { return c != 0 && (c & 0xff) == 0; }
static inline uint32_t lh_cell_ext_index(uint64_t c) { return (uint32_t)(c >> 32); }
/* The arena of extensions (race_shadow.c): set once, under its lock, before any marker names it;
 * read without a lock. */
extern struct lh_race_ext *lh_shadow_ext_arena __attribute__((visibility("hidden")));
/* The extension a marker names (its memory stays mapped for the life of the process): inline,
 * the access fast path looks into extensions too (race.h). */
static inline struct lh_race_ext *lh_shadow_ext(uint64_t marker) {
  return &__atomic_load_n(&lh_shadow_ext_arena, __ATOMIC_ACQUIRE)[lh_cell_ext_index(marker)];
}
/* A zeroed extension and its marker, or 0 when the arena is full (or cannot be mapped). */
uint64_t lh_shadow_ext_new(void);
/* Set when lh_shadow_ext_new found no room (cleared when an extension is given back): the
 * detector then lets another thread's access stand for a new one (race_detector.c). */
extern bool lh_shadow_ext_exhausted __attribute__((visibility("hidden")));
static inline bool lh_shadow_ext_full(void) {
  return __atomic_load_n(&lh_shadow_ext_exhausted, __ATOMIC_RELAXED);
}
/* Gives back the extension of a marker that no granule holds any more. */
void lh_shadow_ext_free(uint64_t marker);
/* Around fork: the arena's lock. */
void lh_shadow_fork_lock(bool take);

/* The cell of an access to len bytes at offset off of its granule, without its context. */
static inline uint64_t lh_cell_make(uint32_t epoch, uint32_t slot, unsigned off, unsigned len,
                                    unsigned flags) {
  return (uint64_t)(((1u << len) - 1) << off) | ((flags & 1) ? LH_CELL_WRITE : 0) |
         ((flags & 2) ? LH_CELL_ATOMIC : 0) | (uint64_t)slot << LH_CELL_SLOT_SHIFT |
         (uint64_t)epoch << LH_CELL_EPOCH_SHIFT;
}
static inline unsigned lh_cell_mask(uint64_t c) { return (unsigned)c & 0xff; }
static inline uint32_t lh_cell_slot(uint64_t c) {
  return (uint32_t)(c >> LH_CELL_SLOT_SHIFT) & LH_CELL_MAX_SLOT;
}
static inline uint32_t lh_cell_epoch(uint64_t c) {
  return (uint32_t)(c >> LH_CELL_EPOCH_SHIFT) & LH_CELL_MAX_EPOCH;
}
static inline uint32_t lh_cell_ctx(uint64_t c) { return (uint32_t)(c >> LH_CELL_CTX_SHIFT); }
static inline unsigned lh_cell_off(uint64_t c) {
  return (unsigned)__builtin_ctz(lh_cell_mask(c) | 0x100);
}
static inline unsigned lh_cell_len(uint64_t c) {
  return (unsigned)__builtin_popcount(lh_cell_mask(c));
}

/* Whether cell c already stands for access cur, locks aside: the same thread and epoch, the same
 * bytes and kind - or, for a read, that thread's own write in that epoch of at least those bytes
 * (which any race of the read would race with too). The one test of "already known": the inline
 * fast path asks it for lockless accesses (race.h), the detector for the others as well, with
 * the locksets compared (race_detector.c). Context and lockless bits are not compared. */
static inline bool lh_cell_covers(uint64_t c, uint64_t cur) {
  const uint64_t aside = LH_CELL_CTX_MASK | LH_CELL_LOCKLESS;
  if (((c ^ cur) & ~aside) == 0) return true;
  const uint64_t who = ~aside & ~(0xffull | LH_CELL_WRITE | LH_CELL_ATOMIC); /* slot and epoch */
  return !(cur & LH_CELL_WRITE) && (c & LH_CELL_WRITE) && ((c ^ cur) & who) == 0 &&
         (lh_cell_mask(c) & lh_cell_mask(cur)) == lh_cell_mask(cur);
}

struct lh_race_granule;
/* The table (race_shadow.c): one entry per 2 MiB chunk of the user address space (2^26 entries,
 * 512 MiB of address space reserved with MAP_NORESERVE at the first need: a page of it is backed
 * only once a chunk of the 1 GiB it covers has a shadow, so a process backs a few pages). NULL
 * until then; written once, by compare-and-swap, never unmapped. An entry is 0 until its chunk
 * has a shadow, then the shadow's address less the chunk's own, so that a granule's cell 0 is at
 * entry + the granule's address (an 8-byte access needs no masking); a shadow is never mapped at
 * the address of the chunk it is for, so no entry of a shadow is 0. Entries go from 0 to their
 * value once, by compare-and-swap, and never change again; read without a lock. */
extern uintptr_t *lh_shadow_table __attribute__((visibility("hidden")));
/* Reserves the table if it is not yet; false when it cannot be (no access is then checked). */
bool lh_shadow_reserve(void);

/* The table's entry for the chunk of address at (below 2^47), in a table known to be reserved (a
 * tracked thread's accesses: track() reserves it before cell_base can be set, race_detector.c):
 * 0 when the chunk has no shadow yet, else what to add to a granule's address (8-byte aligned)
 * for its shadow granule. One load: inline in every entry point (race.h). */
static inline uintptr_t lh_shadow_entry_reserved(uintptr_t at) {
  return __atomic_load_n(
      &__atomic_load_n(&lh_shadow_table, __ATOMIC_RELAXED)[at >> LH_SHADOW_CHUNK_BITS],
      __ATOMIC_ACQUIRE);
}

/* The shadow granule of addr's 8 bytes if it is mapped already, else NULL. */
static inline struct lh_race_granule *lh_shadow_granule_fast(uintptr_t addr) {
  if (__builtin_expect(
          !__atomic_load_n(&lh_shadow_table, __ATOMIC_ACQUIRE) || addr >> LH_SHADOW_ADDR_BITS, 0))
    return NULL;
  uintptr_t e = lh_shadow_entry_reserved(addr);
  return e ? (struct lh_race_granule *)(e + (addr & ~(uintptr_t)7)) : NULL;
}

/* The shadow granule of addr's 8 bytes (mapping it if needed), or NULL (out of range, or out of
 * memory: then the access is not checked). */
struct lh_race_granule *lh_shadow_granule_slow(uintptr_t addr);

/* Forgets every access to [addr, addr + size): freed memory, a new thread's stack. Whole chunks
 * give their pages back to the system; the granules' extensions go back to the arena. */
void lh_shadow_forget(uintptr_t addr, size_t size);

/* The shadow of the whole chunks inside [addr, addr + size), a big block the program will likely
 * sweep, is backed by huge pages when the kernel allows (fewer TLB misses on every access). Small
 * or sparse memory keeps 4 KiB pages: a huge page would cost 2 MiB for a few bytes touched. */
void lh_shadow_prefer_huge_pages(uintptr_t addr, size_t size);

#endif
