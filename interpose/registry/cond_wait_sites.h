/* cond_wait_sites.h - the places a program waits on a condition variable, each written once per
 * run file as a `cond_wait_site` record, for the analyzer to read the code around them (a wait
 * under `if` instead of `while`: analyzer/symbols/cond_wait_sites.c).
 *
 * Algorithm: a bit per stack id (stack_capture.h interns every wait site's stack once), grown by
 * doubling; a wait whose stack's bit is set costs one test. The bits are cleared when a new run
 * file starts (a fork child's), which must repeat the records.
 *
 * Limits: a wait site's stack is the one its first wait was taken with (lockhound remembers a
 * stack per call site, blocking.h: lh_wait_site_stack), so a wait in a helper function shows the
 * helper's first caller only. Without memory for the bits a site is not recorded (never a wrong
 * record). Everything here runs under the recorder lock, on lockhound's own stack. */
#ifndef LH_COND_WAIT_SITES_H
#define LH_COND_WAIT_SITES_H

#include <stdint.h>

/* The calling thread waits on cond at the call site pc whose stack is `stack`. */
void lh_cond_wait_site_seen(uint32_t stack, const void *cond, uintptr_t pc);
/* A new run file starts: every site is recorded again when next waited at. */
void lh_cond_wait_sites_mark_unwritten(void);

#endif
