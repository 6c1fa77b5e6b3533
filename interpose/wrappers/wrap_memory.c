/* wrap_memory.c - memcpy, memmove, memset and the common string functions, wrapped so that their
 * reads and writes are checked for races in a program built with `lockhound cc`
 * (docs/race-runtime.md). gcc 12 and clang 14 call these functions instead of instrumenting them.
 * read(2) and write(2) too: read writes into the program's buffer what it returns, write reads
 * the buffer it is given (ThreadSanitizer models them so). stdio (printf, puts, fwrite) is not
 * wrapped: a FILE has a lock of its own, and its buffer is libc's, not the program's.
 *
 * Each wrapper reports the bytes the function reads and writes as ranges through lh_race_access
 * (a string function: the bytes it really looks at, the terminator included; a comparison: up
 * to the first difference), then calls the real function and returns exactly what it returned.
 * Where the result tells the extent (strlen, strchr, memchr, strnlen), the report comes after
 * the call, from the result, instead of scanning twice.
 *
 * The functions are in the library for every program, instrumented or not, and for lockhound's
 * own code. On x86-64 each exported one is a single jump through a route (end of the file): to
 * libc's function while race detection is off, to the checking body here once it is on or while
 * the real pointers are unknown; elsewhere the checking bodies are the exported functions, and
 * with races off cost one branch, one load of the real pointer and the indirect call. The bodies
 * may run before the real pointers are set (another library's constructor, or
 * lh_real_resolve itself, whose lookup compares names with strncmp): then they use the small
 * byte loops below, which call nothing. Those loops go through volatile pointers so that the
 * compiler cannot turn them back into calls of memcpy or memset, which would be these very
 * wrappers.
 *
 * Limits: only the functions listed in wrapped_functions.def (X_MEMORY); wide-character, the
 * *_chk variants of _FORTIFY_SOURCE and formatted output (sprintf) are not checked. A string
 * that changes while it is being scanned may be reported with a slightly different length than
 * the real function used. */
#undef _FORTIFY_SOURCE /* the wrappers define the functions that fortify turns into macros */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/raw_syscalls.h"
#include "base/read_mostly.h"
#include "base/real_functions.h"
#include "base/real_memory.h"
#include "wrappers/tsan/tsan_runtime.h"
#include "wrappers/wrap_memory.h"

/* ---- fallbacks: before the real table is filled; they call nothing ---- */

/* Forward or backward as the overlap requires, so it serves memmove too. */
static void *fallback_copy(void *dst, const void *src, size_t n) {
  volatile unsigned char *d = dst;
  const volatile unsigned char *s = src;
  if (d < s) {
    for (size_t i = 0; i < n; i++) d[i] = s[i];
  } else {
    for (size_t i = n; i > 0; i--) d[i - 1] = s[i - 1];
  }
  return dst;
}

static void *fallback_set(void *dst, int c, size_t n) {
  volatile unsigned char *d = dst;
  for (size_t i = 0; i < n; i++) d[i] = (unsigned char)c;
  return dst;
}

static size_t fallback_strnlen(const char *s, size_t max) {
  size_t n = 0;
  while (n < max && s[n]) n++;
  return n;
}

/* memcmp (strings false) or strncmp (strings true) over at most n bytes. */
static int fallback_compare(const void *a, const void *b, size_t n, bool strings) {
  const unsigned char *x = a, *y = b;
  for (size_t i = 0; i < n; i++) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    if (strings && !x[i]) break;
  }
  return 0;
}

/* memchr (strings false) or strchr (strings true: the terminator ends the search and can be
 * found). */
static void *fallback_find(const void *s, int c, size_t n, bool strings) {
  const unsigned char *p = s;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == (unsigned char)c) return (void *)(p + i);
    if (strings && !p[i]) break;
  }
  return NULL;
}

/* ---- the primitives, real when possible ---- */

static inline void *copy_bytes(void *dst, const void *src, size_t n) {
  __typeof__(memcpy) *f = LH_REAL_MEMORY(memcpy);
  return f ? f(dst, src, n) : fallback_copy(dst, src, n);
}

static inline void *set_bytes(void *dst, int c, size_t n) {
  __typeof__(memset) *f = LH_REAL_MEMORY(memset);
  return f ? f(dst, c, n) : fallback_set(dst, c, n);
}

static size_t str_len(const char *s) {
  __typeof__(strlen) *f = LH_REAL_MEMORY(strlen);
  return f ? f(s) : fallback_strnlen(s, SIZE_MAX);
}

static size_t str_nlen(const char *s, size_t max) {
  __typeof__(strnlen) *f = LH_REAL_MEMORY(strnlen);
  return f ? f(s, max) : fallback_strnlen(s, max);
}

/* ---- what is reported: out of line, so that the path with races off stays a branch and a
 * tail call ---- */

#define SLOW_PATH __attribute__((noinline, cold))

/* Set while the thread is inside lh_race_access for a wrapper: the detector may itself copy or
 * clear memory (growing a vector clock), and those calls must come straight back here without
 * being reported into it again. Owned by its thread. 1 byte of static TLS (taken from every
 * thread's stack, thread_state.h): it must work before the thread is registered. */
static __thread bool reporting __attribute__((tls_model("initial-exec")));

SLOW_PATH static void report(const void *addr, size_t n, unsigned flags, uintptr_t pc) {
  if (!n || reporting) return;
  reporting = true;
  lh_race_access((uintptr_t)addr, n, flags, pc);
  reporting = false;
}

SLOW_PATH static void report_copy(void *dst, const void *src, size_t n, uintptr_t pc) {
  report(src, n, LH_RACE_READ, pc);
  report(dst, n, LH_RACE_WRITE, pc);
}

/* The bytes of a string of at most max bytes that a function reads: the characters and the
 * terminator, or max bytes when there is no terminator before them. */
static size_t bounded_extent(size_t len, size_t max) { return len < max ? len + 1 : max; }

/* The bytes a comparison of a and b reads, in each: up to the first difference (or, for
 * strings, the terminator), at most n. */
static size_t compared_extent(const void *a, const void *b, size_t n, bool strings) {
  const unsigned char *x = a, *y = b;
  size_t i = 0;
  while (i < n && x[i] == y[i] && !(strings && !x[i])) i++;
  return i < n ? i + 1 : n;
}

SLOW_PATH static void report_compare(const void *a, const void *b, size_t n, bool strings,
                                     uintptr_t pc) {
  size_t k = compared_extent(a, b, n, strings);
  report(a, k, LH_RACE_READ, pc);
  report(b, k, LH_RACE_READ, pc);
}

/* A search that read up to and including `found`, or `none` bytes when it found nothing. */
SLOW_PATH static void report_search(const void *s, const void *found, size_t none, uintptr_t pc) {
  size_t n = found ? (size_t)((const char *)found - (const char *)s) + 1 : none;
  report(s, n, LH_RACE_READ, pc);
}

/* The bodies below check and report. On x86-64 they are hidden, lh_checked_NAME, and the exported
 * NAME is one jump through a route (end of file), to them or straight to libc's function; elsewhere
 * they are the exported functions themselves. */
#if defined(__x86_64__) && !defined(LH_MEMORY_NO_ROUTES) /* the unit test calls the bodies */
#define LH_MEMORY_ROUTES 1
#define CHECKED(name) lh_checked_##name
#define CHECKED_EXPORT __attribute__((visibility("hidden")))
#else
#define CHECKED(name) name
#define CHECKED_EXPORT LH_EXPORT
#endif

#define RACE_MODE __builtin_expect(lh_race_active(), 0)
/* For the wrappers that report after the call (from its result): with races off and the real
 * function known, a tail call and nothing else. They kept a frame and the result across the
 * call: 20 instructions for each strchr, which CPython makes for every `lock.acquire()`
 * (PyArg_ParseTupleAndKeywords, issue 11). */
#define RACES_OFF(f) (__builtin_expect((f) != NULL, 1) && !RACE_MODE)

/* ---- copies and fills ---- */

__attribute__((noinline)) void *lh_memory_copy(void *dst, const void *src, size_t n, uintptr_t pc) {
  if (RACE_MODE) report_copy(dst, src, n, pc);
  return copy_bytes(dst, src, n);
}

__attribute__((noinline)) void *lh_memory_move(void *dst, const void *src, size_t n, uintptr_t pc) {
  if (RACE_MODE) report_copy(dst, src, n, pc);
  __typeof__(memmove) *f = LH_REAL_MEMORY(memmove);
  return f ? f(dst, src, n) : fallback_copy(dst, src, n);
}

__attribute__((noinline)) void *lh_memory_set(void *dst, int c, size_t n, uintptr_t pc) {
  if (RACE_MODE) report(dst, n, LH_RACE_WRITE, pc);
  return set_bytes(dst, c, n);
}

/* The three most called: with races off and the real function known, a branch and a tail call,
 * without a frame (the frame pointer's push, move and pop were a third of memcpy's instructions:
 * sqlite3 makes millions of small copies, issue 11); anything else goes to the bodies above, out
 * of line. */
#ifdef __clang__ /* no optimize attribute: a frame, as before */
#define HOT_CHECKED CHECKED_EXPORT
#else
#define HOT_CHECKED CHECKED_EXPORT __attribute__((optimize("omit-frame-pointer")))
#endif

HOT_CHECKED void *CHECKED(memcpy)(void *restrict dst, const void *restrict src, size_t n) {
  __typeof__(memcpy) *f = LH_REAL_MEMORY(memcpy);
  if (RACES_OFF(f)) return f(dst, src, n);
  return lh_memory_copy(dst, src, n, LH_TSAN_PC);
}

HOT_CHECKED void *CHECKED(memmove)(void *dst, const void *src, size_t n) {
  __typeof__(memmove) *f = LH_REAL_MEMORY(memmove);
  if (RACES_OFF(f)) return f(dst, src, n);
  return lh_memory_move(dst, src, n, LH_TSAN_PC);
}

HOT_CHECKED void *CHECKED(memset)(void *dst, int c, size_t n) {
  __typeof__(memset) *f = LH_REAL_MEMORY(memset);
  if (RACES_OFF(f)) return f(dst, c, n);
  return lh_memory_set(dst, c, n, LH_TSAN_PC);
}

CHECKED_EXPORT void *CHECKED(mempcpy)(void *restrict dst, const void *restrict src, size_t n) {
  if (RACE_MODE) report_copy(dst, src, n, LH_TSAN_PC);
  __typeof__(mempcpy) *f = LH_REAL_MEMORY(mempcpy);
  return f ? f(dst, src, n) : (char *)fallback_copy(dst, src, n) + n;
}

CHECKED_EXPORT void CHECKED(bcopy)(const void *src, void *dst, size_t n) {
  if (RACE_MODE) report_copy(dst, src, n, LH_TSAN_PC);
  __typeof__(bcopy) *f = LH_REAL_MEMORY(bcopy);
  if (f)
    f(src, dst, n);
  else
    fallback_copy(dst, src, n);
}

CHECKED_EXPORT void CHECKED(bzero)(void *dst, size_t n) {
  if (RACE_MODE) report(dst, n, LH_RACE_WRITE, LH_TSAN_PC);
  __typeof__(bzero) *f = LH_REAL_MEMORY(bzero);
  if (f)
    f(dst, n);
  else
    fallback_set(dst, 0, n);
}

/* ---- comparisons and searches ---- */

CHECKED_EXPORT int CHECKED(memcmp)(const void *a, const void *b, size_t n) {
  if (RACE_MODE) report_compare(a, b, n, false, LH_TSAN_PC);
  __typeof__(memcmp) *f = LH_REAL_MEMORY(memcmp);
  return f ? f(a, b, n) : fallback_compare(a, b, n, false);
}

CHECKED_EXPORT int CHECKED(strcmp)(const char *a, const char *b) {
  if (RACE_MODE) report_compare(a, b, SIZE_MAX, true, LH_TSAN_PC);
  __typeof__(strcmp) *f = LH_REAL_MEMORY(strcmp);
  return f ? f(a, b) : fallback_compare(a, b, SIZE_MAX, true);
}

CHECKED_EXPORT int CHECKED(strncmp)(const char *a, const char *b, size_t n) {
  if (RACE_MODE) report_compare(a, b, n, true, LH_TSAN_PC);
  __typeof__(strncmp) *f = LH_REAL_MEMORY(strncmp);
  return f ? f(a, b, n) : fallback_compare(a, b, n, true);
}

/* The searches that report after the call, from its result: the real call and the report, out
 * of line (pc: the program's call site), so that with races off the wrapper is a branch and a
 * tail call. */
__attribute__((noinline)) static void *memchr_checked(const void *s, int c, size_t n,
                                                      uintptr_t pc) {
  __typeof__(memchr) *f = LH_REAL_MEMORY(memchr);
  void *r = f ? f(s, c, n) : fallback_find(s, c, n, false);
  if (RACE_MODE) report_search(s, r, n, pc);
  return r;
}

CHECKED_EXPORT void *CHECKED(memchr)(const void *s, int c, size_t n) {
  __typeof__(memchr) *f = LH_REAL_MEMORY(memchr);
  if (RACES_OFF(f)) return f(s, c, n);
  return memchr_checked(s, c, n, LH_TSAN_PC);
}

__attribute__((noinline)) static char *strchr_checked(const char *s, int c, uintptr_t pc) {
  __typeof__(strchr) *f = LH_REAL_MEMORY(strchr);
  char *r = f ? f(s, c) : fallback_find(s, c, SIZE_MAX, true);
  if (RACE_MODE) report_search(s, r, str_len(s) + 1, pc);
  return r;
}

CHECKED_EXPORT char *CHECKED(strchr)(const char *s, int c) {
  __typeof__(strchr) *f = LH_REAL_MEMORY(strchr);
  if (RACES_OFF(f)) return f(s, c);
  return strchr_checked(s, c, LH_TSAN_PC);
}

/* The last occurrence: the whole string is read whatever is found. */
CHECKED_EXPORT char *CHECKED(strrchr)(const char *s, int c) {
  if (RACE_MODE) report(s, str_len(s) + 1, LH_RACE_READ, LH_TSAN_PC);
  __typeof__(strrchr) *f = LH_REAL_MEMORY(strrchr);
  if (f) return f(s, c);
  char *last = NULL;
  for (char *p = (char *)s; (p = fallback_find(p, c, SIZE_MAX, true)); p++) {
    last = p;
    if (!*p) break;
  }
  return last;
}

__attribute__((noinline)) static size_t strlen_checked(const char *s, uintptr_t pc) {
  size_t n = str_len(s);
  if (RACE_MODE) report(s, n + 1, LH_RACE_READ, pc);
  return n;
}

CHECKED_EXPORT size_t CHECKED(strlen)(const char *s) {
  __typeof__(strlen) *f = LH_REAL_MEMORY(strlen);
  if (RACES_OFF(f)) return f(s);
  return strlen_checked(s, LH_TSAN_PC);
}

__attribute__((noinline)) static size_t strnlen_checked(const char *s, size_t max, uintptr_t pc) {
  size_t n = str_nlen(s, max);
  if (RACE_MODE) report(s, bounded_extent(n, max), LH_RACE_READ, pc);
  return n;
}

CHECKED_EXPORT size_t CHECKED(strnlen)(const char *s, size_t max) {
  __typeof__(strnlen) *f = LH_REAL_MEMORY(strnlen);
  if (RACES_OFF(f)) return f(s, max);
  return strnlen_checked(s, max, LH_TSAN_PC);
}

/* ---- string copies ---- */

CHECKED_EXPORT char *CHECKED(strcpy)(char *restrict dst, const char *restrict src) {
  if (RACE_MODE) report_copy(dst, src, str_len(src) + 1, LH_TSAN_PC);
  __typeof__(strcpy) *f = LH_REAL_MEMORY(strcpy);
  return f ? f(dst, src) : copy_bytes(dst, src, str_len(src) + 1);
}

CHECKED_EXPORT char *CHECKED(stpcpy)(char *restrict dst, const char *restrict src) {
  if (RACE_MODE) report_copy(dst, src, str_len(src) + 1, LH_TSAN_PC);
  __typeof__(stpcpy) *f = LH_REAL_MEMORY(stpcpy);
  if (f) return f(dst, src);
  size_t n = str_len(src);
  copy_bytes(dst, src, n + 1);
  return dst + n;
}

/* strncpy and stpncpy read at most n bytes of src and always write n bytes (padding with
 * zeros); the fallback returns what stpncpy returns. */
static char *fallback_stpncpy(char *dst, const char *src, size_t n) {
  size_t len = str_nlen(src, n);
  copy_bytes(dst, src, len);
  set_bytes(dst + len, 0, n - len);
  return dst + len;
}

SLOW_PATH static void report_ncopy(char *dst, const char *src, size_t n, uintptr_t pc) {
  report(src, bounded_extent(str_nlen(src, n), n), LH_RACE_READ, pc);
  report(dst, n, LH_RACE_WRITE, pc);
}

CHECKED_EXPORT char *CHECKED(strncpy)(char *restrict dst, const char *restrict src, size_t n) {
  if (RACE_MODE) report_ncopy(dst, src, n, LH_TSAN_PC);
  __typeof__(strncpy) *f = LH_REAL_MEMORY(strncpy);
  if (f) return f(dst, src, n);
  fallback_stpncpy(dst, src, n);
  return dst;
}

CHECKED_EXPORT char *CHECKED(stpncpy)(char *restrict dst, const char *restrict src, size_t n) {
  if (RACE_MODE) report_ncopy(dst, src, n, LH_TSAN_PC);
  __typeof__(stpncpy) *f = LH_REAL_MEMORY(stpncpy);
  return f ? f(dst, src, n) : fallback_stpncpy(dst, src, n);
}

/* strcat and strncat read dst up to its terminator, read src (at most n bytes for strncat), and
 * write the copied characters and a new terminator over dst's. */
SLOW_PATH static void report_cat(char *dst, const char *src, size_t n, uintptr_t pc) {
  size_t dlen = str_len(dst), slen = str_nlen(src, n);
  report(dst, dlen + 1, LH_RACE_READ, pc);
  report(src, bounded_extent(slen, n), LH_RACE_READ, pc);
  report(dst + dlen, slen + 1, LH_RACE_WRITE, pc);
}

static char *fallback_strncat(char *dst, const char *src, size_t n) {
  char *end = dst + str_len(dst);
  size_t len = str_nlen(src, n);
  copy_bytes(end, src, len);
  end[len] = 0;
  return dst;
}

CHECKED_EXPORT char *CHECKED(strcat)(char *restrict dst, const char *restrict src) {
  if (RACE_MODE) report_cat(dst, src, SIZE_MAX, LH_TSAN_PC);
  __typeof__(strcat) *f = LH_REAL_MEMORY(strcat);
  return f ? f(dst, src) : fallback_strncat(dst, src, SIZE_MAX);
}

CHECKED_EXPORT char *CHECKED(strncat)(char *restrict dst, const char *restrict src, size_t n) {
  if (RACE_MODE) report_cat(dst, src, n, LH_TSAN_PC);
  __typeof__(strncat) *f = LH_REAL_MEMORY(strncat);
  return f ? f(dst, src, n) : fallback_strncat(dst, src, n);
}

/* ---- duplicates: the read here; the new block is malloc's (wrap_malloc.c) ---- */

static char *fallback_strndup(const char *s, size_t n) {
  size_t len = str_nlen(s, n);
  char *d = malloc(len + 1);
  if (d) {
    copy_bytes(d, s, len);
    d[len] = 0;
  }
  return d;
}

CHECKED_EXPORT char *CHECKED(strdup)(const char *s) {
  if (RACE_MODE) report(s, str_len(s) + 1, LH_RACE_READ, LH_TSAN_PC);
  __typeof__(strdup) *f = LH_REAL_MEMORY(strdup);
  return f ? f(s) : fallback_strndup(s, SIZE_MAX);
}

CHECKED_EXPORT char *CHECKED(strndup)(const char *s, size_t n) {
  if (RACE_MODE) report(s, bounded_extent(str_nlen(s, n), n), LH_RACE_READ, LH_TSAN_PC);
  __typeof__(strndup) *f = LH_REAL_MEMORY(strndup);
  return f ? f(s, n) : fallback_strndup(s, n);
}

/* ---- read(2) and write(2): the program's buffer ---- */

CHECKED_EXPORT ssize_t CHECKED(read)(int fd, void *buf, size_t n) {
  uintptr_t pc = LH_TSAN_PC;
  __typeof__(read) *f = LH_REAL_MEMORY(read);
  ssize_t got = f ? f(fd, buf, n) : lh_sys_read(fd, buf, n);
  if (got > 0 && RACE_MODE) { /* the bytes it wrote; errno as the call left it */
    int saved = errno;
    report(buf, (size_t)got, LH_RACE_WRITE, pc);
    errno = saved;
  }
  return got;
}

CHECKED_EXPORT ssize_t CHECKED(write)(int fd, const void *buf, size_t n) {
  if (RACE_MODE) report(buf, n, LH_RACE_READ, LH_TSAN_PC);
  __typeof__(write) *f = LH_REAL_MEMORY(write);
  return f ? f(fd, buf, n) : lh_sys_write(fd, buf, n);
}

/* ---- routes (x86-64) ----
 * A program that is only preloaded (no `lockhound cc`) never has race detection on, yet every
 * memcpy and strlen it makes came through a wrapper above: 9 instructions of checks before the tail
 * call (sqlite3: 13.5 million, a quarter of all that lockhound added to it; CPython's strchr at
 * every `lock.acquire()`). So the exported function is a single jump through its route: the
 * checked body while the real functions are not known yet (its fallbacks call nothing), libc's
 * function once they are, the checked body again for good once race detection is on
 * (__tsan_init). lh_memory_route sets them; a route read half-way through is either value, both
 * right. The jumps have CFI, so that a stack walk from a signal taken on one goes on. */
#ifdef LH_MEMORY_ROUTES
#ifdef __CET__
#define ROUTE_ENDBR "endbr64\n"
#else
#define ROUTE_ENDBR ""
#endif

#define X(name)
#define X_MEMORY(name)                                                                             \
  __attribute__((used)) static __typeof__(name) *lh_route_##name LH_READ_MOSTLY = CHECKED(name);   \
  __asm__(".pushsection .text." #name ",\"ax\",@progbits\n"                                        \
          ".globl " #name "\n"                                                                     \
          ".type " #name ",@function\n"                                                            \
          ".p2align 4\n" #name ":\n"                                                               \
          ".cfi_startproc\n" ROUTE_ENDBR "jmp *lh_route_" #name "(%rip)\n"                         \
          ".cfi_endproc\n"                                                                         \
          ".size " #name ",.-" #name "\n"                                                          \
          ".popsection\n");
#include "base/wrapped_functions.def"
#undef X_MEMORY
#undef X

void lh_memory_route(void) {
  bool on;
  do { /* again if races came on meanwhile: their route must be the last one stored */
    on = __atomic_load_n(&lh_race_on, __ATOMIC_ACQUIRE);
#define X(name)
#define X_MEMORY(name)                                                                             \
  {                                                                                                \
    __typeof__(name) *real = LH_REAL_MEMORY(name);                                                 \
    __atomic_store_n(&lh_route_##name, on || !real ? CHECKED(name) : real, __ATOMIC_RELAXED);      \
  }
#include "base/wrapped_functions.def"
#undef X_MEMORY
#undef X
  } while (on != __atomic_load_n(&lh_race_on, __ATOMIC_ACQUIRE));
}

/* The library's constructors run before the program's, which may call __tsan_init. */
__attribute__((constructor)) static void memory_routes_start(void) {
  lh_real_ensure();
  lh_memory_route();
}
#else
void lh_memory_route(void) {}
#endif
