/* segments.c - which thread segments are ordered by thread creation and join.
 *
 * A thread's life is cut into segments (docs/run-file-format.md). Three kinds of edges order
 * them: (t,s) -> (t,s+1); the creator's (p, parent_seg) -> (child, 0); every segment of a joined
 * thread u -> (joiner, seg+1). (a) comes before (b) when a path of edges leads from a to b.
 *
 * Algorithm: for a queried segment b we compute, for every thread u of b's file, the latest
 * segment of u that reaches b (a vector clock, -1 when none): start from b's own thread, follow
 * creator and join edges backwards with a worklist until nothing grows. Since "(u,s) reaches b"
 * implies "(u,s') reaches b" for s' < s, one number per thread is enough. A query costs
 * O(threads + joins) of that file and the clock is memoised per segment, so checking many
 * acquisition pairs costs little: only segments that appear in candidate deadlocks are queried.
 * Memory: one clock (4 bytes per thread of the file) per queried segment.
 *
 * For sweeps over many segments (igoodlock.c) two more tools, with nothing memoised per segment:
 * lh_segments_order numbers all segments once in a topological order (Kahn's algorithm over the
 * segment graph, O(segments + threads + joins)), and lh_segments_before_once answers one query
 * by a backward search that stops as soon as it reaches its target, latest joins first (a few
 * steps for threads created and joined one after another; O(threads + joins) at worst).
 *
 * Across files: a fork child's file comes after its fork point, the parent's forking thread in
 * its segment at the fork (the parent goes on in the next one): everything the child's threads
 * do comes after what came before that point in the parent, and after the parent's own fork
 * point in its parent, and so on up. So (a) in file F comes before (b) in another file exactly
 * when F is an ancestor of b's file and (a) comes before the fork point, in F, of the child of F
 * on the way down to b's file. Files of processes not related by fork (started by exec, or
 * siblings) are never ordered: waitpid, pipes and the like are not seen. */
#include "analysis/segments.h"

#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "base/grow.h"

#define ALL_SEGMENTS INT32_MAX

struct seg_key {
  uint32_t thread;
  int32_t seg;
};

struct clock {
  struct seg_key key;
  int32_t *latest; /* per thread of the file (index thread - file.thread_begin) */
  UT_hash_handle hh;
};

struct lh_segments {
  const struct lh_model *m;
  struct clock *clocks;
  uint32_t *work; /* worklist scratch, sized for the largest file */
  size_t work_cap;
  /* For lh_segments_order, built at its first call: each thread's children and the joins that
   * joined it, as ranges [start[t], start[t + 1]) of model thread / join indices. */
  uint32_t *child_start, *children, *joined_start, *joined_by;
  /* lh_segments_order: segment s of thread t is node seg_start[t] + min(s, nsegs[t] - 1). */
  uint32_t *seg_start, *nsegs, *order;
  /* lh_segments_before_once: per thread, the latest segment reached by query `stamp[t]`. */
  uint32_t *stamp, query;
  int32_t *reached;
};

struct lh_segments *lh_segments_new(const struct lh_model *m) {
  struct lh_segments *sg = lh_xcalloc(1, sizeof *sg);
  sg->m = m;
  return sg;
}

void lh_segments_free(struct lh_segments *sg) {
  if (!sg) return;
  struct clock *c, *tmp;
  HASH_ITER(hh, sg->clocks, c, tmp) {
    HASH_DEL(sg->clocks, c);
    free(c->latest);
    free(c);
  }
  free(sg->work);
  free(sg->child_start);
  free(sg->children);
  free(sg->joined_start);
  free(sg->joined_by);
  free(sg->seg_start);
  free(sg->nsegs);
  free(sg->order);
  free(sg->stamp);
  free(sg->reached);
  free(sg);
}

/* Raises the clock entry of thread u to seg and queues u when it grew. */
static void raise_entry(struct lh_segments *sg, int32_t *latest, uint32_t begin, uint32_t u,
                        int32_t seg, size_t *nwork) {
  if (latest[u - begin] >= seg) return;
  latest[u - begin] = seg;
  lh_grow(&sg->work, &sg->work_cap, *nwork + 1, sizeof *sg->work);
  sg->work[(*nwork)++] = u;
}

/* Fills latest[] (one entry per thread of the file) with the clock of (thread, seg). */
static void backward(struct lh_segments *sg, uint32_t thread, int32_t seg, int32_t *latest) {
  const struct lh_model *m = sg->m;
  const struct lh_run_file *f = &m->files[m->threads[thread].file];
  uint32_t begin = f->thread_begin, n = f->thread_end - begin;
  for (uint32_t i = 0; i < n; i++) latest[i] = -1;
  /* A thread is queued each time its entry grows; entries only grow, so this ends. */
  size_t nwork = 0;
  raise_entry(sg, latest, begin, thread, seg, &nwork);
  while (nwork) {
    uint32_t u = sg->work[--nwork];
    int32_t reach = latest[u - begin];
    const struct lh_thread *t = &m->threads[u];
    if (t->parent != LH_NONE)
      raise_entry(sg, latest, begin, (uint32_t)t->parent, t->parent_seg, &nwork);
    for (uint32_t j = t->first_join; j < t->first_join + t->njoins; j++)
      if (m->joins[j].seg < reach) /* joined in seg s: everything it did precedes s + 1 */
        raise_entry(sg, latest, begin, m->joins[j].joined, ALL_SEGMENTS, &nwork);
  }
}

static const int32_t *clock_of(struct lh_segments *sg, uint32_t thread, int32_t seg) {
  struct seg_key key = {thread, seg};
  struct clock *c;
  HASH_FIND(hh, sg->clocks, &key, sizeof key, c);
  if (c) return c->latest;
  const struct lh_model *m = sg->m;
  const struct lh_run_file *f = &m->files[m->threads[thread].file];
  int32_t *latest = lh_xmalloc((f->thread_end - f->thread_begin) * sizeof *latest);
  backward(sg, thread, seg, latest);
  c = lh_xcalloc(1, sizeof *c);
  c->key = key;
  c->latest = latest;
  HASH_ADD(hh, sg->clocks, key, sizeof c->key, c);
  return latest;
}

/* When file is an ancestor of thread *tb's file by fork, moves (*tb, *sb) up to the fork point
 * in file that everything in *tb's file comes after, and returns true; false when it is not
 * (the chain is bounded by the number of files: a damaged file cannot make it loop). */
static bool lift_to_file(const struct lh_model *m, uint32_t file, uint32_t *tb, int32_t *sb) {
  uint32_t f = m->threads[*tb].file;
  for (size_t depth = 0; f != file; depth++) {
    const struct lh_run_file *rf = &m->files[f];
    if (rf->fork_parent == LH_NONE || rf->fork_thread == LH_NONE || depth >= m->nfiles)
      return false;
    *tb = (uint32_t)rf->fork_thread;
    *sb = rf->fork_seg;
    f = (uint32_t)rf->fork_parent;
  }
  return true;
}

bool lh_segments_before(struct lh_segments *sg, uint32_t ta, int32_t sa, uint32_t tb, int32_t sb) {
  const struct lh_model *m = sg->m;
  if (!lift_to_file(m, m->threads[ta].file, &tb, &sb)) return false;
  const int32_t *latest = clock_of(sg, tb, sb);
  return latest[ta - m->files[m->threads[tb].file].thread_begin] >= sa;
}

bool lh_segments_parallel(struct lh_segments *sg, uint32_t ta, int32_t sa, uint32_t tb,
                          int32_t sb) {
  return !lh_segments_before(sg, ta, sa, tb, sb) && !lh_segments_before(sg, tb, sb, ta, sa);
}

/* Groups `count` items by key(i) < n into start[0..n] and list (counting sort, stable). */
static void index_by(uint32_t n, size_t count, uint32_t (*key)(const struct lh_model *, size_t),
                     const struct lh_model *m, uint32_t **start_out, uint32_t **list_out) {
  uint32_t *start = lh_xcalloc(n + 1, sizeof *start),
           *list = lh_xcalloc(count ? count : 1, sizeof *list);
  for (size_t i = 0; i < count; i++) start[key(m, i) + 1]++;
  for (uint32_t v = 0; v < n; v++) start[v + 1] += start[v];
  uint32_t *fill = lh_xmalloc((n + 1) * sizeof *fill);
  memcpy(fill, start, (n + 1) * sizeof *fill);
  for (size_t i = 0; i < count; i++) list[fill[key(m, i)]++] = (uint32_t)i;
  free(fill);
  *start_out = start;
  *list_out = list;
}

/* Threads without a creator are filed under the extra index nthreads. */
static uint32_t parent_key(const struct lh_model *m, size_t i) {
  return m->threads[i].parent == LH_NONE ? (uint32_t)m->nthreads : (uint32_t)m->threads[i].parent;
}
static uint32_t joined_key(const struct lh_model *m, size_t i) { return m->joins[i].joined; }

static void note_seg(uint32_t *nsegs, uint32_t t, int32_t s) {
  if (s >= 0 && (uint32_t)s + 1 > nsegs[t]) nsegs[t] = (uint32_t)s + 1;
}

/* Set by build_order for the qsort calls it makes (qsort passes no context); single-threaded. */
static const struct lh_model *sorting_model;

static int by_parent_seg(const void *a, const void *b) {
  int32_t x = sorting_model->threads[*(const uint32_t *)a].parent_seg;
  int32_t y = sorting_model->threads[*(const uint32_t *)b].parent_seg;
  if (x != y) return x < y ? -1 : 1;
  return (*(const uint32_t *)a > *(const uint32_t *)b) -
         (*(const uint32_t *)a < *(const uint32_t *)b);
}

/* Kahn's algorithm over the segment graph: (t, s) -> (t, s + 1); the creator's (p, ps) -> (c, 0);
 * a joined thread's last segment -> (joiner, js + 1). */
static void build_order(struct lh_segments *sg) {
  const struct lh_model *m = sg->m;
  size_t nt = m->nthreads;
  sg->nsegs = lh_xcalloc(nt ? nt : 1, sizeof *sg->nsegs);
  for (size_t t = 0; t < nt; t++) {
    note_seg(sg->nsegs, (uint32_t)t, 0);
    if (m->threads[t].parent != LH_NONE)
      note_seg(sg->nsegs, (uint32_t)m->threads[t].parent, m->threads[t].parent_seg);
  }
  for (size_t j = 0; j < m->njoins; j++)
    note_seg(sg->nsegs, m->joins[j].thread, m->joins[j].seg + 1);
  for (size_t i = 0; i < m->ntuples; i++)
    note_seg(sg->nsegs, m->tuples[i].thread, m->tuples[i].seg);
  sg->seg_start = lh_xcalloc(nt + 1, sizeof *sg->seg_start);
  for (size_t t = 0; t < nt; t++) sg->seg_start[t + 1] = sg->seg_start[t] + sg->nsegs[t];
  size_t n = sg->seg_start[nt];
  uint32_t *indeg = lh_xcalloc(n ? n : 1, sizeof *indeg);
  for (size_t t = 0; t < nt; t++) {
    for (uint32_t s = 1; s < sg->nsegs[t]; s++) indeg[sg->seg_start[t] + s]++;
    if (m->threads[t].parent != LH_NONE) indeg[sg->seg_start[t]]++;
  }
  for (size_t j = 0; j < m->njoins; j++)
    indeg[sg->seg_start[m->joins[j].thread] + m->joins[j].seg + 1]++;
  /* Children and joins by the thread they start from. */
  index_by((uint32_t)m->nthreads + 1, m->nthreads, parent_key, m, &sg->child_start, &sg->children);
  index_by((uint32_t)m->nthreads, m->njoins, joined_key, m, &sg->joined_start, &sg->joined_by);
  /* Each thread's children by creation segment, so that a cursor per thread releases them as
   * its segments are numbered, in one pass. */
  sorting_model = m;
  for (size_t t = 0; t < nt; t++)
    lh_sort(sg->children + sg->child_start[t], sg->child_start[t + 1] - sg->child_start[t],
            sizeof *sg->children, by_parent_seg);
  uint32_t *cursor = lh_xmalloc((nt ? nt : 1) * sizeof *cursor);
  for (size_t t = 0; t < nt; t++) cursor[t] = sg->child_start[t];
  sg->order = lh_xcalloc(n ? n : 1, sizeof *sg->order);
  uint32_t *queue = lh_xmalloc((n ? n : 1) * sizeof *queue);
  size_t head = 0, tail = 0;
  for (size_t v = 0; v < n; v++)
    if (!indeg[v]) queue[tail++] = (uint32_t)v;
  uint32_t next = 0;
  while (head < tail) {
    uint32_t v = queue[head++];
    sg->order[v] = next++;
    /* The thread and segment of node v. */
    uint32_t lo = 0, hi = (uint32_t)nt;
    while (hi - lo > 1) {
      uint32_t mid = (lo + hi) / 2;
      if (sg->seg_start[mid] <= v)
        lo = mid;
      else
        hi = mid;
    }
    uint32_t t = lo, s = v - sg->seg_start[t];
#define RELEASE(w)                                                                                 \
  do {                                                                                             \
    uint32_t w_ = (w);                                                                             \
    if (--indeg[w_] == 0) queue[tail++] = w_;                                                      \
  } while (0)
    if (s + 1 < sg->nsegs[t]) RELEASE(v + 1);
    while (cursor[t] < sg->child_start[t + 1] &&
           (uint32_t)m->threads[sg->children[cursor[t]]].parent_seg <= s)
      RELEASE(sg->seg_start[sg->children[cursor[t]++]]);
    if (s + 1 == sg->nsegs[t])
      for (uint32_t k = sg->joined_start[t]; k < sg->joined_start[t + 1]; k++) {
        const struct lh_join *j = &m->joins[sg->joined_by[k]];
        RELEASE(sg->seg_start[j->thread] + (uint32_t)j->seg + 1);
      }
#undef RELEASE
  }
  /* A cycle (a damaged file: a thread joining itself) leaves nodes unnumbered: after the rest. */
  for (size_t v = 0; v < n; v++)
    if (indeg[v]) sg->order[v] = next++;
  free(cursor);
  free(queue);
  free(indeg);
}

uint32_t lh_segments_order(struct lh_segments *sg, uint32_t t, int32_t s) {
  if (!sg->order) build_order(sg);
  uint32_t k = s < 0 ? 0 : (uint32_t)s;
  if (k >= sg->nsegs[t]) k = sg->nsegs[t] - 1;
  return sg->order[sg->seg_start[t] + k];
}

/* Raises what query reached of thread u to seg; true when it grew (u must be searched again). */
static bool reach_once(struct lh_segments *sg, uint32_t u, int32_t seg) {
  if (sg->stamp[u] != sg->query) {
    sg->stamp[u] = sg->query;
    sg->reached[u] = -1;
  }
  if (sg->reached[u] >= seg) return false;
  sg->reached[u] = seg;
  return true;
}

bool lh_segments_before_once(struct lh_segments *sg, uint32_t ta, int32_t sa, uint32_t tb,
                             int32_t sb) {
  const struct lh_model *m = sg->m;
  if (!lift_to_file(m, m->threads[ta].file, &tb, &sb)) return false;
  if (!sg->stamp) {
    sg->stamp = lh_xcalloc(m->nthreads ? m->nthreads : 1, sizeof *sg->stamp);
    sg->reached = lh_xcalloc(m->nthreads ? m->nthreads : 1, sizeof *sg->reached);
  }
  if (++sg->query == 0) { /* wrapped: start the stamps afresh */
    memset(sg->stamp, 0, m->nthreads * sizeof *sg->stamp);
    sg->query = 1;
  }
  size_t nwork = 0;
  reach_once(sg, tb, sb);
  lh_grow(&sg->work, &sg->work_cap, 1, sizeof *sg->work);
  sg->work[nwork++] = tb;
  while (nwork) {
    uint32_t u = sg->work[--nwork];
    int32_t r = sg->reached[u];
    if (u == ta && r >= sa) return true;
    const struct lh_thread *t = &m->threads[u];
    /* Pushed first, searched last: the latest join is searched first (LIFO). */
    if (t->parent != LH_NONE && reach_once(sg, (uint32_t)t->parent, t->parent_seg)) {
      lh_grow(&sg->work, &sg->work_cap, nwork + 1, sizeof *sg->work);
      sg->work[nwork++] = (uint32_t)t->parent;
    }
    for (uint32_t j = t->first_join; j < t->first_join + t->njoins; j++)
      if (m->joins[j].seg < r && reach_once(sg, m->joins[j].joined, ALL_SEGMENTS)) {
        lh_grow(&sg->work, &sg->work_cap, nwork + 1, sizeof *sg->work);
        sg->work[nwork++] = m->joins[j].joined;
      }
    if (u == ta && sg->reached[u] >= sa) return true;
  }
  return sg->stamp[ta] == sg->query && sg->reached[ta] >= sa;
}
