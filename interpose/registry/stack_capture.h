/* stack_capture.h - capturing call stacks and giving identical stacks one id.
 *
 * Stacks are taken only on slow paths (a new lock, a new acquisition tuple, a new thread), with
 * libgcc's DWARF unwinder (_Unwind_Backtrace, linked into the library: no libgcc_s is loaded),
 * which works on code built without frame pointers (libc itself); it costs a few microseconds,
 * which is why the hot path never calls it. lockhound's own frames are dropped (the wrapper on
 * top, the stack switch), so the first address is the return address into the program's caller;
 * the walk ends at the thread's entry (its start routine, or main). In a CPython process a call
 * the interpreter made keeps its call site as its one C frame, under its Python frames, with no
 * walk. Stacks are interned in a uthash table keyed by their addresses; ids are dense from 0. All
 * functions here run under the recorder lock.
 *
 * Limit: at most LH_STACK_MAX frames are kept (the walk stops there). */
#ifndef LH_STACK_CAPTURE_H
#define LH_STACK_CAPTURE_H

#include <stdint.h>

#define LH_STACK_MAX 48
#define LH_NO_STACK UINT32_MAX

/* How many times stacks already given out may have changed meaning (a library they pass through
 * was unloaded or replaced): cached stack ids taken under another value are stale. Written under
 * the recorder lock, read by any thread. */
extern uint32_t lh_stack_epoch;
static inline uint32_t lh_stack_epoch_now(void) {
  return __atomic_load_n(&lh_stack_epoch, __ATOMIC_ACQUIRE);
}

/* Takes the caller's stack and returns its id (its record is written when first referred to). */
uint32_t lh_stack_here(void);
/* The same for a call made at `site` (the wrapper's return address, 0 if unknown): in a CPython
 * process, a call the interpreter made (from its own code, or under armed Python frames) gets
 * the Python frames and the call site, without a walk. */
uint32_t lh_stack_here_at(uintptr_t site);
/* The same for a call made at `site` (the wrapper's return address) with the program's stack
 * pointer at or below sp (an address in the wrapper's frame): when the thread's last walk from
 * that site found return addresses that are still in place, its stack, without a walk. */
uint32_t lh_stack_here_from(uintptr_t site, uintptr_t sp);
/* A one-frame stack: just the call site pc, without walking the stack (in a Python program,
 * under the armed Python frames: python_frames.h). */
uint32_t lh_stack_of_site(uintptr_t pc);
/* The same, taking the recorder lock itself (on lockhound's own stack). */
uint32_t lh_stack_of_site_now(uintptr_t pc);
/* A stack known by its pcs, innermost first (the race detector's shadow stacks); at most
 * LH_STACK_MAX are kept. */
uint32_t lh_stack_of_pcs(const uintptr_t *pcs, uint32_t n);
/* Writes the stack's record (and any module it needs) if not yet in the run file. */
void lh_stack_ensure_written(uint32_t id);
void lh_stacks_mark_unwritten(void);
/* Learns the library's own code range, whose frames walks drop; once, at start-up. */
void lh_stack_warm_up(void);

#endif
