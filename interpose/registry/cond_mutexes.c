/* cond_mutexes.c - see cond_mutexes.h. */
#include "registry/cond_mutexes.h"

#include <stddef.h>
#include <sys/mman.h>

struct pair {
  uintptr_t cond, mutex;
};

/* The first level, page-aligned so that it is one page; the second, mapped once under the
 * recorder lock and never unmapped (signals read it without a lock). */
static struct pair small_pairs[LH_COND_MUTEX_SMALL] __attribute__((aligned(4096)));
static struct pair *large_pairs;

static inline uint32_t hash_of(const void *cond) {
  uint64_t h = (uint64_t)((uintptr_t)cond >> 3) * 0x9e3779b97f4a7c15ull;
  return (uint32_t)(h >> 40);
}

static inline struct pair *small_slot(const void *cond) {
  return &small_pairs[hash_of(cond) & (LH_COND_MUTEX_SMALL - 1)];
}

static inline struct pair *large_slot(struct pair *large, const void *cond) {
  return large ? &large[hash_of(cond) & (LH_COND_MUTEX_LARGE - 1)] : NULL;
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

static void clear_pair(struct pair *p, const void *cond) {
  if (p && __atomic_load_n(&p->cond, __ATOMIC_RELAXED) == (uintptr_t)cond)
    __atomic_store_n(&p->cond, 0, __ATOMIC_RELEASE);
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
  struct pair *small = small_slot(cond), *large = __atomic_load_n(&large_pairs, __ATOMIC_RELAXED);
  uintptr_t there = __atomic_load_n(&small->cond, __ATOMIC_RELAXED);
  if (!large && there != 0 && there != (uintptr_t)cond) large = map_large();
  if (!large) {
    write_pair(small, cond, mutex);
    return;
  }
  write_pair(large_slot(large, cond), cond, mutex);
  clear_pair(small, cond); /* so that a signal never falls back on an older pair */
}

void lh_cond_mutex_forget_cond(const void *cond) {
  clear_pair(small_slot(cond), cond);
  clear_pair(large_slot(__atomic_load_n(&large_pairs, __ATOMIC_RELAXED), cond), cond);
}

static uintptr_t read_pair(const struct pair *p, const void *cond) {
  uintptr_t key = __atomic_load_n(&p->cond, __ATOMIC_ACQUIRE);
  if (key != (uintptr_t)cond || key == 0) return 0;
  uintptr_t mutex = __atomic_load_n(&p->mutex, __ATOMIC_ACQUIRE);
  return __atomic_load_n(&p->cond, __ATOMIC_ACQUIRE) == key ? mutex : 0;
}

uintptr_t lh_cond_mutex_get(const void *cond) {
  struct pair *large = __atomic_load_n(&large_pairs, __ATOMIC_ACQUIRE);
  uintptr_t m = large ? read_pair(large_slot(large, cond), cond) : 0;
  return m ? m : read_pair(small_slot(cond), cond);
}

bool lh_cond_mutex_large(void) { return __atomic_load_n(&large_pairs, __ATOMIC_ACQUIRE) != NULL; }
