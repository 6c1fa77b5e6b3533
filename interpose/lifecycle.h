/* lifecycle.h - the moments of a process's life that every engine takes part in, in one place
 * (lifecycle.c): start, fork, a failed exec, end. The wrappers call these; the engines never
 * call each other for them. */
#ifndef LH_LIFECYCLE_H
#define LH_LIFECYCLE_H

/* Around fork(): prepare takes the recorder lock (the child's copy of the tables is then
 * consistent); the parent lets it go; the child forgets the other threads, starts a run file of
 * its own and has no watchdog until it needs one. */
void lh_fork_prepare(void);
void lh_fork_parent(void);
void lh_fork_child(void);

/* After an exec that failed: recording goes on, in a new run file. */
void lh_run_resume(void);

#endif
