/* incidents.h - incidents: what the library sees happen while the program runs, written as the
 * run file's `finding` records (ending the run after one: report_at_exit.h).
 *
 * An incident is built as a struct lh_incident, written as one `finding` record (with every lock,
 * object, thread and stack it names written before it), and then acted on: a deadlock, stall or
 * livelock ends the run as LOCKHOUND_OPTIONS' on_deadlock says; misuse lets it go on. */
#ifndef LH_INCIDENTS_H
#define LH_INCIDENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/finding_kinds.h"
#include "registry/held_locks.h"
#include "registry/wait_state.h"

#define LH_INCIDENT_MAX_THREADS 64
#define LH_INCIDENT_MAX_HELD 32
#define LH_INCIDENT_MAX_RELATED 4
#define LH_INCIDENT_MAX_OBJECTS 16

struct lh_incident_thread {
  int32_t thread;
  bool has_wait;
  struct lh_wait wait;  /* a consistent copy */
  uint32_t wait_object; /* cond/sem/barrier waits: the object id */
  uint32_t nheld;
  struct lh_held_entry held[LH_INCIDENT_MAX_HELD];
  uint32_t stack; /* the bad call, LH_NO_STACK if none */
  bool has_tries;
  uint32_t try_lock, try_failures;
  int32_t try_holder;    /* the thread holding try_lock at the last failure, -1: unknown */
  uint64_t try_since_ns; /* CLOCK_MONOTONIC, like wait.since_ns */
};

struct lh_incident_related {
  int32_t thread;
  uint32_t stack;
  const char *what;
};

struct lh_object_state {
  uint32_t object;
  bool is_barrier;
  int value;               /* semaphores */
  unsigned count, arrived; /* barriers */
};

struct lh_incident {
  enum lh_finding_kind kind; /* written as its rule id */
  const char *detail;        /* NULL: none */
  const char *cycle;         /* a deadlock across processes: the cycle's name (shared_waits.h) */
  const char *action;        /* "exit", "abort", "wait", "continue" */
  uint32_t nthreads;
  struct lh_incident_thread threads[LH_INCIDENT_MAX_THREADS];
  int64_t lock, object, thread; /* the subject, -1: none */
  uint32_t nrelated;
  struct lh_incident_related related[LH_INCIDENT_MAX_RELATED];
  uint32_t nobjects;
  struct lh_object_state objects[LH_INCIDENT_MAX_OBJECTS];
};

/* A finding with no subject and nothing in it yet. */
void lh_incident_init(struct lh_incident *f, enum lh_finding_kind kind, const char *action);
/* The action on_deadlock asks for, as the record names it. */
const char *lh_incident_end_action(void);
/* Under the recorder lock: writes the record. */
void lh_incident_write(const struct lh_incident *f);
/* Under the recorder lock: whether a finding of this kind and detail (NULL: none) at this call
 * site is new, remembering it - a misuse is written once per site, however often it is made. */
bool lh_incident_first_at(enum lh_finding_kind kind, const char *detail, uintptr_t pc);
/* From anywhere, a signal handler included (atomics only): a finding about object obj (okind:
 * object_registry.h) made by the calling thread at pc, written later by
 * lh_incident_write_deferred. One waits at a time: others made meanwhile are dropped. detail
 * must be a string literal. */
void lh_incident_defer(enum lh_finding_kind kind, const char *detail, const void *obj,
                       uint8_t okind, uintptr_t pc);
/* Not under the recorder lock, where writing is safe (the watchdog's scans, the end of a run):
 * writes the deferred finding, if there is one and its site is new. */
void lh_incident_write_deferred(void);

#endif
