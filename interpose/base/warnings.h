/* warnings.h - a message from lockhound to the person running the program ("lockhound: ..."), on
 * stderr, written without stdio (the program's stdio state is its own, and a warning may come
 * from a signal handler or a dying process). */
#ifndef LH_WARNINGS_H
#define LH_WARNINGS_H

/* Writes "lockhound: <message>\n" on descriptor 2 in one write system call (1 KiB at most). */
void lh_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
