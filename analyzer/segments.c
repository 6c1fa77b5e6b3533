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
 * lh_segments_reach computes both directions for one segment into two arrays that are reused
 * (nothing memoised): the clock as above, and forwards the earliest segment of every thread that
 * the segment reaches (a thread reached in segment e reaches every child it creates from e on,
 * at segment 0, and, since it reaches its own end, its joiner's segment after the join). It costs
 * O(threads + joins) of the file and lets the iGoodlock check test one acquisition against any
 * number of others in O(1) each. */
#include "segments.h"

#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "grow.h"

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
  /* For lh_segments_reach, built at its first call: each thread's children and the joins that
   * joined it, as ranges [start[t], start[t + 1]) of model thread / join indices. */
  uint32_t *child_start, *children, *joined_start, *joined_by;
  int32_t *before, *after; /* the last reach, for the largest file */
  size_t before_cap, after_cap;
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
  free(sg->before);
  free(sg->after);
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
    if (t->parent != LH_NONE) raise_entry(sg, latest, begin, (uint32_t)t->parent, t->parent_seg, &nwork);
    for (uint32_t j = t->first_join; j < t->first_join + t->njoins; j++)
      if (m->joins[j].seg < reach)  /* joined in seg s: everything it did precedes s + 1 */
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

bool lh_segments_before(struct lh_segments *sg, uint32_t ta, int32_t sa, uint32_t tb, int32_t sb) {
  const struct lh_model *m = sg->m;
  if (m->threads[ta].file != m->threads[tb].file) return false;
  const int32_t *latest = clock_of(sg, tb, sb);
  return latest[ta - m->files[m->threads[tb].file].thread_begin] >= sa;
}

bool lh_segments_parallel(struct lh_segments *sg, uint32_t ta, int32_t sa, uint32_t tb, int32_t sb) {
  return !lh_segments_before(sg, ta, sa, tb, sb) && !lh_segments_before(sg, tb, sb, ta, sa);
}

/* Groups `count` items by key(i) < n into start[0..n] and list (counting sort, stable). */
static void index_by(uint32_t n, size_t count, uint32_t (*key)(const struct lh_model *, size_t),
                     const struct lh_model *m, uint32_t **start_out, uint32_t **list_out) {
  uint32_t *start = lh_xcalloc(n + 1, sizeof *start), *list = lh_xcalloc(count ? count : 1, sizeof *list);
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

static void raise_after(struct lh_segments *sg, uint32_t begin, uint32_t u, int32_t seg, size_t *nwork) {
  if (sg->after[u - begin] <= seg) return;
  sg->after[u - begin] = seg;
  lh_grow(&sg->work, &sg->work_cap, *nwork + 1, sizeof *sg->work);
  sg->work[(*nwork)++] = u;
}

void lh_segments_reach(struct lh_segments *sg, uint32_t thread, int32_t seg, struct lh_segment_reach *r) {
  const struct lh_model *m = sg->m;
  if (!sg->child_start) {
    index_by((uint32_t)m->nthreads + 1, m->nthreads, parent_key, m, &sg->child_start, &sg->children);
    index_by((uint32_t)m->nthreads, m->njoins, joined_key, m, &sg->joined_start, &sg->joined_by);
  }
  const struct lh_run_file *f = &m->files[m->threads[thread].file];
  uint32_t begin = f->thread_begin, n = f->thread_end - begin;
  lh_grow(&sg->before, &sg->before_cap, n, sizeof *sg->before);
  lh_grow(&sg->after, &sg->after_cap, n, sizeof *sg->after);
  backward(sg, thread, seg, sg->before);
  for (uint32_t i = 0; i < n; i++) sg->after[i] = INT32_MAX;
  size_t nwork = 0;
  raise_after(sg, begin, thread, seg, &nwork);
  /* A thread is queued each time its entry shrinks; entries only shrink, so this ends. */
  while (nwork) {
    uint32_t u = sg->work[--nwork];
    int32_t from = sg->after[u - begin];
    for (uint32_t k = sg->child_start[u]; k < sg->child_start[u + 1]; k++) {
      uint32_t c = sg->children[k];
      if (m->threads[c].parent_seg >= from) raise_after(sg, begin, c, 0, &nwork);
    }
    for (uint32_t k = sg->joined_start[u]; k < sg->joined_start[u + 1]; k++) {
      const struct lh_join *j = &m->joins[sg->joined_by[k]];
      raise_after(sg, begin, j->thread, j->seg + 1, &nwork);
    }
  }
  r->file = m->threads[thread].file;
  r->begin = begin;
  r->n = n;
  r->before = sg->before;
  r->after = sg->after;
}
