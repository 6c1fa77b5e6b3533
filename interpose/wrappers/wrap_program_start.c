/* wrap_program_start.c - __libc_start_main: where the main thread's own frames begin.
 *
 * glibc's _start hands the program's main to __libc_start_main, which calls it. Knowing main, a
 * stack walk on the main thread stops at main's frame (stack_capture.c), as a walk on any thread
 * lockhound saw created stops at its start routine (thread_state.c), instead of stepping on into
 * the C library's frames that started them (__libc_start_call_main, __libc_start_main and _start;
 * start_thread and clone3). Those frames are never worth showing, and finding their unwind
 * information reads libc's .eh_frame: 180 KiB that then stay resident for the rest of the run
 * (the kernel maps file pages 64 KiB around each fault), a twentieth of pigz's whole peak.
 *
 * Limits: a program whose main glibc's __libc_start_main does not call (another C library; a
 * static binary is never preloaded anyway) walks to the end of its stacks, as before; so does a
 * lock taken in a part of main the compiler split off (main.cold), whose frame does not start at
 * main. A main or start routine that calls itself ends the walk at its innermost call: the
 * outer calls of that recursion are not shown. */
#include "wrappers/wrapper.h"

LH_EXPORT int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
                                void (*init)(void), void (*fini)(void), void (*rtld_fini)(void),
                                void *stack_end) {
  LH_COUNT(__libc_start_main);
  if (!lh_pass() && lh_self.cold != &lh_thread_cold_none) lh_self.cold->entry = (uintptr_t)main;
  return real___libc_start_main(main, argc, argv, init, fini, rtld_fini, stack_end);
}
