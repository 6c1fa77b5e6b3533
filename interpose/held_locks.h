/* held_locks.h - the set of locks one thread holds, in acquisition order.
 *
 * Each entry remembers the lock's address (unlock finds entries by address, so it needs no
 * registry look-up), its lockhound id, the mode, where it was taken (the stack id of its
 * acquisition tuple) and a recursion count (a recursive mutex or a read lock taken again by its
 * holder). The set keeps an order-independent hash of its (lock, mode, site) entries, updated
 * in O(1) on push and remove, so that the tuple cache can key acquisitions by "what is held"
 * without walking the list.
 *
 * The first LH_HELD_INLINE entries live inside the set itself (no allocation for the usual
 * nesting depth); deeper nesting grows a heap array without any fixed cap. Owned by one thread;
 * never shared. */
#ifndef LH_HELD_LOCKS_H
#define LH_HELD_LOCKS_H

#include <stdbool.h>
#include <stdint.h>

#define LH_HELD_INLINE 16

enum lh_mode { LH_MODE_WRITE = 0, LH_MODE_READ = 1 };

struct lh_held_entry {
  uintptr_t addr;
  uint32_t lock;  /* lockhound lock id */
  uint32_t stack; /* where it was taken: stack id */
  uint32_t count; /* times taken by this thread without release */
  uint8_t mode;   /* enum lh_mode */
};

struct lh_held_set {
  struct lh_held_entry *v; /* inline_v or a heap array */
  uint32_t n, cap;
  uint64_t hash; /* sum of lh_held_entry_hash over entries */
  struct lh_held_entry inline_v[LH_HELD_INLINE];
};

void lh_held_init(struct lh_held_set *s);
void lh_held_free(struct lh_held_set *s);
/* Index of the most recent entry for addr, or -1. */
int lh_held_find(const struct lh_held_set *s, uintptr_t addr);
/* Appends; false only when memory runs out (the entry is then not tracked). */
bool lh_held_push(struct lh_held_set *s, const struct lh_held_entry *e);
/* Removes entry i, keeping the others in acquisition order. */
void lh_held_remove(struct lh_held_set *s, int i);
uint64_t lh_held_entry_hash(uint32_t lock, uint8_t mode, uint32_t stack);

#endif
