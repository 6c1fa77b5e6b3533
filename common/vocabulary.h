/* vocabulary.h - the words both halves use for what the run file records, one list each, with the
 * name the run file gives it: lock kinds, object kinds, what a blocked thread waits on, and the
 * mode of an acquisition. The library writes these names, the analyzer reads them; a new kind is
 * one line here (docs/run-file-format.md lists them for readers). Finding kinds are the other
 * shared list: finding_kinds.def. */
#ifndef LH_VOCABULARY_H
#define LH_VOCABULARY_H

/* X(enum, name) */
#define LH_LOCK_KINDS(X)                                                                           \
  X(LH_LOCK_MUTEX, "mutex")                                                                        \
  X(LH_LOCK_RWLOCK, "rwlock")                                                                      \
  X(LH_LOCK_SPINLOCK, "spinlock")                                                                  \
  X(LH_LOCK_C11_MUTEX, "c11_mutex")                                                                \
  X(LH_LOCK_PYTHON, "python_lock")
#define LH_OBJECT_KINDS(X)                                                                         \
  X(LH_OBJECT_SEM, "sem")                                                                          \
  X(LH_OBJECT_COND, "cond")                                                                        \
  X(LH_OBJECT_BARRIER, "barrier")
/* LH_WAIT_NONE: not blocked (never written: a record without a wait has no `waits`). */
#define LH_WAIT_ONS(X)                                                                             \
  X(LH_WAIT_NONE, "none")                                                                          \
  X(LH_WAIT_LOCK, "lock")                                                                          \
  X(LH_WAIT_COND, "cond")                                                                          \
  X(LH_WAIT_SEM, "sem")                                                                            \
  X(LH_WAIT_BARRIER, "barrier")                                                                    \
  X(LH_WAIT_JOIN, "join")

#define LH_VOCABULARY_ENUM(e, name) e,
enum lh_lock_kind { LH_LOCK_KINDS(LH_VOCABULARY_ENUM) LH_LOCK_KIND_COUNT };
enum lh_object_kind { LH_OBJECT_KINDS(LH_VOCABULARY_ENUM) LH_OBJECT_KIND_COUNT };
enum lh_wait_on { LH_WAIT_ONS(LH_VOCABULARY_ENUM) LH_WAIT_ON_COUNT };
#undef LH_VOCABULARY_ENUM

/* The mode of an acquisition: "w" (exclusive) or "r" (a read lock, shared). */
enum lh_mode { LH_MODE_WRITE = 0, LH_MODE_READ = 1 };

#endif
