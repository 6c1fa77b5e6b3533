/* tsan_atomics.c - the atomic half of the `__tsan_*` runtime ABI (docs/race-runtime.md).
 *
 * In a program compiled with -fsanitize=thread every atomic operation becomes a call here, which
 * replaces the instruction: each entry point performs the operation itself, with the __atomic
 * builtins on the program's address, and returns what the operation returns. Then, unless race
 * detection is off, it reports the access (flagged atomic: two atomic accesses never race) and
 * the synchronisation:
 * - a release order (release, acq_rel, seq_cst) publishes the thread's clock on the address
 *   BEFORE the operation, so that a thread which observes the new value can always find it;
 *   the access is reported before the release, so that the release covers it. A store replaces
 *   the address's clock (lh_race_release_store: a plain store ends the release sequence); a
 *   read-modify-write joins into it (lh_race_release: it continues the sequence).
 * - an acquire order (consume, acquire, acq_rel, seq_cst) takes the address's clock AFTER the
 *   operation; a load reports its access after the acquire, so that data published with the
 *   value it read is ordered before it.
 * - relaxed: no synchronisation.
 * - compare-exchange: when race detection is on, the value is first loaded with the failure
 *   order; when it differs from the expected one, the operation fails right there, as a strong
 *   compare-exchange may (only the failure order applies: a load). Otherwise the real
 *   compare-exchange runs with the success order's release done before it. It can still lose a
 *   race and fail: then the release was done for nothing (a rare extra happens-before edge that
 *   can hide a race, never invent one), and the access is reported as a write.
 *
 * Memory orders: the value is masked with 0x7fff (higher bits are compiler flags such as HLE
 * hints) and anything unknown is seq_cst. An order that is not valid for the operation (a
 * release load, an acquire store) is treated as seq_cst, as gcc does at compile time. A
 * compare-exchange's failure order cannot release (release -> relaxed, acq_rel -> acquire), and
 * when it is stronger than the success order the success order is strengthened to cover it.
 * Loads, stores and fences switch on the order so that the cheap instruction is used; other
 * operations pass the order as a variable (gcc then uses seq_cst, always correct).
 *
 * 128-bit operations: x86-64 has no 16-byte load, store or fetch-and-op, and the __atomic
 * builtins would call libatomic, which the library does not link. Every 128-bit operation is
 * therefore a loop on `lock cmpxchg16b` (inline assembly: clang calls libatomic even for
 * __sync_val_compare_and_swap with -mcx16): lock-free, sequentially consistent whatever order
 * was asked, and compatible with libatomic's own lock-free 16-byte operations. A
 * 128-bit load is a compare-exchange too, so it writes: it faults on read-only memory (as
 * libatomic's does). Elsewhere than x86-64, the __atomic builtins are used (libatomic needed).
 *
 * Fences are performed and have no happens-before effect: a release fence followed by a
 * relaxed store, read by a relaxed load followed by an acquire fence, is not seen as ordering
 * the two threads, and may be reported as a race (a false alarm, said in the docs). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "race/race.h"
#include "wrappers/tsan/tsan_runtime.h"

enum { MO_RELAXED, MO_CONSUME, MO_ACQUIRE, MO_RELEASE, MO_ACQ_REL, MO_SEQ_CST };

static inline int mo_of(int mo) {
  mo &= 0x7fff;
  return mo <= MO_SEQ_CST ? mo : MO_SEQ_CST;
}

static inline bool mo_acquires(int mo) { return mo != MO_RELAXED && mo != MO_RELEASE; }
static inline bool mo_releases(int mo) {
  return mo == MO_RELEASE || mo == MO_ACQ_REL || mo == MO_SEQ_CST;
}

static inline int mo_load(int mo) {
  mo = mo_of(mo);
  return mo == MO_RELEASE || mo == MO_ACQ_REL ? MO_SEQ_CST : mo;
}

static inline int mo_store(int mo) {
  mo = mo_of(mo);
  return mo == MO_RELAXED || mo == MO_RELEASE ? mo : MO_SEQ_CST;
}

static inline int mo_fail(int fail) {
  fail = mo_of(fail);
  return fail == MO_RELEASE ? MO_RELAXED : fail == MO_ACQ_REL ? MO_ACQUIRE : fail;
}

/* The success order, strengthened so that its load part is at least the failure order. */
static inline int mo_success(int mo, int fail) {
  mo = mo_of(mo);
  if (fail == MO_SEQ_CST) return MO_SEQ_CST;
  if (mo_acquires(fail) && !mo_acquires(mo)) return mo == MO_RELAXED ? fail : MO_ACQ_REL;
  return mo;
}

/* ---- the reports around an operation (only when race detection is active) ---- */

static void report_load(volatile void *a, size_t size, int mo, uintptr_t pc) {
  if (mo_acquires(mo)) lh_race_acquire((uintptr_t)a);
  lh_race_access((uintptr_t)a, size, LH_RACE_ATOMIC | LH_RACE_READ, pc);
}

static void report_store(volatile void *a, size_t size, int mo, uintptr_t pc) {
  lh_race_access((uintptr_t)a, size, LH_RACE_ATOMIC | LH_RACE_WRITE, pc);
  if (mo_releases(mo)) lh_race_release_store((uintptr_t)a);
}

static void report_rmw_before(volatile void *a, size_t size, int mo, uintptr_t pc) {
  lh_race_access((uintptr_t)a, size, LH_RACE_ATOMIC | LH_RACE_WRITE, pc);
  if (mo_releases(mo)) lh_race_release((uintptr_t)a);
}

static void report_rmw_after(volatile void *a, int mo) {
  if (mo_acquires(mo)) lh_race_acquire((uintptr_t)a);
}

#define ACTIVE __builtin_expect(lh_race_active(), 1)

/* ---- the operations, by width ---- */

#define LOAD_AS(o)                                                                                 \
  r = __atomic_load_n(a, o);                                                                       \
  break;
#define STORE_AS(o)                                                                                \
  __atomic_store_n(a, v, o);                                                                       \
  break;

/* Loads and stores with a constant order, for the cheapest instruction. */
#define DEFINE_LOAD_STORE(U)                                                                       \
  static inline U load_##U(const volatile U *a, int mo) {                                          \
    U r;                                                                                           \
    switch (mo) {                                                                                  \
    case MO_RELAXED: LOAD_AS(__ATOMIC_RELAXED)                                                     \
    case MO_CONSUME:                                                                               \
    case MO_ACQUIRE: LOAD_AS(__ATOMIC_ACQUIRE)                                                     \
    default: LOAD_AS(__ATOMIC_SEQ_CST)                                                             \
    }                                                                                              \
    return r;                                                                                      \
  }                                                                                                \
  static inline void store_##U(volatile U *a, U v, int mo) {                                       \
    switch (mo) {                                                                                  \
    case MO_RELAXED: STORE_AS(__ATOMIC_RELAXED)                                                    \
    case MO_RELEASE: STORE_AS(__ATOMIC_RELEASE)                                                    \
    default: STORE_AS(__ATOMIC_SEQ_CST)                                                            \
    }                                                                                              \
  }

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
DEFINE_LOAD_STORE(u8)
DEFINE_LOAD_STORE(u16)
DEFINE_LOAD_STORE(u32)
DEFINE_LOAD_STORE(u64)

/* The read-modify-writes of widths 8 to 64: OP(a, v, mo) performs the operation. */
#define RMW_ENTRY(bits, T, U, name, OP)                                                            \
  LH_EXPORT T __tsan_atomic##bits##_##name(volatile T *a, T v, int mo) {                           \
    uintptr_t pc = LH_TSAN_PC;                                                                     \
    mo = mo_of(mo);                                                                                \
    bool active = ACTIVE;                                                                          \
    if (active) report_rmw_before(a, sizeof(T), mo, pc);                                           \
    U r = OP((volatile U *)a, (U)v, mo);                                                           \
    if (active) report_rmw_after(a, mo);                                                           \
    return (T)r;                                                                                   \
  }

#define OP_EXCHANGE(p, v, mo) __atomic_exchange_n(p, v, mo)
#define OP_ADD(p, v, mo) __atomic_fetch_add(p, v, mo)
#define OP_SUB(p, v, mo) __atomic_fetch_sub(p, v, mo)
#define OP_AND(p, v, mo) __atomic_fetch_and(p, v, mo)
#define OP_OR(p, v, mo) __atomic_fetch_or(p, v, mo)
#define OP_XOR(p, v, mo) __atomic_fetch_xor(p, v, mo)
#define OP_NAND(p, v, mo) __atomic_fetch_nand(p, v, mo)

/* A compare-exchange of widths 8 to 64: returns whether it succeeded, *expected updated on
 * failure as the builtin does. */
#define DEFINE_CAS(U)                                                                              \
  static bool cas_##U(volatile U *a, U *expected, U desired, bool weak, int mo, int fail,          \
                      uintptr_t pc) {                                                              \
    fail = mo_fail(fail);                                                                          \
    mo = mo_success(mo, fail);                                                                     \
    if (!ACTIVE) return __atomic_compare_exchange_n(a, expected, desired, weak, mo, fail);         \
    U seen = load_##U(a, fail);                                                                    \
    if (seen != *expected) {                                                                       \
      *expected = seen;                                                                            \
      report_load(a, sizeof(U), fail, pc);                                                         \
      return false;                                                                                \
    }                                                                                              \
    report_rmw_before(a, sizeof(U), mo, pc);                                                       \
    bool ok = __atomic_compare_exchange_n(a, expected, desired, weak, mo, fail);                   \
    report_rmw_after(a, ok ? mo : fail);                                                           \
    return ok;                                                                                     \
  }
DEFINE_CAS(u8)
DEFINE_CAS(u16)
DEFINE_CAS(u32)
DEFINE_CAS(u64)

#define DEFINE_WIDTH(bits, T, U)                                                                   \
  LH_EXPORT T __tsan_atomic##bits##_load(const volatile T *a, int mo) {                            \
    uintptr_t pc = LH_TSAN_PC;                                                                     \
    mo = mo_load(mo);                                                                              \
    U r = load_##U((const volatile U *)a, mo);                                                     \
    if (ACTIVE) report_load((volatile T *)a, sizeof(T), mo, pc);                                   \
    return (T)r;                                                                                   \
  }                                                                                                \
  LH_EXPORT void __tsan_atomic##bits##_store(volatile T *a, T v, int mo) {                         \
    uintptr_t pc = LH_TSAN_PC;                                                                     \
    mo = mo_store(mo);                                                                             \
    if (ACTIVE) report_store(a, sizeof(T), mo, pc);                                                \
    store_##U((volatile U *)a, (U)v, mo);                                                          \
  }                                                                                                \
  RMW_ENTRY(bits, T, U, exchange, OP_EXCHANGE)                                                     \
  RMW_ENTRY(bits, T, U, fetch_add, OP_ADD)                                                         \
  RMW_ENTRY(bits, T, U, fetch_sub, OP_SUB)                                                         \
  RMW_ENTRY(bits, T, U, fetch_and, OP_AND)                                                         \
  RMW_ENTRY(bits, T, U, fetch_or, OP_OR)                                                           \
  RMW_ENTRY(bits, T, U, fetch_xor, OP_XOR)                                                         \
  RMW_ENTRY(bits, T, U, fetch_nand, OP_NAND)                                                       \
  LH_EXPORT int __tsan_atomic##bits##_compare_exchange_strong(volatile T *a, T *c, T v, int mo,    \
                                                              int fail) {                          \
    return cas_##U((volatile U *)a, (U *)c, (U)v, false, mo, fail, LH_TSAN_PC);                    \
  }                                                                                                \
  LH_EXPORT int __tsan_atomic##bits##_compare_exchange_weak(volatile T *a, T *c, T v, int mo,      \
                                                            int fail) {                            \
    return cas_##U((volatile U *)a, (U *)c, (U)v, true, mo, fail, LH_TSAN_PC);                     \
  }                                                                                                \
  LH_EXPORT T __tsan_atomic##bits##_compare_exchange_val(volatile T *a, T c, T v, int mo,          \
                                                         int fail) {                               \
    U expected = (U)c;                                                                             \
    cas_##U((volatile U *)a, &expected, (U)v, false, mo, fail, LH_TSAN_PC);                        \
    return (T)expected;                                                                            \
  }

DEFINE_WIDTH(8, char, u8)
DEFINE_WIDTH(16, short, u16)
DEFINE_WIDTH(32, int, u32)
DEFINE_WIDTH(64, long, u64)

/* ---- 128 bits ---- */

typedef unsigned __int128 u128;

#if defined(__x86_64__)
/* One lock cmpxchg16b: the value that was there (desired stored when it was `expected`). In
 * assembly because clang calls libatomic for __sync_val_compare_and_swap on 16 bytes even in a
 * function compiled for the cx16 target. */
static inline u128 cas128(volatile u128 *a, u128 expected, u128 desired) {
  uint64_t lo = (uint64_t)expected, hi = (uint64_t)(expected >> 64);
  __asm__ __volatile__("lock cmpxchg16b %0"
                       : "+m"(*a), "+a"(lo), "+d"(hi)
                       : "b"((uint64_t)desired), "c"((uint64_t)(desired >> 64))
                       : "memory", "cc");
  return (u128)hi << 64 | lo;
}
#else
static inline u128 cas128(volatile u128 *a, u128 expected, u128 desired) {
  __atomic_compare_exchange_n(a, &expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  return expected;
}
#endif

/* Replaces the value by f(old, v) until no other thread interfered; returns the old value. */
#define RMW128(a, v, EXPR)                                                                         \
  do {                                                                                             \
    u128 old = cas128(a, 0, 0), seen;                                                              \
    while ((seen = cas128(a, old, (EXPR))) != old) old = seen;                                     \
    return old;                                                                                    \
  } while (0)

static u128 exchange128(volatile u128 *a, u128 v, int mo) {
  (void)mo;
  RMW128(a, v, v);
}
static u128 add128(volatile u128 *a, u128 v, int mo) {
  (void)mo;
  RMW128(a, v, old + v);
}
static u128 sub128(volatile u128 *a, u128 v, int mo) {
  (void)mo;
  RMW128(a, v, old - v);
}
static u128 and128(volatile u128 *a, u128 v, int mo) {
  (void)mo;
  RMW128(a, v, old & v);
}
static u128 or128(volatile u128 *a, u128 v, int mo) {
  (void)mo;
  RMW128(a, v, old | v);
}
static u128 xor128(volatile u128 *a, u128 v, int mo) {
  (void)mo;
  RMW128(a, v, old ^ v);
}
static u128 nand128(volatile u128 *a, u128 v, int mo) {
  (void)mo;
  RMW128(a, v, ~(old & v));
}

RMW_ENTRY(128, __int128, u128, exchange, exchange128)
RMW_ENTRY(128, __int128, u128, fetch_add, add128)
RMW_ENTRY(128, __int128, u128, fetch_sub, sub128)
RMW_ENTRY(128, __int128, u128, fetch_and, and128)
RMW_ENTRY(128, __int128, u128, fetch_or, or128)
RMW_ENTRY(128, __int128, u128, fetch_xor, xor128)
RMW_ENTRY(128, __int128, u128, fetch_nand, nand128)

LH_EXPORT __int128 __tsan_atomic128_load(const volatile __int128 *a, int mo) {
  uintptr_t pc = LH_TSAN_PC;
  u128 r = cas128((volatile u128 *)a, 0, 0);
  if (ACTIVE) report_load((volatile __int128 *)a, 16, mo_load(mo), pc);
  return (__int128)r;
}

LH_EXPORT void __tsan_atomic128_store(volatile __int128 *a, __int128 v, int mo) {
  uintptr_t pc = LH_TSAN_PC;
  if (ACTIVE) report_store(a, 16, mo_store(mo), pc);
  exchange128((volatile u128 *)a, (u128)v, mo);
}

static bool cas_u128(volatile u128 *a, u128 *expected, int mo, int fail, u128 desired,
                     uintptr_t pc) {
  fail = mo_fail(fail);
  mo = mo_success(mo, fail);
  bool active = ACTIVE;
  u128 want = *expected;
  if (active) {
    u128 seen = cas128(a, 0, 0);
    if (seen != want) {
      *expected = seen;
      report_load(a, 16, fail, pc);
      return false;
    }
    report_rmw_before(a, 16, mo, pc);
  }
  u128 seen = cas128(a, want, desired);
  bool ok = seen == want;
  if (active) report_rmw_after(a, ok ? mo : fail);
  *expected = seen;
  return ok;
}

/* cmpxchg16b is never spurious, so weak and strong are the same. */
LH_EXPORT int __tsan_atomic128_compare_exchange_strong(volatile __int128 *a, __int128 *c,
                                                       __int128 v, int mo, int fail) {
  return cas_u128((volatile u128 *)a, (u128 *)c, mo, fail, (u128)v, LH_TSAN_PC);
}

LH_EXPORT int __tsan_atomic128_compare_exchange_weak(volatile __int128 *a, __int128 *c, __int128 v,
                                                     int mo, int fail) {
  return cas_u128((volatile u128 *)a, (u128 *)c, mo, fail, (u128)v, LH_TSAN_PC);
}

LH_EXPORT __int128 __tsan_atomic128_compare_exchange_val(volatile __int128 *a, __int128 c,
                                                         __int128 v, int mo, int fail) {
  u128 expected = (u128)c;
  cas_u128((volatile u128 *)a, &expected, mo, fail, (u128)v, LH_TSAN_PC);
  return (__int128)expected;
}

/* ---- fences: performed, no happens-before (see the top of the file) ---- */

LH_EXPORT void __tsan_atomic_thread_fence(int mo) {
  switch (mo_of(mo)) {
  case MO_RELAXED: break;
  case MO_CONSUME:
  case MO_ACQUIRE: __atomic_thread_fence(__ATOMIC_ACQUIRE); break;
  case MO_RELEASE: __atomic_thread_fence(__ATOMIC_RELEASE); break;
  case MO_ACQ_REL: __atomic_thread_fence(__ATOMIC_ACQ_REL); break;
  default: __atomic_thread_fence(__ATOMIC_SEQ_CST);
  }
}

/* A signal fence only stops the compiler from moving accesses across the call, which the call
 * itself already does. */
LH_EXPORT void __tsan_atomic_signal_fence(int mo) {
  (void)mo;
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
}
