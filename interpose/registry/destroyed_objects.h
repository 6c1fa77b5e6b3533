/* destroyed_objects.h - the addresses of semaphores and condition variables the program destroyed
 * and has not initialised again: what tells a use after destroy (misuse.h).
 *
 * Algorithm: tables of address slots, open addressing with linear probing in a window of
 * LH_DESTROYED_WINDOW slots from the address's hash. Slots are written with compare-and-swap and
 * read with atomic loads, and a lookup never allocates, so that sem_post - async-signal-safe,
 * called from signal handlers - may look an address up. An init at the address marks its slot
 * removed (LH_DESTROYED_GONE), which lookups step over.
 *
 * Two levels, for memory: a hash spreads addresses over every page of a table, so a program that
 * destroys a few dozen objects (pigz: a condvar per job) writes all of it. The first level is one
 * page (LH_DESTROYED_SMALL slots, in .bss); the first add that finds its window there full maps
 * the second (LH_DESTROYED_LARGE slots, 64 KiB, resident only where written), where every later
 * add goes. A lookup or a removal visits both.
 *
 * Limits: the tables are a cache that forgets, never one that invents. A window of the second
 * level that is full when an address is added loses the window's first entry (a later use of
 * that object after its destroy is then not seen), and so do all adds when the second level
 * cannot be mapped; two threads racing on one address (a destroy against an init) may leave
 * either state, as the program's own race would. Memory freed after a destroy and reused for
 * something else keeps its entry until an init there; only semaphore and condvar calls look it
 * up, so a program that uses the memory otherwise is never told anything. */
#ifndef LH_DESTROYED_OBJECTS_H
#define LH_DESTROYED_OBJECTS_H

#include <stdbool.h>
#include <stdint.h>

#define LH_DESTROYED_SMALL 512  /* one page of slots; a power of two */
#define LH_DESTROYED_LARGE 8192 /* a power of two */
#define LH_DESTROYED_WINDOW 16
#define LH_DESTROYED_GONE ((uintptr_t)1)

/* Whether any object was ever destroyed: lets the semaphore calls skip the lookup. */
extern int lh_destroyed_any;

void lh_destroyed_add(const void *addr);
void lh_destroyed_remove(const void *addr);
bool lh_destroyed_find(const void *addr);
/* Whether the second level is mapped (for tests). */
bool lh_destroyed_large(void);

/* Cheap enough for every semaphore call: one global load until a first destroy. */
static inline bool lh_destroyed_maybe(const void *addr) {
  return __builtin_expect(__atomic_load_n(&lh_destroyed_any, __ATOMIC_RELAXED) != 0, 0) &&
         lh_destroyed_find(addr);
}

#endif
