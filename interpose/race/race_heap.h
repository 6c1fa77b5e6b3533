/* race_heap.h - the program's heap blocks, so that a race report can say "offset 8 of a 24-byte
 * block allocated by thread 2 at ...", and so that freed memory forgets its history.
 *
 * Only in race mode (an instrumented program): the malloc wrappers (wrap_malloc.c) tell us of
 * every block; free forgets the block's shadow before the memory can be handed out again, so a new
 * block at the same address starts with no history. Blocks live in a hash split into stripes, each
 * behind a spinlock; blocks of 64 KiB or more are also listed apart, so that finding the block that
 * holds an address (only when a race is reported) probes at most 4096 small-block starts and then
 * the few big blocks.
 *
 * Limit: memory obtained with mmap directly is not tracked (a race there is reported with its
 * address only; its history survives munmap). */
#ifndef LH_RACE_HEAP_H
#define LH_RACE_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lh_heap_block {
  uintptr_t addr;
  size_t size;
  int32_t thread;
  uint32_t stack; /* race stack id (race_stacks.h) of the allocation */
};

void lh_heap_allocated(uintptr_t addr, size_t size, uintptr_t pc);
/* Forgets the block and its shadow; unknown blocks are forgotten over their usable size. */
void lh_heap_freeing(void *p);
bool lh_heap_block_of(uintptr_t addr, struct lh_heap_block *out);

void lh_heap_fork_lock(bool take);

#endif
