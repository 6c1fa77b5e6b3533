/* address_index.h - a table from addresses to pointers that keeps neighbours together.
 *
 * The lock registry finds a lock's record by its address on every slow path (a new tuple, a
 * first look-up by a thread). Records hashed on the whole address scatter: a program that walks
 * an array of 100,000 mutexes took a cache miss per look-up in the table, and another per step of
 * uthash's chains (27% of the first pass over such an array, issue 11). Here the slot is chosen
 * like the tuple cache's (tuple_cache.h): a 4 KiB page of addresses maps to a run of 1024 slots
 * ((addr >> 2) & 1023: 4-byte spinlocks side by side keep distinct slots) at a place hashed from
 * the page number, so neighbouring locks have neighbouring slots, and each slot holds the address
 * itself, so a probe compares without following the pointer.
 *
 * Open addressing with linear probing, power-of-two capacity, at most half full (doubled past
 * that); removal shifts the following entries back, so no tombstones accumulate. Address 0 marks
 * a free slot and cannot be a key. Owned by whoever owns its module's state (the recorder lock);
 * no atomics. */
#ifndef LH_ADDRESS_INDEX_H
#define LH_ADDRESS_INDEX_H

#include <stdbool.h>
#include <stdint.h>

struct lh_address_index {
  struct lh_address_slot {
    uintptr_t addr; /* 0: free */
    void *value;
  } * slots;
  uint32_t cap, n;
};

/* The value at addr, or NULL. */
void *lh_address_index_find(const struct lh_address_index *x, uintptr_t addr);
/* Sets addr's value (adding it, or replacing what was there); false when memory runs out. */
bool lh_address_index_put(struct lh_address_index *x, uintptr_t addr, void *value);
/* Removes addr (nothing when absent). */
void lh_address_index_remove(struct lh_address_index *x, uintptr_t addr);
/* Gives back its memory; the index is empty again. */
void lh_address_index_free(struct lh_address_index *x);

#endif
