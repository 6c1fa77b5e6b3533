/* fork_held_locks.c - see fork_held_locks.h. */
#include "registry/fork_held_locks.h"

#include <stddef.h>

#include "registry/thread_state.h"

/* Owned by the recorder lock; filled in a fork child only. */
static struct lh_fork_held held[LH_FORK_HELD_MAX];
static uint32_t nheld;

static void take_from(int32_t id, struct lh_thread *t, void *ctx) {
  (void)ctx;
  if (id == lh_self.id) return; /* the forking thread lives on in the child */
  const struct lh_held_entry *v = t->held.v;
  for (uint32_t i = 0; v && i < t->held.n && nheld < LH_FORK_HELD_MAX; i++)
    held[nheld++] = (struct lh_fork_held){v[i].addr, v[i].lock, v[i].stack, id};
}

void lh_fork_held_take(void) {
  nheld = 0;
  lh_threads_each(take_from, NULL);
}

const struct lh_fork_held *lh_fork_held_find(uintptr_t addr) {
  for (uint32_t i = 0; i < nheld; i++)
    if (held[i].addr == addr) return &held[i];
  return NULL;
}
