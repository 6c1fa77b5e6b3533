/* object_registry.h - the identity of semaphores, condition variables and barriers.
 *
 * They order no locks, so the hot path never registers them; they matter when a report names
 * them (a stall on a barrier, misuse of a semaphore). Init calls register them with what only
 * the init call knows (a barrier's count, a named semaphore's name); anything else is registered
 * when first referred to. Like locks, an object destroyed and initialised again at the same
 * address is a new object. The table is owned by the recorder lock; every function here runs
 * under it. */
#ifndef LH_OBJECT_REGISTRY_H
#define LH_OBJECT_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "common/vocabulary.h"

/* A new object at addr (an init call at pc); count: barriers; name: named semaphores. */
void lh_object_initialised(const void *addr, uint8_t kind, uintptr_t pc, unsigned count,
                           const char *name);
void lh_object_destroyed(const void *addr);
/* The id of the object at addr, registering it (first used at pc) if new. */
uint32_t lh_object_ref(const void *addr, uint8_t kind, uintptr_t pc);
/* A barrier's count as given to its init call, 0 if unknown. */
unsigned lh_object_barrier_count(const void *addr);
/* A condvar waiter (thread, waiting at stack) with `mutex` arrives: returns the mutex the
 * condvar's other current waiters use when it is another one, else 0, and then the thread that
 * brought that mutex and where it waits. */
uintptr_t lh_object_cond_enter(const void *cond, const void *mutex, uintptr_t pc, int32_t thread,
                               uint32_t stack, int32_t *other_thread, uint32_t *other_stack);
void lh_object_cond_leave(const void *cond);
void lh_object_ensure_written(uint32_t id);
void lh_objects_mark_unwritten(void);

#endif
