/* analysis.c - the lock-order pipeline: lock graph, cycles, iGoodlock check, findings.
 *
 * lock_graph.c builds the graph from the tuples, cycle_search.c hands each elementary cycle (up
 * to the length limit) to check_cycle below, which asks igoodlock.c whether some choice of
 * acquisitions can really deadlock and records the verdict as a finding: an error for a potential
 * deadlock, a note for a cycle that only thread creation/join ordering prevents, a warning of its
 * own kind (single-thread-lock-order) for a cycle one thread makes alone. Limits on the
 * number of cycles and on search steps keep a pathological graph from running for ever.
 *
 * Against floods of reports: cycles arrive shortest first, and a cycle all of whose edges already
 * belong to reported cycles is only counted, not reported. Six locks inverted pairwise by many
 * threads give 15 two-lock findings instead of 409 findings of every length; the longer cycles
 * are made of the same inversions, and ordering the locks consistently removes them all.
 *
 * Then every incident (what the library saw happen at run time: a deadlock, a stall, a misuse)
 * becomes a finding of its own kind (incident_findings.c), deduplicated like the cycles. */
#include "analysis/analysis.h"

#include <stdlib.h>

#include "analysis/igoodlock.h"
#include "analysis/lock_graph.h"
#include "analysis/segments.h"
#include "base/grow.h"

#define MAX_CYCLES 100000
#define MAX_STEPS 50000000

struct pipeline {
  const struct lh_model *m;
  const struct lh_lock_graph *g;
  struct lh_segments *sg;
  struct lh_findings *findings;
  bool *in_error, *in_finding; /* per edge: part of a reported error / of any finding */
  struct lh_analysis_stats *stats;
};

static bool all_covered(const bool *covered, const uint32_t *edges, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (!covered[edges[i]]) return false;
  return true;
}

static bool check_cycle(void *ctx, const uint32_t *edges, size_t len) {
  struct pipeline *p = ctx;
  struct lh_step witness[LH_MAX_CYCLE_LENGTH_LIMIT];
  uint32_t locks[LH_MAX_CYCLE_LENGTH_LIMIT];
  enum lh_verdict v = lh_igoodlock_check(p->m, p->g, p->sg, edges, len, 0, witness);
  if (v == LH_VERDICT_NONE) return true;
  if (v == LH_VERDICT_UNDECIDED) {
    p->stats->undecided++;
    return true;
  }
  bool error = v == LH_VERDICT_DEADLOCK;
  /* a cycle one thread makes is told only when no finding covers it already */
  if (all_covered(error ? p->in_error : p->in_finding, edges, len)) {
    p->stats->covered++;
    return true;
  }
  for (size_t i = 0; i < len; i++) {
    locks[i] = p->g->edges[edges[i]].from;
    p->in_finding[edges[i]] = true;
    if (error) p->in_error[edges[i]] = true;
  }
  if (v == LH_VERDICT_ONE_THREAD)
    lh_findings_add_cycle(p->findings, p->m, LH_FINDING_SINGLE_THREAD_LOCK_ORDER, LH_LEVEL_WARNING,
                          locks, witness, len);
  else
    lh_findings_add_cycle(p->findings, p->m, LH_FINDING_LOCK_ORDER_INVERSION,
                          error ? LH_LEVEL_ERROR : LH_LEVEL_NOTE, locks, witness, len);
  return true;
}

struct lh_findings *lh_analyse(const struct lh_model *m, const struct lh_analysis_options *o,
                               struct lh_analysis_stats *stats) {
  struct lh_lock_graph *g = lh_lock_graph_build(m);
  struct pipeline p = {m,
                       g,
                       lh_segments_new(m),
                       lh_findings_new(),
                       lh_xcalloc(g->nedges, sizeof(bool)),
                       lh_xcalloc(g->nedges, sizeof(bool)),
                       stats};
  stats->covered = 0;
  stats->undecided = 0;
  struct lh_cycle_limits limits = {o->max_cycle_length ? o->max_cycle_length : 8, MAX_CYCLES,
                                   MAX_STEPS};
  if (limits.max_length > LH_MAX_CYCLE_LENGTH_LIMIT) limits.max_length = LH_MAX_CYCLE_LENGTH_LIMIT;
  stats->edges = g->nedges;
  lh_cycle_search(g, &limits, check_cycle, &p, &stats->cycles);
  for (size_t i = 0; i < m->nincidents; i++) lh_findings_add_incident(p.findings, m, (uint32_t)i);
  lh_findings_sort(p.findings, m);
  lh_segments_free(p.sg);
  free(p.in_error);
  free(p.in_finding);
  lh_lock_graph_free(g);
  return p.findings;
}
