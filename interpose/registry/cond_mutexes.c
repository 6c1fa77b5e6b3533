/* cond_mutexes.c - see cond_mutexes.h. */
#include "registry/cond_mutexes.h"

#include <stddef.h>
#include <sys/mman.h>

#include "base/cold_data.h"

struct pair {
  uintptr_t cond, mutex;
};

struct level {
  struct pair *v;
  uint32_t mask;
};

/* The first level, page-aligned so that it is one page; the second, mapped once under the
 * recorder lock and never unmapped (signals read it without a lock). */
LH_PAGE_TABLE static struct pair small_pairs[LH_COND_MUTEX_SMALL];
static struct pair *large_pairs;

static inline uint32_t hash_of(const void *cond) {
  uint64_t h = (uint64_t)((uintptr_t)cond >> 3) * 0x9e3779b97f4a7c15ull;
  return (uint32_t)(h >> 40);
}

static inline struct level small_level(void) {
  return (struct level){small_pairs, LH_COND_MUTEX_SMALL - 1};
}

static inline struct level large_level(struct pair *large) {
  return (struct level){large, LH_COND_MUTEX_LARGE - 1};
}

static inline struct pair *slot_at(struct level l, const void *cond, uint32_t i) {
  return &l.v[(hash_of(cond) + i) & l.mask];
}

/* The slot of cond's window that holds cond, else a free one, else NULL (the window is full). */
static struct pair *slot_for(struct level l, const void *cond) {
  struct pair *free_slot = NULL;
  for (uint32_t i = 0; i < LH_COND_MUTEX_WINDOW; i++) {
    struct pair *p = slot_at(l, cond, i);
    uintptr_t key = __atomic_load_n(&p->cond, __ATOMIC_RELAXED);
    if (key == (uintptr_t)cond) return p;
    if (key == 0 && !free_slot) free_slot = p;
  }
  return free_slot;
}

static void write_pair(struct pair *p, const void *cond, const void *mutex) {
  if (__atomic_load_n(&p->cond, __ATOMIC_RELAXED) == (uintptr_t)cond &&
      __atomic_load_n(&p->mutex, __ATOMIC_RELAXED) == (uintptr_t)mutex)
    return; /* the usual case: the same pair again */
  /* key cleared first, so that a reader never pairs this condvar with the old mutex */
  __atomic_store_n(&p->cond, 0, __ATOMIC_RELEASE);
  __atomic_store_n(&p->mutex, (uintptr_t)mutex, __ATOMIC_RELEASE);
  __atomic_store_n(&p->cond, (uintptr_t)cond, __ATOMIC_RELEASE);
}

static void clear_in(struct level l, const void *cond) {
  for (uint32_t i = 0; l.v && i < LH_COND_MUTEX_WINDOW; i++) {
    struct pair *p = slot_at(l, cond, i);
    if (__atomic_load_n(&p->cond, __ATOMIC_RELAXED) == (uintptr_t)cond)
      __atomic_store_n(&p->cond, 0, __ATOMIC_RELEASE);
  }
}

/* Under the recorder lock: the second level, mapped now; NULL without memory. */
static struct pair *map_large(void) {
  void *p = mmap(NULL, LH_COND_MUTEX_LARGE * sizeof(struct pair), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
  __atomic_store_n(&large_pairs, (struct pair *)p, __ATOMIC_RELEASE);
  return p;
}

void lh_cond_mutex_set(const void *cond, const void *mutex) {
  struct pair *large = __atomic_load_n(&large_pairs, __ATOMIC_RELAXED);
  struct pair *p = large ? NULL : slot_for(small_level(), cond);
  if (p) {
    write_pair(p, cond, mutex);
    return;
  }
  if (!large && !(large = map_large())) { /* no memory: forget another condvar of the window */
    write_pair(slot_at(small_level(), cond, 0), cond, mutex);
    return;
  }
  p = slot_for(large_level(large), cond);
  write_pair(p ? p : slot_at(large_level(large), cond, 0), cond, mutex);
  clear_in(small_level(), cond); /* so that a signal never falls back on an older pair */
}

void lh_cond_mutex_forget_cond(const void *cond) {
  clear_in(small_level(), cond);
  clear_in(large_level(__atomic_load_n(&large_pairs, __ATOMIC_RELAXED)), cond);
}

static uintptr_t read_in(struct level l, const void *cond) {
  for (uint32_t i = 0; i < LH_COND_MUTEX_WINDOW; i++) {
    const struct pair *p = slot_at(l, cond, i);
    uintptr_t key = __atomic_load_n(&p->cond, __ATOMIC_ACQUIRE);
    if (key != (uintptr_t)cond || key == 0) continue;
    uintptr_t mutex = __atomic_load_n(&p->mutex, __ATOMIC_ACQUIRE);
    if (__atomic_load_n(&p->cond, __ATOMIC_ACQUIRE) == key) return mutex;
  }
  return 0;
}

uintptr_t lh_cond_mutex_get(const void *cond) {
  struct pair *large = __atomic_load_n(&large_pairs, __ATOMIC_ACQUIRE);
  uintptr_t m = large ? read_in(large_level(large), cond) : 0;
  return m ? m : read_in(small_level(), cond);
}

bool lh_cond_mutex_large(void) { return __atomic_load_n(&large_pairs, __ATOMIC_ACQUIRE) != NULL; }
