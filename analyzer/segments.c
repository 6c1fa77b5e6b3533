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
 * Memory: one clock (4 bytes per thread of the file) per queried segment. */
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

static const int32_t *clock_of(struct lh_segments *sg, uint32_t thread, int32_t seg) {
  struct seg_key key = {thread, seg};
  struct clock *c;
  HASH_FIND(hh, sg->clocks, &key, sizeof key, c);
  if (c) return c->latest;
  const struct lh_model *m = sg->m;
  const struct lh_run_file *f = &m->files[m->threads[thread].file];
  uint32_t begin = f->thread_begin, n = f->thread_end - begin;
  int32_t *latest = lh_xmalloc(n * sizeof *latest);
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
