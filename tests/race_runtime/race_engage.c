/* race_engage.c - test program, built with -fsanitize=thread and linked with liblockhound: one
 * entry point of the race runtime (a `__tsan_*` function called by name, or a memory or string
 * function) engages, or one pair of synchronising operations orders two threads.
 *
 * Usage: race_engage SCENARIO   (a name from engage_scenarios.def)
 * Prints "addr=0x..." (target + the scenario's offset) and exits 0; 2 for an unknown name.
 *
 * The schedule is fixed, never lucky: a worker thread runs thread_<scenario> (the access under
 * test), then sets `done` under a mutex; main polls `done` under the same mutex, runs the
 * scenario's hook, then writes one byte at target + offset with a plain store. In lockhound a
 * mutex alone does not order threads, so without a hook that acquires what the worker released
 * the two accesses are unordered every time, and the write must be found racing with the access
 * under test. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tsan_abi.h"

enum { RELAXED, CONSUME, ACQUIRE, RELEASE, ACQ_REL, SEQ_CST };

/* The bytes both threads touch; a string for the string functions. */
static _Alignas(64) char target[64] = "hello";
static const char initial[64] = "hello"; /* target's first contents */
/* The other side of copies and comparisons. */
static _Alignas(64) char other[64] = "abc";
/* The synchronisation variable of the message-passing scenarios. */
static _Alignas(16) char flag[16];

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int done;
static pthread_t worker;
static int joined;

/* ---- plain accesses, by entry point ---- */

#define CALL(name, entry, at) \
  static void thread_##name(void) { entry(target + (at)); }
#define CALL_SIZES(prefix, at) \
  CALL(prefix##2, __tsan_##prefix##2, at) CALL(prefix##4, __tsan_##prefix##4, at) \
  CALL(prefix##8, __tsan_##prefix##8, at) CALL(prefix##16, __tsan_##prefix##16, at)

CALL(read1, __tsan_read1, 0)
CALL_SIZES(read, 0)
CALL(write1, __tsan_write1, 0)
CALL_SIZES(write, 0)
CALL(volatile_read1, __tsan_volatile_read1, 0)
CALL_SIZES(volatile_read, 0)
CALL(volatile_write1, __tsan_volatile_write1, 0)
CALL_SIZES(volatile_write, 0)
CALL(read_write1, __tsan_read_write1, 0)
CALL_SIZES(read_write, 0)
CALL_SIZES(unaligned_read, 1)
CALL_SIZES(unaligned_write, 1)
CALL_SIZES(unaligned_volatile_read, 1)
CALL_SIZES(unaligned_volatile_write, 1)
CALL_SIZES(unaligned_read_write, 1)

static void thread_read_range(void) { __tsan_read_range(target, 24); }
static void thread_write_range(void) { __tsan_write_range(target, 24); }
static void thread_tsan_memcpy(void) { __tsan_memcpy(target, other, 8); }
static void thread_tsan_memcpy_src(void) { __tsan_memcpy(other, target, 8); }
static void thread_tsan_memmove(void) { __tsan_memmove(target, other, 8); }
static void thread_tsan_memmove_src(void) { __tsan_memmove(other, target, 8); }
static void thread_tsan_memset(void) { __tsan_memset(target, 0, 8); }

/* ---- atomics: every operation at every width; seq_cst, so that the release and acquire paths
 * run too (main acquires nothing, so they order nothing) ---- */

#define RMW(bits, op)                                                                            \
  static void thread_atomic##bits##_##op(void) {                                                 \
    __tsan_atomic##bits##_##op(at##bits(), 1, SEQ_CST);                                          \
  }

#define ATOMICS(bits, T)                                                                         \
  static volatile T *at##bits(void) { return (volatile T *)(void *)target; }                    \
  /* What target holds before the worker runs, so that a compare-exchange succeeds. */         \
  static T expected_##bits(void) {                                                               \
    T e;                                                                                         \
    memcpy(&e, initial, sizeof e);                                                               \
    return e;                                                                                    \
  }                                                                                              \
  static void thread_atomic##bits##_load(void) {                                                 \
    __tsan_atomic##bits##_load(at##bits(), SEQ_CST);                                             \
  }                                                                                              \
  static void thread_atomic##bits##_store(void) {                                                \
    __tsan_atomic##bits##_store(at##bits(), 1, SEQ_CST);                                         \
  }                                                                                              \
  RMW(bits, exchange)                                                                            \
  RMW(bits, fetch_add)                                                                           \
  RMW(bits, fetch_sub)                                                                           \
  RMW(bits, fetch_and)                                                                           \
  RMW(bits, fetch_or)                                                                            \
  RMW(bits, fetch_xor)                                                                           \
  RMW(bits, fetch_nand)                                                                          \
  static void thread_atomic##bits##_compare_exchange_strong(void) {                              \
    T e = expected_##bits();                                                                     \
    if (!__tsan_atomic##bits##_compare_exchange_strong(at##bits(), &e, 1, SEQ_CST, SEQ_CST))    \
      abort();                                                                                   \
  }                                                                                              \
  static void thread_atomic##bits##_compare_exchange_weak(void) {                                \
    T e = expected_##bits();                                                                     \
    while (!__tsan_atomic##bits##_compare_exchange_weak(at##bits(), &e, 1, ACQ_REL, ACQUIRE))   \
      ;                                                                                          \
  }                                                                                              \
  static void thread_atomic##bits##_compare_exchange_val(void) {                                 \
    T e = expected_##bits();                                                                     \
    if (__tsan_atomic##bits##_compare_exchange_val(at##bits(), e, 1, SEQ_CST, RELAXED) != e)    \
      abort();                                                                                   \
  }                                                                                              \
  static void thread_atomic##bits##_compare_exchange_fails(void) {                               \
    T e = 7;                                                                                     \
    if (__tsan_atomic##bits##_compare_exchange_strong(at##bits(), &e, 1, SEQ_CST, ACQUIRE))     \
      abort();                                                                                   \
  }

ATOMICS(8, char)
ATOMICS(16, short)
ATOMICS(32, int)
ATOMICS(64, long)
ATOMICS(128, __int128)

/* ---- memory and string functions ---- */

/* Where results go: glibc declares the searches and comparisons pure, so a call whose result is
 * unused would be dropped by the compiler. Only the worker writes it. */
static volatile long sink;

/* read(2) writes what it returns into the buffer; write(2) reads the buffer. */
static void thread_fd_read(void) {
  int fds[2];
  if (pipe(fds) != 0 || write(fds[1], other, 8) != 8 || read(fds[0], target, 8) != 8)
    abort();
  close(fds[0]);
  close(fds[1]);
}
static void thread_fd_write(void) {
  int fds[2];
  if (pipe(fds) != 0 || write(fds[1], target, 8) != 8)
    abort();
  close(fds[0]);
  close(fds[1]);
}
static void thread_memcpy(void) { memcpy(target, other, 8); }
static void thread_memcpy_src(void) { memcpy(other, target, 8); }
static void thread_mempcpy(void) { mempcpy(target, other, 8); }
static void thread_mempcpy_src(void) { mempcpy(other, target, 8); }
static void thread_memmove(void) { memmove(target, other, 8); }
static void thread_memmove_src(void) { memmove(other, target, 8); }
static void thread_bcopy(void) { bcopy(other, target, 8); }
static void thread_bcopy_src(void) { bcopy(target, other, 8); }
static void thread_memset(void) { memset(target, 0, 8); }
static void thread_bzero(void) { bzero(target, 8); }
static void thread_memcmp(void) { sink = (long)memcmp(target, "hellx", 5); }
static void thread_memchr(void) { sink = (long)memchr(target, 'l', 5); }
static void thread_strlen(void) { sink = (long)strlen(target); }
static void thread_strnlen(void) { sink = (long)strnlen(target, 3); }
static void thread_strcmp(void) { sink = (long)strcmp(target, "help"); }
static void thread_strncmp(void) { sink = (long)strncmp(target, "help", 3); }
static void thread_strchr(void) { sink = (long)strchr(target, 'l'); }
static void thread_strrchr(void) { sink = (long)strrchr(target, 'l'); }
static void thread_strdup(void) { free(strdup(target)); }
static void thread_strndup(void) { free(strndup(target, 3)); }
static void thread_strcpy(void) { strcpy(target, other); }
static void thread_strcpy_src(void) { strcpy(other, target); }
static void thread_stpcpy(void) { stpcpy(target, other); }
static void thread_stpcpy_src(void) { stpcpy(other, target); }
static void thread_strncpy(void) { strncpy(target, other, 8); }
static void thread_strncpy_src(void) { strncpy(other, target, 8); }
static void thread_stpncpy(void) { stpncpy(target, other, 8); }
static void thread_stpncpy_src(void) { stpncpy(other, target, 8); }
static void thread_strcat(void) { strcat(target, "xy"); }
static void thread_strcat_src(void) { strcat(other, target); }
static void thread_strncat(void) { strncat(target, "xyz", 2); }
static void thread_strncat_src(void) { strncat(other, target, 3); }

/* ---- message passing: the worker writes the message (target), then releases flag ---- */

static void write_message(void) { *(volatile long *)(void *)target = 42; }

#define FLAG(bits, T) ((volatile T *)(void *)flag)

static void cas_strong_32(volatile int *f) {
  int e = 0;
  __tsan_atomic32_compare_exchange_strong(f, &e, 1, RELEASE, RELAXED);
}

static void cas_weak_64(volatile long *f) {
  long e = 0;
  while (!__tsan_atomic64_compare_exchange_weak(f, &e, 1, ACQ_REL, ACQUIRE))
    e = 0;
}
#define MP(name, bits, T, publish)                                                               \
  static void thread_##name(void) {                                                              \
    write_message();                                                                             \
    volatile T *f = FLAG(bits, T);                                                               \
    publish;                                                                                     \
  }

MP(mp_store_load_8, 8, char, __tsan_atomic8_store(f, 1, RELEASE))
MP(mp_store_load_16, 16, short, __tsan_atomic16_store(f, 1, RELEASE))
MP(mp_store_load_32, 32, int, __tsan_atomic32_store(f, 1, RELEASE))
MP(mp_store_load_64, 64, long, __tsan_atomic64_store(f, 1, SEQ_CST))
MP(mp_store_load_128, 128, __int128, __tsan_atomic128_store(f, 1, RELEASE))
MP(mp_exchange_32, 32, int, __tsan_atomic32_exchange(f, 1, ACQ_REL))
MP(mp_fetch_add_32, 32, int, __tsan_atomic32_fetch_add(f, 1, RELEASE))
MP(mp_fetch_or_64, 64, long, __tsan_atomic64_fetch_or(f, 1, SEQ_CST))
MP(mp_fetch_sub_16, 16, short, __tsan_atomic16_fetch_sub(f, -1, RELEASE))
MP(mp_fetch_and_8, 8, char, (*f = 3, __tsan_atomic8_fetch_and(f, 1, ACQ_REL)))
MP(mp_fetch_xor_128, 128, __int128, __tsan_atomic128_fetch_xor(f, 1, RELEASE))
MP(mp_fetch_nand_64, 64, long, __tsan_atomic64_fetch_nand(f, -2, RELEASE)) /* ~(0 & -2) = -1 */
MP(mp_cas_strong_32, 32, int, cas_strong_32(f))
MP(mp_cas_weak_64, 64, long, cas_weak_64(f))
MP(mp_cas_val_128, 128, __int128, __tsan_atomic128_compare_exchange_val(f, 0, 1, SEQ_CST, SEQ_CST))
MP(mp_store_cas_acquire_32, 32, int, __tsan_atomic32_store(f, 1, RELEASE))
MP(mp_store_fetch_add_acquire_64, 64, long, __tsan_atomic64_store(f, 1, RELEASE))
MP(mp_relaxed_32, 32, int, __tsan_atomic32_store(f, 1, RELAXED))
MP(mp_fences_32, 32, int,
   (__tsan_atomic_thread_fence(RELEASE), __tsan_atomic32_store(f, 1, RELAXED)))

static void thread_memcpy_then_join(void) { memcpy(target, other, 8); }

/* The atomic write itself is ordered before main's plain write to the flag once main has
 * acquired it: the release must cover the write it belongs to. */
static void thread_flag_store_then_plain_write_32(void) {
  __tsan_atomic32_store(FLAG(32, int), 1, RELEASE);
}
static void thread_flag_fetch_add_then_plain_write_64(void) {
  __tsan_atomic64_fetch_add(FLAG(64, long), 1, ACQ_REL);
}

/* ---- main's hooks: what it does before its write ---- */

static void hook_nothing(void) {}
/* Spin until the flag is set (it already is: the worker set it before `done`). */
#define ACQUIRE_LOAD(bits, T, mo)                                                                 \
  static void hook_acquire_load_##bits(void) {                                                   \
    while (!__tsan_atomic##bits##_load(FLAG(bits, T), mo))                                       \
      ;                                                                                          \
  }
ACQUIRE_LOAD(8, char, ACQUIRE)
ACQUIRE_LOAD(16, short, ACQUIRE)
ACQUIRE_LOAD(32, int, SEQ_CST)
ACQUIRE_LOAD(64, long, ACQUIRE)
ACQUIRE_LOAD(128, __int128, ACQUIRE)

static void hook_acquire_cas_32(void) {
  int e = 1;
  while (!__tsan_atomic32_compare_exchange_strong(FLAG(32, int), &e, 2, ACQUIRE, ACQUIRE))
    e = 1;
}
static void hook_acquire_fetch_add_64(void) {
  while (!__tsan_atomic64_fetch_add(FLAG(64, long), 0, ACQUIRE))
    ;
}
static void hook_relaxed_load_32(void) {
  while (!__tsan_atomic32_load(FLAG(32, int), RELAXED))
    ;
}
static void hook_fenced_load_32(void) {
  while (!__tsan_atomic32_load(FLAG(32, int), RELAXED))
    ;
  __tsan_atomic_thread_fence(ACQUIRE);
}
#define ACQUIRE_THEN_WRITE(bits, T)                                                              \
  static void hook_acquire_then_write_flag_##bits(void) {                                        \
    hook_acquire_load_##bits();                                                                  \
    *(T *)(void *)flag = 2;                                                                      \
  }
ACQUIRE_THEN_WRITE(32, int)
ACQUIRE_THEN_WRITE(64, long)
static void hook_join_worker(void) {
  pthread_join(worker, NULL);
  joined = 1;
}

/* ---- the schedule ---- */

struct scenario {
  const char *name;
  void (*access)(void);
  size_t offset;
  void (*hook)(void);
};

static const struct scenario scenarios[] = {
#define ENGAGE(name, expect, offset, hook) {#name, thread_##name, offset, hook_##hook},
#include "engage_scenarios.def"
#undef ENGAGE
};

static void *work(void *arg) {
  const struct scenario *s = arg;
  s->access();
  pthread_mutex_lock(&m);
  done = 1;
  pthread_mutex_unlock(&m);
  return NULL;
}

static void wait_for_worker(void) {
  for (int d = 0; !d;) {
    pthread_mutex_lock(&m);
    d = done;
    pthread_mutex_unlock(&m);
  }
}

static void plain_write(char *p) { *p = 1; }

int main(int argc, char **argv) {
  const struct scenario *s = NULL;
  for (size_t i = 0; argc == 2 && i < sizeof scenarios / sizeof scenarios[0]; i++)
    if (strcmp(scenarios[i].name, argv[1]) == 0)
      s = &scenarios[i];
  if (!s) {
    fprintf(stderr, "usage: race_engage SCENARIO (a name from engage_scenarios.def)\n");
    return 2;
  }
  if (pthread_create(&worker, NULL, work, (void *)s) != 0)
    return 1;
  wait_for_worker();
  s->hook();
  plain_write(target + s->offset);
  printf("addr=%p\n", (void *)(target + s->offset));
  if (!joined)
    pthread_join(worker, NULL);
  return 0;
}
