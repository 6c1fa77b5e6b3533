/* atomics_compute.c - test program: every atomic operation at every width, through the compiler
 * (the __atomic builtins and C11 <stdatomic.h>), with constant memory orders and with orders
 * known only at run time, printing every result. Built plain and with -fsanitize=thread against
 * liblockhound, by gcc and by clang; the instrumented builds turn each operation into a
 * `__tsan_atomic*` call that lockhound performs, so the output must be the same byte for byte.
 *
 * The last part runs four threads that hammer shared atomics (fetch-and-ops, compare-exchange
 * loops, and a spinlock made of exchange/store guarding a plain counter); the totals are exact
 * only if every operation was atomic, and the plain counter must not be reported as a race. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

typedef unsigned __int128 u128;

static void show(const char *width, const char *what, u128 v) {
  printf("%-4s %-34s %016llx%016llx\n", width, what, (unsigned long long)(v >> 64),
         (unsigned long long)v);
}

/* Memory orders only known at run time: the compiler passes them through as they are. */
static volatile int runtime_mo[6] = {0, 1, 2, 3, 4, 5};

#define PATTERN_A (((u128)0x0123456789abcdefULL << 64) | 0xfedcba9876543210ULL)
#define PATTERN_B (((u128)0x8000000000000001ULL << 64) | 0x00ff00ff00ff00ffULL)

/* Every builtin on a variable of type T; S is its name in the output. */
#define EXERCISE(T, S)                                                                           \
  static void exercise_##T(void) {                                                               \
    static T v;                                                                                  \
    T r, e, a = (T)PATTERN_A, b = (T)PATTERN_B;                                                  \
    int ok;                                                                                      \
    __atomic_store_n(&v, a, __ATOMIC_RELAXED);                                                   \
    show(S, "store relaxed", v);                                                                 \
    __atomic_store_n(&v, b, __ATOMIC_RELEASE);                                                   \
    show(S, "store release", v);                                                                 \
    __atomic_store_n(&v, a, __ATOMIC_SEQ_CST);                                                   \
    show(S, "store seq_cst", v);                                                                 \
    show(S, "load relaxed", __atomic_load_n(&v, __ATOMIC_RELAXED));                              \
    show(S, "load consume", __atomic_load_n(&v, __ATOMIC_CONSUME));                              \
    show(S, "load acquire", __atomic_load_n(&v, __ATOMIC_ACQUIRE));                              \
    show(S, "load seq_cst", __atomic_load_n(&v, __ATOMIC_SEQ_CST));                              \
    r = __atomic_exchange_n(&v, b, __ATOMIC_ACQ_REL);                                            \
    show(S, "exchange acq_rel old", r);                                                          \
    show(S, "exchange acq_rel new", v);                                                          \
    r = __atomic_exchange_n(&v, a, __ATOMIC_RELAXED);                                            \
    show(S, "exchange relaxed old", r);                                                          \
    show(S, "fetch_add relaxed", __atomic_fetch_add(&v, b, __ATOMIC_RELAXED));                   \
    show(S, "fetch_add seq_cst", __atomic_fetch_add(&v, (T)-1, __ATOMIC_SEQ_CST));               \
    show(S, "add_fetch acquire", __atomic_add_fetch(&v, 3, __ATOMIC_ACQUIRE));                   \
    show(S, "fetch_sub release", __atomic_fetch_sub(&v, a, __ATOMIC_RELEASE));                   \
    show(S, "sub_fetch acq_rel", __atomic_sub_fetch(&v, b, __ATOMIC_ACQ_REL));                   \
    show(S, "fetch_and acquire", __atomic_fetch_and(&v, b, __ATOMIC_ACQUIRE));                   \
    show(S, "and_fetch relaxed", __atomic_and_fetch(&v, a, __ATOMIC_RELAXED));                   \
    show(S, "fetch_or release", __atomic_fetch_or(&v, a, __ATOMIC_RELEASE));                     \
    show(S, "or_fetch seq_cst", __atomic_or_fetch(&v, b, __ATOMIC_SEQ_CST));                     \
    show(S, "fetch_xor acq_rel", __atomic_fetch_xor(&v, a, __ATOMIC_ACQ_REL));                   \
    show(S, "xor_fetch consume", __atomic_xor_fetch(&v, b, __ATOMIC_CONSUME));                   \
    show(S, "fetch_nand relaxed", __atomic_fetch_nand(&v, a, __ATOMIC_RELAXED));                 \
    show(S, "nand_fetch seq_cst", __atomic_nand_fetch(&v, b, __ATOMIC_SEQ_CST));                 \
    show(S, "value", v);                                                                         \
    e = v;                                                                                       \
    ok = __atomic_compare_exchange_n(&v, &e, a, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);          \
    show(S, "cas strong seq_cst ok", (u128)ok);                                                  \
    show(S, "cas strong seq_cst value", v);                                                      \
    e = b;                                                                                       \
    ok = __atomic_compare_exchange_n(&v, &e, b, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);          \
    show(S, "cas strong fails ok", (u128)ok);                                                    \
    show(S, "cas strong fails expected", e);                                                     \
    e = a;                                                                                       \
    while (!__atomic_compare_exchange_n(&v, &e, b, 1, __ATOMIC_RELEASE, __ATOMIC_RELAXED))       \
      ;                                                                                          \
    show(S, "cas weak release value", v);                                                        \
    e = a;                                                                                       \
    ok = __atomic_compare_exchange_n(&v, &e, a, 1, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);          \
    show(S, "cas weak fails ok", (u128)ok);                                                      \
    show(S, "cas weak fails expected", e);                                                       \
    e = b;                                                                                       \
    ok = __atomic_compare_exchange_n(&v, &e, a, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED);          \
    show(S, "cas strong relaxed ok", (u128)ok);                                                  \
    for (int i = 0; i < 6; i++) {                                                                \
      int mo = runtime_mo[i], fail = runtime_mo[i < 3 ? i : 2];                                  \
      r = __atomic_load_n(&v, mo);                                                               \
      __atomic_store_n(&v, (T)(r + 1), mo);                                                      \
      __atomic_fetch_add(&v, (T)i, mo);                                                          \
      __atomic_fetch_xor(&v, a, mo);                                                             \
      e = __atomic_exchange_n(&v, r, mo);                                                        \
      ok = __atomic_compare_exchange_n(&v, &r, e, 0, mo, fail);                                  \
      show(S, "runtime order", v);                                                               \
    }                                                                                            \
  }

EXERCISE(int8_t, "8")
EXERCISE(int16_t, "16")
EXERCISE(int32_t, "32")
EXERCISE(int64_t, "64")
EXERCISE(u128, "128")

/* C11: the generic functions on _Atomic types, compound assignment (a compare-exchange loop),
 * flags and fences. */
#define EXERCISE_C11(T, S)                                                                       \
  static void exercise_c11_##T(void) {                                                           \
    static _Atomic T v;                                                                          \
    T e;                                                                                         \
    atomic_init(&v, (T)PATTERN_A);                                                               \
    atomic_store(&v, (T)PATTERN_B);                                                              \
    show(S, "c11 load", atomic_load(&v));                                                        \
    atomic_store_explicit(&v, 5, memory_order_release);                                          \
    show(S, "c11 load_explicit acquire", atomic_load_explicit(&v, memory_order_acquire));        \
    show(S, "c11 exchange", atomic_exchange(&v, 7));                                             \
    show(S, "c11 fetch_add", atomic_fetch_add(&v, 100));                                         \
    show(S, "c11 fetch_sub relaxed", atomic_fetch_sub_explicit(&v, 1, memory_order_relaxed));    \
    show(S, "c11 fetch_or", atomic_fetch_or(&v, 0x30));                                          \
    show(S, "c11 fetch_xor", atomic_fetch_xor(&v, 0x0f));                                        \
    show(S, "c11 fetch_and", atomic_fetch_and(&v, 0x7c));                                        \
    v++;                                                                                         \
    v += 9;                                                                                      \
    v *= 3;                                                                                      \
    v <<= 1;                                                                                     \
    show(S, "c11 compound", atomic_load(&v));                                                    \
    e = 1;                                                                                       \
    show(S, "c11 cas strong fails", atomic_compare_exchange_strong(&v, &e, 2));                  \
    show(S, "c11 cas strong expected", e);                                                       \
    while (!atomic_compare_exchange_weak_explicit(&v, &e, 2, memory_order_acq_rel,               \
                                                  memory_order_acquire))                         \
      ;                                                                                          \
    show(S, "c11 cas weak value", atomic_load(&v));                                              \
  }

EXERCISE_C11(int8_t, "8")
EXERCISE_C11(int16_t, "16")
EXERCISE_C11(int32_t, "32")
EXERCISE_C11(int64_t, "64")

static void exercise_flags_and_fences(void) {
  static atomic_flag f = ATOMIC_FLAG_INIT;
  show("flag", "test_and_set", atomic_flag_test_and_set(&f));
  show("flag", "test_and_set again", atomic_flag_test_and_set(&f));
  atomic_flag_clear_explicit(&f, memory_order_release);
  show("flag", "after clear", atomic_flag_test_and_set_explicit(&f, memory_order_acquire));
  static const memory_order orders[] = {memory_order_relaxed, memory_order_consume,
                                        memory_order_acquire, memory_order_release,
                                        memory_order_acq_rel, memory_order_seq_cst};
  for (int i = 0; i < 6; i++) {
    atomic_thread_fence(orders[i]);
    atomic_signal_fence(orders[i]);
    __atomic_thread_fence(runtime_mo[i]);
    __atomic_signal_fence(runtime_mo[i]);
  }
  show("fence", "all orders", 6);
}

/* ---- four threads at once ---- */

enum { THREADS = 4, ROUNDS = 20000 };

static struct {
  int8_t i8;
  int16_t i16;
  int32_t i32;
  int64_t i64;
  u128 i128;
  uint32_t cas32;
  u128 cas128;
  uint64_t bits;
  int lock;         /* a spinlock: exchange(acquire) to take, store(release) to give */
  long guarded;     /* a plain counter, only touched under `lock` */
} shared;

static void spin_lock(void) {
  while (__atomic_exchange_n(&shared.lock, 1, __ATOMIC_ACQUIRE))
    while (__atomic_load_n(&shared.lock, __ATOMIC_RELAXED))
      ;
}

static void spin_unlock(void) { __atomic_store_n(&shared.lock, 0, __ATOMIC_RELEASE); }

static void *hammer(void *arg) {
  unsigned me = (unsigned)(uintptr_t)arg;
  for (int i = 0; i < ROUNDS; i++) {
    __atomic_fetch_add(&shared.i8, 1, __ATOMIC_RELAXED);
    __atomic_fetch_sub(&shared.i16, 3, __ATOMIC_ACQ_REL);
    __atomic_add_fetch(&shared.i32, 7, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&shared.i64, (int64_t)1 << 33, __ATOMIC_RELEASE);
    __atomic_fetch_add(&shared.i128, (u128)UINT64_MAX, __ATOMIC_SEQ_CST); /* carries */
    uint32_t seen = __atomic_load_n(&shared.cas32, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(&shared.cas32, &seen, seen + 1, 1, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED))
      ;
    u128 big = __atomic_load_n(&shared.cas128, __ATOMIC_ACQUIRE);
    while (!__atomic_compare_exchange_n(&shared.cas128, &big, big + ((u128)1 << 64) + 1, 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE))
      ;
    __atomic_fetch_xor(&shared.bits, (uint64_t)1 << (me * 8 + (unsigned)i % 7), __ATOMIC_RELAXED);
    spin_lock();
    shared.guarded++;
    spin_unlock();
  }
  return NULL;
}

static void hammer_from_threads(void) {
  pthread_t t[THREADS];
  for (unsigned i = 0; i < THREADS; i++)
    pthread_create(&t[i], NULL, hammer, (void *)(uintptr_t)i);
  for (unsigned i = 0; i < THREADS; i++)
    pthread_join(t[i], NULL);
  show("mt", "fetch_add 8", (u128)(uint8_t)shared.i8);
  show("mt", "fetch_sub 16", (u128)(uint16_t)shared.i16);
  show("mt", "add_fetch 32", (u128)(uint32_t)shared.i32);
  show("mt", "fetch_add 64", (u128)(uint64_t)shared.i64);
  show("mt", "fetch_add 128", shared.i128);
  show("mt", "cas loop 32", shared.cas32);
  show("mt", "cas loop 128", shared.cas128);
  show("mt", "fetch_xor 64", shared.bits);
  show("mt", "spinlock counter", (u128)shared.guarded);
}

int main(void) {
  exercise_int8_t();
  exercise_int16_t();
  exercise_int32_t();
  exercise_int64_t();
  exercise_u128();
  exercise_c11_int8_t();
  exercise_c11_int16_t();
  exercise_c11_int32_t();
  exercise_c11_int64_t();
  exercise_flags_and_fences();
  hammer_from_threads();
  return 0;
}
