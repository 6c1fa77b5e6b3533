/* tsan_abi.h - the `__tsan_*` entry points as the compilers call them, declared for test programs
 * that call them by name (race_engage.c): each one in the library must exist with exactly this
 * signature. Memory orders are C11's 0..5; the atomic types are char, short, int, long and
 * __int128 as in the compilers' runtime ABI. */
#ifndef LH_TEST_TSAN_ABI_H
#define LH_TEST_TSAN_ABI_H

#include <stddef.h>

void __tsan_init(void);
void __tsan_func_entry(void *caller_pc);
void __tsan_func_exit(void);

#define LH_ABI_ACCESS(name) void name(void *addr);
#define LH_ABI_SIZES(prefix) LH_ABI_ACCESS(prefix##2) LH_ABI_ACCESS(prefix##4) \
  LH_ABI_ACCESS(prefix##8) LH_ABI_ACCESS(prefix##16)
LH_ABI_ACCESS(__tsan_read1)
LH_ABI_SIZES(__tsan_read)
LH_ABI_ACCESS(__tsan_write1)
LH_ABI_SIZES(__tsan_write)
LH_ABI_SIZES(__tsan_unaligned_read)
LH_ABI_SIZES(__tsan_unaligned_write)
LH_ABI_ACCESS(__tsan_volatile_read1)
LH_ABI_SIZES(__tsan_volatile_read)
LH_ABI_ACCESS(__tsan_volatile_write1)
LH_ABI_SIZES(__tsan_volatile_write)
LH_ABI_SIZES(__tsan_unaligned_volatile_read)
LH_ABI_SIZES(__tsan_unaligned_volatile_write)
LH_ABI_ACCESS(__tsan_read_write1)
LH_ABI_SIZES(__tsan_read_write)
LH_ABI_SIZES(__tsan_unaligned_read_write)
#undef LH_ABI_SIZES
#undef LH_ABI_ACCESS

void __tsan_read_range(void *addr, unsigned long size);
void __tsan_write_range(void *addr, unsigned long size);
void *__tsan_memcpy(void *dst, const void *src, size_t size);
void *__tsan_memmove(void *dst, const void *src, size_t size);
void *__tsan_memset(void *dst, int c, size_t size);

#define LH_ABI_ATOMIC(bits, T)                                                                    \
  T __tsan_atomic##bits##_load(const volatile T *a, int mo);                                      \
  void __tsan_atomic##bits##_store(volatile T *a, T v, int mo);                                   \
  T __tsan_atomic##bits##_exchange(volatile T *a, T v, int mo);                                   \
  T __tsan_atomic##bits##_fetch_add(volatile T *a, T v, int mo);                                  \
  T __tsan_atomic##bits##_fetch_sub(volatile T *a, T v, int mo);                                  \
  T __tsan_atomic##bits##_fetch_and(volatile T *a, T v, int mo);                                  \
  T __tsan_atomic##bits##_fetch_or(volatile T *a, T v, int mo);                                   \
  T __tsan_atomic##bits##_fetch_xor(volatile T *a, T v, int mo);                                  \
  T __tsan_atomic##bits##_fetch_nand(volatile T *a, T v, int mo);                                 \
  int __tsan_atomic##bits##_compare_exchange_strong(volatile T *a, T *c, T v, int mo, int fail);  \
  int __tsan_atomic##bits##_compare_exchange_weak(volatile T *a, T *c, T v, int mo, int fail);    \
  T __tsan_atomic##bits##_compare_exchange_val(volatile T *a, T c, T v, int mo, int fail);
LH_ABI_ATOMIC(8, char)
LH_ABI_ATOMIC(16, short)
LH_ABI_ATOMIC(32, int)
LH_ABI_ATOMIC(64, long)
LH_ABI_ATOMIC(128, __int128)
#undef LH_ABI_ATOMIC

void __tsan_atomic_thread_fence(int mo);
void __tsan_atomic_signal_fence(int mo);

#endif
