/* incident_parts.h - what the tellings of the library's run-time findings share (incident_parts.c:
 * names and common lines), used by report_incident.c (deadlocks, stalls, livelocks, and the
 * dispatch), report_misuse.c (misuse of the API) and incident_json.c (the JSON fields). Private
 * to report/. */
#ifndef LH_INCIDENT_PARTS_H
#define LH_INCIDENT_PARTS_H

#include <jansson.h>

#include "report/report.h"

/* "barrier start_line", "semaphore /jobs", "barrier initialised at b.c:9": an object or a mutex
 * with its kind in front, unless its name already starts with it. */
struct phrase {
  char s[320];
};
/* "T1", "T1@4242": a thread as the report names it ("?" for none). */
struct label {
  char s[64];
};

/* The incident a finding comes from. */
const struct lh_incident *lh_incident_of(const struct lh_report *r, const struct lh_finding *f);
/* Names: a thread's label, a lock's name ("?" for none), an object or a mutex as a phrase. */
struct label lh_incident_label_of(const struct lh_model *m, int32_t thread);
const char *lh_incident_lock_name(const struct lh_text *x, int32_t l);
struct phrase lh_incident_mutex_phrase(const struct lh_text *x, int32_t l);
struct phrase lh_incident_object_phrase(const struct lh_text *x, int32_t o);
/* The function a wait is blocked in, when the record does not say; the incident's state of an
 * object, or NULL. */
const char *lh_incident_default_call(const struct lh_model *m, const struct lh_wait *w);
const struct lh_object_state *lh_incident_state_of(const struct lh_incident *in, int32_t object);
/* The i-th thread of a wait cycle as told: from its earliest thread, whichever the library found
 * it from. */
const struct lh_incident_thread *lh_incident_told(const struct lh_model *m,
                                                  const struct lh_incident *in, uint32_t i);
/* Lines: an empty one, "blocked in CALL" with its stack, "Fix: ...". */
void lh_incident_blank(const struct lh_text *x);
void lh_incident_blocked_in(const struct lh_text *x, const struct lh_incident_thread *t);
void lh_incident_fix_line(const struct lh_text *x, enum lh_msg text);
/* "  T1 (created at main prog.c:58) "; a thread's held locks, each with where it took it; who of
 * the incident holds lock (other than self: "held by T2 and T3"), false if nobody; where thread
 * took lock, or LH_NONE; the line saying who holds what t waits for; the end of a "waits for"
 * line; what lockhound did to the program. */
void lh_incident_thread_intro(const struct lh_text *x, uint32_t thread);
void lh_incident_holds_lines(const struct lh_text *x, const struct lh_incident_thread *t);
bool lh_incident_holders(const struct lh_text *x, const struct lh_incident *in, uint32_t lock,
                         int32_t self, char *out, size_t size);
int32_t lh_incident_taken_at(const struct lh_incident *in, uint32_t thread, uint32_t lock);
void lh_incident_lock_holder_line(const struct lh_text *x, const struct lh_incident *in,
                                  const struct lh_incident_thread *t);
void lh_incident_waits_for_end(const struct lh_text *x, int32_t thread);
void lh_incident_action_line(const struct lh_text *x, const struct lh_incident *in);

/* Misuse of the API, told (report_misuse.c). */
void lh_text_misuse(const struct lh_text *x, const struct lh_incident *in);

#endif
