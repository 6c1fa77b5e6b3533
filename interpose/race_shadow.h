/* race_shadow.h - shadow memory: what the race detector remembers about every 8 bytes.
 *
 * Each 8-byte granule of the program's memory has a shadow granule of LH_SHADOW_CELLS cells, each
 * one remembered access (2 cells of 16 bytes: 4x the memory the program touches, the same ratio as
 * ThreadSanitizer's shadow, without its trace buffers). A cell says who accessed (thread slot and
 * epoch), which bytes of the granule (offset and length), how (write, atomic), under which locks
 * (lockset id) and from where (race stack id). Which access a new one replaces is decided in
 * race_detector.c.
 *
 * Layout: a two-level table, like a page table. Address bits 46..32 index a static first level;
 * bits 31..16 index a second level (512 KiB, mapped on first use); each entry points to the
 * shadow of 64 KiB of program memory (256 KiB, mapped on first use). Only what the program
 * touches is ever backed by pages. New levels are installed with a compare-and-swap, so the
 * lookup takes no lock; a thread keeps the last chunk it used (race_thread.h).
 *
 * Cells are two 64-bit words read and written with relaxed atomics: word 0 (who, when, which
 * bytes, how) is always consistent on its own; word 1 (lockset, stack) may pair with another
 * word 0 only when two threads write the same cell at the same moment, which means they already
 * race without a common lock.
 *
 * Limits: addresses above 2^47 (kernel space) and below 64 KiB are ignored. */
#ifndef LH_RACE_SHADOW_H
#define LH_RACE_SHADOW_H

#include <stddef.h>
#include <stdint.h>

#define LH_SHADOW_CHUNK_BITS 16 /* 64 KiB of program memory per chunk */
#define LH_SHADOW_GRANULES (1u << (LH_SHADOW_CHUNK_BITS - 3))

struct lh_race_cell {
  uint64_t w0; /* epoch:32 | slot:16 | offset:3 | length-1:3 | write:1 | atomic:1; 0 = empty */
  uint64_t w1; /* lockset id:32 | stack id:32 */
};

#define LH_SHADOW_CELLS 2

struct lh_race_granule {
  struct lh_race_cell cell[LH_SHADOW_CELLS];
};

#define LH_CELL_SLOT_SHIFT 32
#define LH_CELL_OFF_SHIFT 48
#define LH_CELL_LEN_SHIFT 51
#define LH_CELL_WRITE (1ull << 54)
#define LH_CELL_ATOMIC (1ull << 55)

static inline uint64_t lh_cell_w0(uint32_t epoch, uint32_t slot, unsigned off, unsigned len,
                                  unsigned flags) {
  return (uint64_t)epoch | (uint64_t)(slot & 0xffff) << LH_CELL_SLOT_SHIFT |
         (uint64_t)off << LH_CELL_OFF_SHIFT | (uint64_t)(len - 1) << LH_CELL_LEN_SHIFT |
         ((flags & 1) ? LH_CELL_WRITE : 0) | ((flags & 2) ? LH_CELL_ATOMIC : 0);
}
static inline uint32_t lh_cell_epoch(uint64_t w0) { return (uint32_t)w0; }
static inline uint32_t lh_cell_slot(uint64_t w0) { return (uint32_t)(w0 >> LH_CELL_SLOT_SHIFT) & 0xffff; }
static inline unsigned lh_cell_off(uint64_t w0) { return (unsigned)(w0 >> LH_CELL_OFF_SHIFT) & 7; }
static inline unsigned lh_cell_len(uint64_t w0) { return ((unsigned)(w0 >> LH_CELL_LEN_SHIFT) & 7) + 1; }
static inline uint64_t lh_cell_w1(uint32_t lsid, uint32_t stack) {
  return (uint64_t)lsid | (uint64_t)stack << 32;
}

/* The shadow granule of addr's 8 bytes (mapping it if needed), or NULL (out of range, or out of
 * memory: then the access is not checked). */
struct lh_race_granule *lh_shadow_granule_slow(uintptr_t addr);

/* Forgets every access to [addr, addr + size): freed memory, a new thread's stack. Whole chunks
 * give their pages back to the system. */
void lh_shadow_forget(uintptr_t addr, size_t size);

/* Bytes of shadow mapped so far (for docs and tests). */
size_t lh_shadow_mapped_bytes(void);

#endif
