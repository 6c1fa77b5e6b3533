/* python_frames.h - CPython programs: which semaphores are Python's locks, and Python stacks.
 *
 * CPython 3.8 to 3.12 makes every lock of the language (threading.Lock, the lock under an RLock,
 * a Condition's waiters, Event, Semaphore, Barrier, queue.Queue, a thread's end-of-life lock) a
 * sem_t used as a binary semaphore (Python/thread_pthread.h): PyThread_allocate_lock calls
 * sem_init(value 1), an acquisition calls sem_trywait, then sem_wait or sem_clockwait, a release
 * sem_post, PyThread_free_lock sem_destroy. A distribution's interpreter is built with link-time
 * optimisation, which copies those functions into their callers (Debian's 3.11 has a dozen
 * sem_trywait call sites), so the call site cannot tell a Python lock. The semaphore can: at
 * sem_init, a semaphore that the interpreter's own code creates private with value 1 is marked,
 * in the half of glibc's sem_t that glibc never uses (it keeps 16 bytes of the 32), with a tag
 * made from its address; every later call on it checks the tag, one load from the cache line the
 * call touches anyway. In a process without CPython nothing is marked and nothing is checked.
 *
 * Python stacks are read through CPython's public C API, resolved with dlsym (the interpreter
 * exports it for extension modules): PyEval_GetFrame, then each frame's f_code, f_lineno and
 * f_back, and the code's co_qualname (co_name before 3.11) and co_filename. That is only safe
 * while the calling thread holds the GIL, which CPython holds around lock creation, the first
 * (non-blocking) try of an acquisition and a release (the thread state holding the GIL must be the
 * caller's own, in the main interpreter: a subinterpreter's threads get C stacks); a blocking
 * wait runs without it, so the
 * stack for it is taken at the failed try just before (lh_python_stash). The walk allocates no
 * object the garbage collector tracks (the collector is paused around it where the API can:
 * 3.11 makes frame objects on demand), keeps the pending exception, and keeps errno. It runs only
 * on slow paths: a new lock, a new acquisition tuple.
 *
 * Limits: CPython 3.13 made threading.Lock a PyMutex, taken with atomic instructions inside the
 * interpreter: no call a preload library sees (the probe warns once, and stalls are still seen). An
 * interpreter loaded later with dlopen (a C program embedding Python) is not probed. A C
 * extension that makes a private semaphore with value 1 gets it treated as a Python lock only if
 * its code lies in the interpreter's own object. */
#ifndef LH_PYTHON_FRAMES_H
#define LH_PYTHON_FRAMES_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Set once by lh_python_probe before lockhound is enabled: the process runs a CPython whose
 * locks lockhound sees. */
extern bool lh_python_on;
/* The process runs CPython, whichever version (3.13 and later: lh_python_on stays false). */
extern bool lh_python_interpreter;

/* In a sem_t, the bytes glibc leaves alone: the tag, and a thread's end-of-life lock's thread. */
#define LH_PY_TAG_OFFSET 24
#define LH_PY_OWNER_OFFSET 16
#define LH_PY_TAG_MAGIC 0x6c6b68505954484full
#define LH_PY_TAG_SENTINEL 0x6c6b6853454e5449ull
#define LH_PY_TAG_WAITER 0x6c6b685741495445ull
/* Kept as is (not mixed with the address, which differs from process to process): a
 * multiprocessing lock, a named semaphore in a file every process of the program maps. */
#define LH_PY_TAG_SHARED 0x6c6b68534852454dull

static inline uint64_t lh_python_tag(const void *sem) {
  uint64_t tag;
  memcpy(&tag, (const char *)sem + LH_PY_TAG_OFFSET, sizeof tag);
  return tag ^ (uintptr_t)sem;
}
static inline bool lh_python_lock(const void *sem) {
  if (__builtin_expect(!lh_python_on, 1)) return false;
  uint64_t tag = lh_python_tag(sem);
  return tag == LH_PY_TAG_MAGIC || tag == LH_PY_TAG_SENTINEL ||
         (tag ^ (uintptr_t)sem) == LH_PY_TAG_SHARED;
}
/* At sem_open: a multiprocessing.Lock or RLock (a named semaphore of value 1 that
 * _multiprocessing creates; the tag lives in the shared file, so a process that opens it by
 * name - a spawned child - knows it too), which becomes a Python lock; returns whether it is one.
 * The lock's identity across processes is its place in the file (lock_registry.h). */
bool lh_python_sem_opened(void *sem, bool created, unsigned value, uintptr_t pc);
/* A Condition's waiter (python_frames.c): a one-shot signal, made in Condition.wait, taken by the
 * waiting thread and then waited on until a notify releases it. It is a semaphore to lockhound,
 * not a lock; the stack that made it (Condition.wait, under the program's call that waits) is kept
 * with it, for its waits. */
static inline bool lh_python_waiter(const void *sem) {
  return __builtin_expect(lh_python_on, 0) && lh_python_tag(sem) == LH_PY_TAG_WAITER;
}
static inline uint32_t lh_python_waiter_stack(const void *sem) {
  uint32_t stack;
  memcpy(&stack, (const char *)sem + LH_PY_OWNER_OFFSET, sizeof stack);
  return stack;
}
/* The armed frames (lh_python_arm) are inside threading's Condition.wait: the lock being made is
 * a waiter, which lh_python_mark_waiter tags, with the stack that made it. */
bool lh_python_armed_waiter(void);
void lh_python_mark_waiter(void *sem, uint32_t stack);

/* A thread's end-of-life lock ("sentinel": threading's Thread._tstate_lock, which the thread
 * holds while it lives and the interpreter releases as it ends; Thread.join takes it): the
 * thread it belongs to, else -1. */
static inline int32_t lh_python_sentinel_of(const void *sem) {
  int32_t owner;
  if (lh_python_tag(sem) != LH_PY_TAG_SENTINEL) return -1;
  memcpy(&owner, (const char *)sem + LH_PY_OWNER_OFFSET, sizeof owner);
  return owner;
}
/* Drops the Python locks from the calling thread's held set: in a fork child, whose thread holds
 * copies CPython abandons (it makes its own locks afresh after a fork, _PyThread_at_fork_reinit:
 * the import lock, each thread's locks; a program's own lock held across fork() is forgotten with
 * them, Python programs fork from multiprocessing, holding none), and as a thread ends: a Python
 * thread may end holding a Lock that another thread will release (a hand-over), and a daemon
 * thread is stopped wherever it is when the interpreter shuts down - no exit-holding-lock. */
void lh_python_forget_held(void);

/* Marks the Python lock the calling thread just made as its own sentinel when the Python code
 * making it is threading's Thread._set_tstate_lock, or _reset_internal_locks, which makes it
 * again in a fork child (its armed frames say so). */
void lh_python_check_sentinel(void *sem, int32_t thread);
/* At sem_init (value and pshared as given, pc its return address): marks the semaphore as a
 * Python lock or clears any mark its memory kept; returns whether it is one. */
bool lh_python_sem_made(void *sem, int pshared, unsigned value, uintptr_t pc);
/* At sem_destroy of a Python lock: the memory is not a lock any more. */
void lh_python_sem_gone(void *sem);
/* The key pc of Python lock acquisitions (see wrap_semaphore.c). */
extern uintptr_t lh_python_key_pc;

/* Whether pc lies in the CPython interpreter's own object (false in a process without one). */
bool lh_python_code(uintptr_t pc);

/* Finds the interpreter, once, at start-up. */
void lh_python_probe(void);

/* A Python stack, innermost frame first, copied out of the interpreter. */
#define LH_PY_MAX_FRAMES 32
#define LH_PY_TEXT 4096
struct lh_py_frame {
  uint16_t function, file; /* offsets in text */
  int32_t line;
};
struct lh_py_frames {
  uint32_t n;
  uintptr_t for_addr; /* the lock the stash was taken for (lh_python_stash) */
  bool ready;         /* what follows is the calling thread's current stack */
  bool busy;          /* a walk is running on this thread: no nested one */
  struct lh_py_frame f[LH_PY_MAX_FRAMES];
  char text[LH_PY_TEXT];
};

/* Before a slow path about the Python lock at addr: makes the calling thread's Python stack the
 * one its next captured stacks start with (stack_capture.h), when the thread holds the GIL, or
 * when a stash was taken for addr; lh_python_done ends it. Never under the recorder lock: the
 * walk runs the interpreter's code. */
void lh_python_arm(uintptr_t addr);
void lh_python_done(void);
/* At a failed first try on the lock at addr (the GIL is held): keeps the stack for the blocking
 * wait that follows without the GIL. */
void lh_python_stash(uintptr_t addr);
/* The wait the stash was for is over. */
void lh_python_unstash(void);
/* The calling thread's armed frames, or NULL (stack_capture.c, under the recorder lock). */
const struct lh_py_frames *lh_python_armed(void);

#endif
