/* wrap_malloc.c - the malloc family, watched in race mode only.
 *
 * In a program built with `lockhound cc`, every block is recorded when allocated (size, thread,
 * stack) and forgotten when freed, together with the history of its bytes (race_heap.h). In any
 * other program, and for lockhound's own allocations (lh_self.in_runtime), these wrappers only
 * pass the call on. They call glibc's allocator by its internal names (__libc_malloc...), which
 * need no dlsym and so work from the first allocation of the process, before the real-function
 * table exists. The return value and errno are exactly the real function's. */
#include "race/race_alloc.h"

#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>

#include "race/race.h"
#include "race/race_heap.h"
#include "wrappers/wrapper.h"

void *__libc_memalign(size_t align, size_t n);
void *__libc_valloc(size_t n);
void *__libc_pvalloc(size_t n);

/* In race mode, and called by the program (not by lockhound, nor by the detector itself). */
static inline bool watched(void) {
  return __builtin_expect(__atomic_load_n(&lh_race_on, __ATOMIC_RELAXED), 0) &&
         !lh_self.in_runtime && !lh_self.race.busy;
}

static void *allocated(void *p, size_t n, uintptr_t pc) {
  if (p && watched()) {
    int saved = errno;
    lh_self.race.busy++;
    lh_heap_allocated((uintptr_t)p, n, pc);
    lh_self.race.busy--;
    errno = saved;
  }
  return p;
}

/* A block given up at pc (free, or a realloc): written as a whole (lh_race_freeing: it races with
 * what nothing orders before it), then forgotten. */
static void freeing(void *p, uintptr_t pc) {
  if (p && watched()) {
    int saved = errno;
    lh_race_freeing((uintptr_t)p, malloc_usable_size(p), pc);
    lh_self.race.busy++;
    lh_heap_freeing(p);
    lh_self.race.busy--;
    errno = saved;
  }
}

LH_EXPORT void *malloc(size_t n) { return allocated(__libc_malloc(n), n, LH_PC); }

LH_EXPORT void *calloc(size_t n, size_t size) {
  return allocated(__libc_calloc(n, size), n * size, LH_PC);
}

LH_EXPORT void free(void *p) {
  freeing(p, LH_PC);
  __libc_free(p);
}

LH_EXPORT void *realloc(void *p, size_t n) {
  if (!p) return allocated(__libc_malloc(n), n, LH_PC);
  if (!watched()) return __libc_realloc(p, n);
  /* Treated as a new block plus a free of the old one: the bytes moved keep no history. */
  freeing(p, LH_PC);
  void *q = __libc_realloc(p, n);
  if (!q && n) { /* failed: the old block is still there; it comes back as a new one */
    allocated(p, malloc_usable_size(p), LH_PC);
    return NULL;
  }
  return allocated(q, n, LH_PC);
}

LH_EXPORT void *reallocarray(void *p, size_t n, size_t size) {
  size_t bytes;
  if (__builtin_mul_overflow(n, size, &bytes)) {
    errno = ENOMEM;
    return NULL;
  }
  return realloc(p, bytes);
}

LH_EXPORT void *memalign(size_t align, size_t n) {
  return allocated(__libc_memalign(align, n), n, LH_PC);
}

LH_EXPORT void *valloc(size_t n) { return allocated(__libc_valloc(n), n, LH_PC); }
LH_EXPORT void *pvalloc(size_t n) { return allocated(__libc_pvalloc(n), n, LH_PC); }

/* posix_memalign and aligned_alloc check their arguments in ways __libc_memalign does not; the
 * real ones are looked up once (dlsym may allocate: that goes to malloc above, which is fine). */
LH_EXPORT int posix_memalign(void **out, size_t align, size_t n) {
  static int (*real)(void **, size_t, size_t);
  if (!real) real = (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
  int rc = real(out, align, n);
  if (rc == 0) allocated(*out, n, LH_PC);
  return rc;
}

LH_EXPORT void *aligned_alloc(size_t align, size_t n) {
  static void *(*real)(size_t, size_t);
  if (!real) real = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
  return allocated(real(align, n), n, LH_PC);
}

/* ---- C++'s operator new (race mode) ----
 * libstdc++'s operator new calls malloc, which the wrapper above records with a site inside
 * libstdc++ (not compiled for race detection: no frame of the program's). The common forms,
 * new T and new T[n], are wrapped too: the block is recorded again with the program's own call
 * site, so that its name and stack are the program's (heap:make_widget). The real operator
 * throws std::bad_alloc through this frame: the file is built with -fexceptions. Other forms
 * (nothrow, aligned) keep libstdc++'s site. Looked up with dlsym at the first call, as the
 * guard functions are (tsan/tsan_cxx.c): a C program never calls them. */
typedef void *operator_new_fn(size_t);
static void *real_new, *real_new_array;

static operator_new_fn *real_operator(void **slot, const char *name) {
  void *f = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
  if (!f) {
    f = dlsym(RTLD_NEXT, name);
    __atomic_store_n(slot, f, __ATOMIC_RELEASE);
  }
  return (operator_new_fn *)f;
}

LH_EXPORT void *_Znwm(size_t n) { /* operator new(size_t) */
  operator_new_fn *f = real_operator(&real_new, "_Znwm");
  return allocated(f ? f(n) : NULL, n, LH_PC);
}

LH_EXPORT void *_Znam(size_t n) { /* operator new[](size_t) */
  operator_new_fn *f = real_operator(&real_new_array, "_Znam");
  return allocated(f ? f(n) : NULL, n, LH_PC);
}
