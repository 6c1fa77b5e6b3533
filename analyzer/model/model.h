/* model.h - what the analyzer knows after loading run files: one model for all files merged.
 *
 * Everything is held in arrays indexed by small integers (model indices, not the file-local ids
 * of the run file): files, modules, stacks, threads, locks, acquisition tuples and joins.
 *  - modules are merged by path, and every frame is stored as (module index, module-relative
 *    address), so the same code in two processes gives the same frame;
 *  - stacks are merged by content, so equal stack indices mean equal call paths;
 *  - threads are never merged across files: each belongs to exactly one file;
 *  - locks merge across the files of one lineage group by their lock key (see lock_key in
 *    run_loader.c): a global lock by its module and offset, any other lock by the stack that
 *    created it and its rank among the locks created there. Locks of different groups never
 *    merge - except a lock in a shared mapping whose record names its backing object: it merges
 *    across every file of the session by that identity (lh_model_backed_key), so that one
 *    process-shared lock is one lock in every process of a run;
 *  - objects (semaphores, condition variables, barriers) merge like locks, by an object key;
 *  - a fork child's file knows its fork point: the parent's file and the thread and segment that
 *    forked (lh_model_finish finds them), which order the child after what came before;
 *  - incidents, the library's `finding` records (what it saw happen at run time), are kept as
 *    recorded, one per record; findings.c turns them into findings and removes duplicates. A
 *    data race is an incident too, with its two accesses and the memory in `race`.
 * The model owns every string and array it points to; lh_model_free releases all of it. */
#ifndef LH_MODEL_H
#define LH_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/vocabulary.h"

#define LH_NONE (-1)

struct lh_run_file {
  char *path;
  long long pid, ppid;
  long long start_ns; /* when the process started (0 when unknown) */
  char *exe;
  char *lineage;
  char *session;
  uint32_t group; /* lineage group: files whose locks may merge */
  bool ended;     /* an `end` record was seen: the program shut down in order */
  int signal;     /* the signal the process died of (the `end` record's, or the wait
                         * status `lockhound run` saw), 0: none known */
  bool truncated; /* the last line was cut short */
  bool stopped;   /* lockhound itself ended or aborted the program (a finding's action) */
  bool races;     /* the race detector ran in it (built with `lockhound cc`): its `end` says so */
  uint32_t thread_begin, thread_end; /* this file's threads: [begin, end) */
  uint32_t locks_seen;               /* lock records accepted */
  /* What the run saw, from its `calls` record (counted: the record had these fields, written by
   * libraries since -v counts them): calls of the lock functions, those that failed, and the locks
   * the process registered, nested or not (the run file has lock records for nested ones only). */
  bool counted;
  uint64_t lock_calls, failed_locks, locks_used;
  uint32_t threads_created; /* thread records other than the main thread */
  bool fork_child;          /* its first thread came from fork(): leaving with _exit is normal */
  uint32_t bad_records;
  /* The fork point of a fork child (run record): the parent's pid, the forking thread's id there
   * and its segment at the fork (LH_NONE / 0 when not given); and, after lh_model_finish, the
   * parent's file and that thread's model index (LH_NONE when the parent's file is not loaded). */
  long long forked_from;
  int32_t fork_thread_id, fork_seg;
  int32_t fork_parent, fork_thread;
};

struct lh_group {
  char *key;
}; /* exe "\x1f" lineage */

struct lh_module {
  char *path;
};

/* A frame of a Python program (a `pyframe` record), merged by content. */
struct lh_pyframe {
  char *function, *file;
  int32_t line;
};

#define LH_PYFRAME_MODULE (-2)
struct lh_frame {
  int32_t module; /* LH_NONE: the address lies in no known module; rel is then absolute;
                   * LH_PYFRAME_MODULE: a Python frame, rel its index in model->pyframes */
  uint64_t rel;   /* return address relative to the module's load bias */
};

struct lh_stack {
  uint32_t n;
  struct lh_frame *frames; /* innermost first */
};

struct lh_thread {
  uint32_t file;
  int32_t id; /* lockhound's thread number in its file: 0 is the main thread */
  long long tid;
  int32_t parent;     /* model index of the creator, or LH_NONE */
  int32_t parent_seg; /* creator's segment at the creation */
  int32_t stack;      /* creation stack, or LH_NONE */
  char *how;
  uint32_t first_join, njoins; /* this thread's joins, in model->joins (sorted by thread) */
};

struct lh_lock {
  char *key;       /* merge key, unique in the model (group-prefixed) */
  uint32_t file;   /* file where it was first seen (for naming) */
  int32_t file_id; /* its id there */
  enum lh_lock_kind kind;
  uint64_t addr;
  int32_t module; /* module of a global lock, LH_NONE for any other */
  uint64_t rel;   /* module-relative address of a global lock */
  int32_t gen;
  bool init;          /* how == "init"; else first seen in use */
  int32_t stack;      /* init or first-use stack, or LH_NONE */
  bool prefer_writer; /* rwlock that makes new readers wait behind a waiting writer */
  bool robust;        /* a robust mutex: its owner's death hands it on with EOWNERDEAD */
  int64_t made;       /* its creation order in its process (Python locks), -1 unknown */
  bool shared;        /* in a shared mapping, keyed by its backing object: one lock in every
                       * process of the session (lh_model_backed_key) */
  char *type;
};

/* One `contention` record: how one lock was used in one run (--contention). */
struct lh_lock_profile {
  uint32_t lock; /* model index */
  uint64_t acquisitions, contended, wait_ns, max_wait_ns, hold_ns, max_hold_ns;
};

struct lh_object {
  char *key;     /* merge key, unique in the model (group-prefixed) */
  uint32_t file; /* file where it was first seen (for naming) */
  enum lh_object_kind kind;
  uint64_t addr;
  int32_t module; /* module of a global object, LH_NONE for any other */
  uint64_t rel;   /* module-relative address of a global object */
  int32_t stack;  /* init or first-use stack, or LH_NONE */
  bool init;      /* seen in its init call (`how`: "init"; the default for sem and barrier) */
  int64_t count;  /* barriers: how many threads it waits for; 0 when unknown */
  char *name;     /* named semaphores: the name given to sem_open, else NULL */
};

struct lh_held {
  uint32_t lock;
  uint8_t mode;  /* enum lh_mode */
  int32_t stack; /* where it was taken, or LH_NONE */
};

struct lh_tuple {
  uint32_t thread;
  int32_t seg;
  uint32_t lock;
  uint8_t mode;
  int32_t stack;
  uint32_t nheld;
  struct lh_held *held; /* oldest first */
  bool is_try, timed, cond;
};

struct lh_join {
  uint32_t thread; /* joiner */
  int32_t seg;     /* joiner's segment at the join */
  uint32_t joined;
};

/* A place the program waits on a condition variable (`cond_wait_site` records): the analyzer reads
 * the code around it (symbols/cond_wait_sites.c). */
struct lh_cond_wait_site {
  uint32_t file;
  uint32_t thread; /* the first thread seen waiting there */
  int32_t stack;
  uint32_t object; /* the condition variable */
};

/* ---- incidents: the library's `finding` records ---- */

struct lh_wait {      /* what a thread is blocked in */
  enum lh_wait_on on; /* LH_WAIT_NONE: the entry has no `waits` */
  char *call;         /* "pthread_mutex_lock" */
  int32_t lock;       /* on lock: the lock, else LH_NONE */
  uint8_t mode;       /* on lock */
  int32_t object;     /* on cond, sem, barrier: the object, else LH_NONE */
  int32_t mutex;      /* on cond: its mutex, or LH_NONE */
  int32_t joins;      /* on join: the thread waited for (model index), else LH_NONE */
  int32_t stack;      /* where it blocks, or LH_NONE */
  int64_t since_ns;   /* 0 when unknown */
  bool timed;
};

struct lh_tries { /* livelock: failed trylocks since the last success */
  int32_t lock;   /* LH_NONE: the entry has no `tries` */
  int64_t failures, since_ns;
  int32_t holder; /* the thread that held the lock at the last failure, or LH_NONE */
};

struct lh_incident_thread {
  uint32_t thread;
  struct lh_wait waits;
  uint32_t nholds;
  struct lh_held *holds; /* oldest first */
  int32_t stack;         /* where it did what the incident is about, or LH_NONE */
  struct lh_tries tries;
};

struct lh_related { /* another place that matters */
  int32_t thread;   /* LH_NONE when not given */
  int32_t stack;
  char *what; /* the library's words, e.g. "taken" */
};

struct lh_object_state { /* an object's state at the incident */
  uint32_t object;
  bool has_value, has_count;
  int64_t value;          /* semaphores */
  int64_t count, arrived; /* barriers */
};

/* ---- data races: a `finding` of kind data-race, with its two accesses ---- */

/* What an access of a data race was, when not the program's own load or store (run file `op`). */
enum lh_access_op {
  LH_ACCESS_PLAIN,
  LH_ACCESS_FREE,      /* "free": free or realloc of the block, a write of all of it */
  LH_ACCESS_SYNC_USE,  /* "sync-use": a lock, unlock, wait or post on the object's memory */
  LH_ACCESS_SYNC_WRITE /* "sync-init-destroy": an init or destroy of a synchronisation object */
};

struct lh_access { /* one of the two accesses of a data race */
  uint32_t thread;
  uint64_t addr; /* the bytes it touched: [addr, addr + size) */
  uint32_t size;
  bool write, atomic;
  uint8_t op;    /* enum lh_access_op */
  int32_t stack; /* the access's site first, then its callers; or LH_NONE */
  uint32_t nlocks;
  struct lh_held *locks; /* held at the access, oldest first (their stack is LH_NONE) */
};

struct lh_race {
  uint64_t addr;  /* the first byte both accesses touch */
  int32_t module; /* the module whose PT_LOAD segments hold addr (a global), else LH_NONE */
  uint64_t rel;   /* addr relative to that module's load bias */
  struct lh_access access[2]; /* [0] the access that found the race (the later), [1] the earlier */
  bool heap;                  /* addr lies in a malloc'ed block: the block_ fields are set */
  uint64_t block_addr, block_size;
  int32_t block_thread, block_stack; /* who allocated it, and where (LH_NONE when unknown) */
};

struct lh_incident {
  uint32_t file;
  int kind; /* enum lh_finding_kind (findings.h) */
  int64_t ns;
  char *action;     /* "exit", "abort", "wait" or "continue" */
  char *detail;     /* sub-kind, or NULL */
  char *cycle;      /* a deadlock across processes: the cycle's name, the same in each process's
                     * part; lh_model_finish joins the parts of one session into one incident */
  int64_t exitcode; /* the exit code the library ended the run with, -1 when not given */
  uint32_t nthreads;
  struct lh_incident_thread *threads;
  int32_t lock, object, thread; /* what it is about, each LH_NONE when not given */
  uint32_t nrelated;
  struct lh_related *related;
  uint32_t nstates;
  struct lh_object_state *states;
  struct lh_race *race; /* data-race only, else NULL */
};

struct lh_model {
  struct lh_run_file *files;
  size_t nfiles, cap_files;
  struct lh_group *groups;
  size_t ngroups, cap_groups;
  struct lh_module *modules;
  size_t nmodules, cap_modules;
  struct lh_stack *stacks;
  size_t nstacks, cap_stacks;
  struct lh_pyframe *pyframes;
  size_t npyframes, cap_pyframes;
  struct lh_thread *threads;
  size_t nthreads, cap_threads;
  struct lh_lock *locks;
  size_t nlocks, cap_locks;
  struct lh_tuple *tuples;
  size_t ntuples, cap_tuples;
  struct lh_join *joins;
  size_t njoins, cap_joins;
  struct lh_object *objects;
  size_t nobjects, cap_objects;
  struct lh_incident *incidents;
  size_t nincidents, cap_incidents;
  struct lh_cond_wait_site *wait_sites;
  size_t nwait_sites, cap_wait_sites;
  struct lh_lock_profile *profiles;
  size_t nprofiles, cap_profiles; /* `contention` records */
  struct lh_model_index *index;   /* hash tables for merging (model.c) */
};

struct lh_model *lh_model_new(void);
void lh_model_free(struct lh_model *m);

/* Merging lookups: each returns the model index, adding the entry when it is new. */
uint32_t lh_model_group(struct lh_model *m, const char *exe, const char *lineage);
uint32_t lh_model_module(struct lh_model *m, const char *path);
uint32_t lh_model_stack(struct lh_model *m, const struct lh_frame *frames, uint32_t n);
uint32_t lh_model_pyframe(struct lh_model *m, const char *function, const char *file, int32_t line);
/* Where a frame's code lies, for keys that must survive a run: the module's path ("?" outside
 * any) and the module-relative address, or a Python frame's file and line. */
/* The stack starts with Python frames: it was taken in a Python program (lockhound's Python
 * locks, waits and threads). */
bool lh_model_stack_is_python(const struct lh_model *m, int32_t stack);
const char *lh_model_frame_origin(const struct lh_model *m, const struct lh_frame *f);
uint64_t lh_model_frame_offset(const struct lh_model *m, const struct lh_frame *f);
/* Returns the lock with this key, or adds *proto (taking ownership of its strings) under it.
 * *added tells which happened. */
uint32_t lh_model_lock(struct lh_model *m, const char *key, struct lh_lock *proto, bool *added);

/* The same for objects. */
uint32_t lh_model_object(struct lh_model *m, const char *key, struct lh_object *proto, bool *added);

/* The merge key of a lock or object in a shared mapping, by its identity: the session, what it
 * is ("mutex", "O:sem"...), the backing object's device and inode, and the offset in it. The
 * same in every file of one session, whatever the lineage group (a string the caller frees). */
char *lh_model_backed_key(const char *session, const char *what, unsigned dev_major,
                          unsigned dev_minor, uint64_t ino, uint64_t off);

/* Appending records that are never merged. */
struct lh_run_file *lh_model_add_file(struct lh_model *m, const char *path);
uint32_t lh_model_add_thread(struct lh_model *m, const struct lh_thread *t);
void lh_model_add_tuple(struct lh_model *m, const struct lh_tuple *t); /* takes t->held */
void lh_model_add_join(struct lh_model *m, const struct lh_join *j);
void lh_model_add_wait_site(struct lh_model *m, const struct lh_cond_wait_site *w);
void lh_model_add_incident(struct lh_model *m, const struct lh_incident *x); /* takes its arrays */
void lh_incident_free(struct lh_incident *x);

/* Called once after the last file: sorts joins by thread and fills first_join/njoins; finds each
 * fork child's parent file (same session, the parent's pid, the lineage without its last /fN)
 * and forking thread. */
void lh_model_finish(struct lh_model *m);

/* Names for the record vocabulary (common/vocabulary.h): a mode as "write" / "read"; a kind as
 * the run file names it ("mutex", "rwlock", "spinlock", "c11_mutex"; "sem", "cond", "barrier")
 * and in prose ("mtx"; "semaphore", "condition variable"); the kind or wait a run file's name
 * stands for, false when none ("none" is never a wait read from a file). */
const char *lh_mode_name(enum lh_mode mode);
const char *lh_lock_kind_name(enum lh_lock_kind kind);
const char *lh_lock_kind_word(enum lh_lock_kind kind);
const char *lh_object_kind_name(enum lh_object_kind kind);
const char *lh_object_kind_word(enum lh_object_kind kind);
bool lh_lock_kind_of_name(const char *s, enum lh_lock_kind *kind);
bool lh_object_kind_of_name(const char *s, enum lh_object_kind *kind);
bool lh_wait_on_of_name(const char *s, enum lh_wait_on *on);

#endif
