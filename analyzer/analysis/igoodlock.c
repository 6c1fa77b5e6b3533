/* igoodlock.c - the iGoodlock conditions on a lock-order cycle.
 *
 * A cycle l1 -> l2 -> ... -> ln -> l1 in the lock graph only says that each edge was taken by
 * some thread at some time. It is a potential deadlock when we can pick one acquisition per edge,
 * tau_i = (thread t_i holds l_i and acquires l_{i+1}), such that
 *   1. the threads t_i are pairwise distinct (one thread cannot wait for itself this way; the main
 *      threads of two runs of one program count as one thread);
 *   2. the held sets are pairwise disjoint: a lock held by two of them (a gate lock) lets only one
 *      in at a time -- unless both hold it in read mode, which does not exclude the other;
 *   3. the acquisitions' segments are pairwise parallel: thread creation and join do not order
 *      them (segments.c);
 *   4. every step can block: t_i wanting l_{i+1} in read mode while t_{i+1} holds it in read mode
 *      does not wait on a reader-preferring rwlock (glibc's default).
 * (Bensalem & Havelund; Joshi, Park, Sen & Naik, DeadlockFuzzer, PLDI 2009.)
 *
 * Search, in two levels, so that its cost does not grow with the number of threads that took the
 * same edge in the same way:
 *   - per edge, the acquisitions are grouped by what conditions 2 and 4 look at: the acquired
 *     and held modes and the held set (locks and modes). Within a group, acquisitions differ only
 *     by thread and segment; each (thread, segment) is kept once, the first in tuple order. 900
 *     short-lived threads taking A -> B at one place make one group of 900 members;
 *   - a backtracking search picks one group per step, checking held sets and modes against the
 *     groups already chosen; when every step has a group, the members are chosen: for a cycle of
 *     two locks (the usual case) exactly, by a sweep over the members of both groups in a
 *     topological order of their segments (pick_pair_parallel below): its cost grows with the
 *     number of members times the number of them that run at the same time, not with the
 *     square of the number of threads; for longer cycles by backtracking over members, after
 *     dropping (exactly, by two sweeps per pair of steps) the members that run in parallel with
 *     no member of some other step.
 * It stops at the first valid assignment. When none exists, the search is repeated without
 * condition 3: success then means the cycle is prevented only by create/join ordering (reported
 * as a note). When that fails too, once more with condition 1 reversed - every step by one thread,
 * conditions 2 and 4 kept: one thread takes the locks in the cycle's orders with no gate lock, so
 * the same code run by two threads could deadlock (reported as a warning of its own kind). The number of choices tried (groups, and members of cycles of three locks or more)
 * is bounded (budget), and so is the number of member pairs tested in a two-lock cycle; past
 * either the cycle is UNDECIDED, which the report says (it is never silently taken for "no
 * deadlock"). */
#include "analysis/igoodlock.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "base/grow.h"

#define DEFAULT_BUDGET 200000
#define PAIR_BUDGET 200000000 /* member pairs tested in a two-lock cycle: some seconds at most */

struct member {
  uint32_t thread;
  int32_t seg;
  uint32_t file;
  struct lh_step step;
  bool thread_first; /* the group's first member of this thread (for the search without
                        condition 3, where only threads matter) */
};

/* The acquisitions of one edge that conditions 2 and 4 cannot tell apart. */
struct candidate {
  const struct lh_tuple *t; /* the first one, in tuple order */
  uint8_t held_mode;        /* mode in which t holds the edge's source lock */
  uint32_t *key;            /* modes, then the held set as sorted lock << 1 | mode */
  uint32_t nheld;
  struct member *members;
  size_t nmembers, cap_members;
};

struct class_entry {
  uint32_t *key;
  size_t key_len;
  uint32_t index; /* of the candidate, or of the member for member entries */
  UT_hash_handle hh;
};

struct check {
  const struct lh_model *m;
  struct lh_segments *sg;
  size_t len;
  struct candidate **cands; /* per step */
  size_t *ncands;
  const struct candidate **chosen;
  const struct member **picked; /* per step, once every step has a candidate */
  bool parallel;                /* enforce condition 3 */
  bool one_thread;              /* condition 1 reversed: every step by the same thread */
  bool all_shared;              /* every lock of the cycle lies in a shared mapping */
  size_t budget;
  size_t pair_budget;
};

static int u32_cmp(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* Finds or adds the entry of key (taking it) in *table; returns it and whether it was new. */
static struct class_entry *intern(struct class_entry **table, uint32_t *key, size_t klen,
                                  bool *added) {
  struct class_entry *c;
  HASH_FIND(hh, *table, key, klen * sizeof *key, c);
  *added = c == NULL;
  if (c) {
    free(key);
    return c;
  }
  c = lh_xcalloc(1, sizeof *c);
  c->key = key;
  c->key_len = klen;
  HASH_ADD_KEYPTR(hh, *table, c->key, klen * sizeof *key, c);
  return c;
}

static void free_table(struct class_entry **table, bool free_keys) {
  struct class_entry *c, *tmp;
  HASH_ITER(hh, *table, c, tmp) {
    HASH_DEL(*table, c);
    if (free_keys) free(c->key);
    free(c);
  }
}

/* The candidates of one edge, one per group, in tuple order, with their members. */
static struct candidate *candidates(const struct lh_model *m, const struct lh_edge *e, size_t *n) {
  struct candidate *out = lh_xcalloc(e->nrefs ? e->nrefs : 1, sizeof *out);
  struct class_entry *groups = NULL, *members = NULL, *threads = NULL;
  *n = 0;
  for (size_t r = 0; r < e->nrefs; r++) {
    const struct lh_tuple *t = &m->tuples[e->refs[r].tuple];
    size_t klen = 2 + t->nheld;
    uint32_t *key = lh_xcalloc(klen, sizeof *key);
    key[0] = t->mode;
    key[1] = t->held[e->refs[r].held].mode;
    for (uint32_t h = 0; h < t->nheld; h++) key[2 + h] = t->held[h].lock << 1 | t->held[h].mode;
    lh_sort(key + 2, t->nheld, sizeof *key, u32_cmp);
    bool added;
    struct class_entry *g = intern(&groups, key, klen, &added);
    if (added) {
      g->index = (uint32_t)*n;
      out[(*n)++] = (struct candidate){
          .t = t, .held_mode = (uint8_t)g->key[1], .key = g->key, .nheld = t->nheld};
    }
    struct candidate *c = &out[g->index];
    uint32_t *mkey = lh_xmalloc(3 * sizeof *mkey);
    mkey[0] = g->index;
    mkey[1] = t->thread;
    mkey[2] = (uint32_t)t->seg;
    intern(&members, mkey, 3, &added);
    if (!added) continue;
    uint32_t *tkey = lh_xmalloc(2 * sizeof *tkey);
    tkey[0] = g->index;
    tkey[1] = t->thread;
    bool first_of_thread;
    intern(&threads, tkey, 2, &first_of_thread);
    struct member *x = LH_PUSH(c->members, c->nmembers, c->cap_members);
    *x = (struct member){t->thread,
                         t->seg,
                         m->threads[t->thread].file,
                         {e->refs[r].tuple, e->refs[r].held},
                         first_of_thread};
  }
  free_table(&groups, false); /* the keys belong to the candidates */
  free_table(&members, true);
  free_table(&threads, true);
  return out;
}

/* Condition 2: no lock held by both, unless both hold it in read mode. A merge of the two sorted
 * held sets, so a thread holding many locks costs no more than a sort. */
static bool held_disjoint(const struct candidate *a, const struct candidate *b) {
  const uint32_t *x = a->key + 2, *y = b->key + 2;
  uint32_t i = 0, j = 0;
  while (i < a->nheld && j < b->nheld) {
    uint32_t lx = x[i] >> 1, ly = y[j] >> 1;
    if (lx < ly)
      i++;
    else if (ly < lx)
      j++;
    else if ((x[i] & 1) == LH_MODE_READ && (y[j] & 1) == LH_MODE_READ) {
      i++;
      j++;
    } else {
      return false;
    }
  }
  return true;
}

/* Condition 4 for the step from `from` (which wants the lock) to `next` (which holds it). */
static bool can_block(const struct check *c, const struct candidate *from,
                      const struct candidate *next) {
  if (from->t->mode != LH_MODE_READ || next->held_mode != LH_MODE_READ) return true;
  return c->m->locks[from->t->lock].prefer_writer;
}

/* Condition 1. Threads of different files are different threads, except the main threads of two
 * runs of the same program (same lineage group): they run the same code, one after the other, and
 * a single-threaded program run twice must not deadlock with itself. On a cycle whose every lock
 * lies in a shared mapping (one lock in every process: model.h), two processes of one session
 * are what the cycle is about: their main threads are different threads, unless they are one
 * process (the same pid: a program and the one it exec'd). */
static bool same_thread(const struct check *c, uint32_t a, uint32_t b) {
  const struct lh_model *m = c->m;
  if (a == b) return true;
  const struct lh_thread *x = &m->threads[a], *y = &m->threads[b];
  const struct lh_run_file *fx = &m->files[x->file], *fy = &m->files[y->file];
  if (c->all_shared && fx->pid != fy->pid && strcmp(fx->session, fy->session) == 0) return false;
  return x->file != y->file && fx->group == fy->group && strcmp(x->how, "main") == 0 &&
         strcmp(y->how, "main") == 0;
}

/* Conditions 2 and 4 for candidate x at step k, against the candidates of steps 0..k-1. */
static bool compatible(struct check *c, size_t k, const struct candidate *x) {
  for (size_t i = 0; i < k; i++)
    if (!held_disjoint(x, c->chosen[i])) return false;
  if (k > 0 && !can_block(c, c->chosen[k - 1], x)) return false;
  if (k == c->len - 1 && !can_block(c, x, c->chosen[0])) return false;
  return true;
}

/* Conditions 1 and 3 for member x at step k, against the members of steps 0..k-1. */
static bool member_compatible(struct check *c, size_t k, const struct member *x) {
  for (size_t i = 0; i < k; i++) {
    const struct member *y = c->picked[i];
    if (c->one_thread) {
      if (!same_thread(c, x->thread, y->thread)) return false;
      continue;
    }
    if (same_thread(c, x->thread, y->thread)) return false;
    if (c->parallel && !lh_segments_parallel(c->sg, x->thread, x->seg, y->thread, y->seg))
      return false;
  }
  return true;
}

/* Two steps without condition 3: any two members of different threads. */
static bool pick_pair_any(struct check *c) {
  const struct candidate *a = c->chosen[0], *b = c->chosen[1];
  for (size_t i = 0; i < a->nmembers; i++) {
    const struct member *x = &a->members[i];
    if (!x->thread_first) continue;
    for (size_t j = 0; j < b->nmembers; j++) {
      const struct member *y = &b->members[j];
      if (c->pair_budget == 0) {
        c->budget = 0; /* undecided */
        return false;
      }
      c->pair_budget--;
      if (!y->thread_first || same_thread(c, x->thread, y->thread)) continue;
      c->picked[0] = x;
      c->picked[1] = y;
      return true;
    }
  }
  return false;
}

struct swept {
  const struct member *x;
  uint32_t order; /* lh_segments_order */
  bool first;     /* of the first step's candidate */
};

static int swept_cmp(const void *a, const void *b) {
  const struct swept *x = a, *y = b;
  if (x->order != y->order) return x->order < y->order ? -1 : 1;
  if (x->first != y->first) return x->first ? -1 : 1;
  return (x->x > y->x) - (x->x < y->x);
}

/* Two steps with condition 3, members of one file. A sweep in a topological order of their
 * segments keeps, for each step, the members seen so far that nothing seen since comes after
 * (the maximal ones). A new member is parallel to some earlier member of the other step exactly
 * when it does not come after one of the other step's maximal ones (an earlier member comes
 * before a maximal one, and the new one cannot come before anything earlier in the order); if it
 * comes after all of them, it replaces those of its own step that come before it. Members of one
 * thread are always ordered. The cost is the number of members times the number of maximal ones
 * (1 for threads created and joined one after another, however many), each test a backward
 * search that usually stops in a few steps. */
static bool sweep_file(struct check *c, struct swept *v, size_t n) {
  lh_sort(v, n, sizeof *v, swept_cmp);
  const struct member **maxima[2];
  size_t nmax[2] = {0, 0};
  maxima[0] = lh_xcalloc(n, sizeof *maxima[0]);
  maxima[1] = lh_xcalloc(n, sizeof *maxima[1]);
  bool found = false;
  for (size_t i = 0; i < n && !found; i++) {
    const struct member *p = v[i].x;
    int own = v[i].first ? 0 : 1, other = 1 - own;
    for (size_t k = 0; k < nmax[other]; k++) {
      const struct member *q = maxima[other][k];
      if (c->pair_budget == 0) {
        c->budget = 0; /* undecided */
        goto done;
      }
      c->pair_budget--;
      if (!lh_segments_before_once(c->sg, q->thread, q->seg, p->thread, p->seg)) {
        c->picked[own] = p;
        c->picked[other] = q;
        found = true;
        goto done;
      }
    }
    size_t kept = 0;
    for (size_t k = 0; k < nmax[own]; k++) {
      const struct member *q = maxima[own][k];
      if (!lh_segments_before_once(c->sg, q->thread, q->seg, p->thread, p->seg))
        maxima[own][kept++] = q;
    }
    maxima[own][kept++] = p;
    nmax[own] = kept;
  }
done:
  free(maxima[0]);
  free(maxima[1]);
  return found;
}

/* Two steps with condition 3. Members of different files run in parallel unless they are the
 * main threads of two runs of one program (the same thread) or one file is a fork descendant of
 * the other and the member there came before the fork (segments.c); within a file, a sweep. */
static bool pick_pair_parallel(struct check *c) {
  const struct candidate *a = c->chosen[0], *b = c->chosen[1];
  bool one_file = true;
  uint32_t file = a->nmembers ? a->members[0].file : 0;
  for (size_t i = 0; i < a->nmembers && one_file; i++) one_file = a->members[i].file == file;
  for (size_t j = 0; j < b->nmembers && one_file; j++) one_file = b->members[j].file == file;
  if (!one_file)
    for (size_t i = 0; i < a->nmembers; i++)
      for (size_t j = 0; j < b->nmembers; j++) {
        const struct member *x = &a->members[i], *y = &b->members[j];
        if (c->pair_budget == 0) {
          c->budget = 0;
          return false;
        }
        c->pair_budget--;
        if (x->file == y->file || same_thread(c, x->thread, y->thread) ||
            !lh_segments_parallel(c->sg, x->thread, x->seg, y->thread, y->seg))
          continue;
        c->picked[0] = x;
        c->picked[1] = y;
        return true;
      }
  /* Per file, the members of both steps in that file. */
  size_t n = a->nmembers + b->nmembers;
  struct swept *all = lh_xcalloc(n ? n : 1, sizeof *all);
  bool *done = lh_xcalloc(n ? n : 1, sizeof *done);
  bool found = false;
  for (size_t start = 0; start < n && !found && c->budget; start++) {
    const struct member *s0 =
        start < a->nmembers ? &a->members[start] : &b->members[start - a->nmembers];
    if (done[start]) continue;
    size_t k = 0;
    for (size_t i = start; i < n; i++) {
      const struct member *x = i < a->nmembers ? &a->members[i] : &b->members[i - a->nmembers];
      if (x->file != s0->file) continue;
      done[i] = true;
      all[k++] = (struct swept){x, lh_segments_order(c->sg, x->thread, x->seg), i < a->nmembers};
    }
    found = sweep_file(c, all, k);
  }
  free(all);
  free(done);
  return found;
}

/* Marks in has[] the members of a that run in parallel with some member of b (b's members in
 * other files are asked one by one - parallel unless ordered by a fork: segments.c -, only one
 * file is swept). Two sweeps in the topological order of
 * segments: forwards, a member has an earlier partner unless it comes after all of b's maximal
 * members seen so far; backwards, a later one unless it comes before all of b's minimal members
 * seen so far. False when the budget ran out. */
static bool mark_partners(struct check *c, const struct candidate *a, const struct candidate *b,
                          bool *has) {
  size_t n = a->nmembers + b->nmembers;
  struct swept *v = lh_xcalloc(n ? n : 1, sizeof *v);
  const struct member **ends = lh_xcalloc(n ? n : 1, sizeof *ends);
  size_t k = 0;
  for (size_t i = 0; i < a->nmembers; i++) {
    const struct member *x = &a->members[i];
    bool elsewhere = false;
    for (size_t j = 0; j < b->nmembers && !elsewhere; j++)
      elsewhere =
          b->members[j].file != x->file &&
          lh_segments_parallel(c->sg, x->thread, x->seg, b->members[j].thread, b->members[j].seg);
    has[i] = elsewhere;
    v[k++] = (struct swept){x, lh_segments_order(c->sg, x->thread, x->seg), true};
  }
  for (size_t j = 0; j < b->nmembers; j++)
    v[k++] = (struct swept){
        &b->members[j], lh_segments_order(c->sg, b->members[j].thread, b->members[j].seg), false};
  lh_sort(v, n, sizeof *v, swept_cmp);
  bool ok = true;
  for (int backwards = 0; backwards < 2 && ok; backwards++) {
    size_t nends = 0;
    for (size_t step = 0; step < n && ok; step++) {
      const struct swept *w = &v[backwards ? n - 1 - step : step];
      const struct member *p = w->x;
      if (w->first) {
        size_t i = (size_t)(p - a->members);
        for (size_t e = 0; e < nends && !has[i]; e++) {
          if (c->pair_budget == 0) {
            ok = false;
            break;
          }
          c->pair_budget--;
          const struct member *q = ends[e];
          if (q->file == p->file &&
              !(backwards ? lh_segments_before_once(c->sg, p->thread, p->seg, q->thread, q->seg)
                          : lh_segments_before_once(c->sg, q->thread, q->seg, p->thread, p->seg)))
            has[i] = true;
        }
        continue;
      }
      size_t kept = 0;
      for (size_t e = 0; e < nends; e++) {
        const struct member *q = ends[e];
        bool covered =
            q->file == p->file &&
            (backwards ? lh_segments_before_once(c->sg, p->thread, p->seg, q->thread, q->seg)
                       : lh_segments_before_once(c->sg, q->thread, q->seg, p->thread, p->seg));
        if (!covered) ends[kept++] = q;
      }
      ends[kept++] = p;
      nends = kept;
    }
  }
  free(v);
  free(ends);
  return ok;
}

static bool pick_members(struct check *c, size_t k);

/* Cycles of three locks or more, with condition 3: a member that runs in parallel with no member
 * of some other step can be in no valid choice; dropping those first (exactly, by sweeps) leaves
 * out, for instance, every thread created and joined before the threads of a real cycle,
 * however many took the same edges. */
static bool pick_members_parallel(struct check *c) {
  struct candidate *pruned = lh_xcalloc(c->len, sizeof *pruned);
  const struct candidate **original = lh_xcalloc(c->len, sizeof *original);
  bool ok = true, found = false;
  for (size_t i = 0; i < c->len && ok; i++) {
    const struct candidate *g = c->chosen[i];
    bool *keep = lh_xmalloc((g->nmembers ? g->nmembers : 1) * sizeof *keep);
    bool *has = lh_xmalloc((g->nmembers ? g->nmembers : 1) * sizeof *has);
    for (size_t x = 0; x < g->nmembers; x++) keep[x] = true;
    for (size_t j = 0; j < c->len && ok; j++) {
      if (j == i) continue;
      ok = mark_partners(c, g, c->chosen[j], has);
      for (size_t x = 0; x < g->nmembers; x++) keep[x] = keep[x] && has[x];
    }
    pruned[i] = *g;
    pruned[i].members = lh_xcalloc(g->nmembers ? g->nmembers : 1, sizeof *pruned[i].members);
    pruned[i].nmembers = 0;
    for (size_t x = 0; x < g->nmembers; x++)
      if (!ok || keep[x]) pruned[i].members[pruned[i].nmembers++] = g->members[x];
    free(keep);
    free(has);
  }
  if (!ok) {
    c->budget = 0; /* undecided */
  } else {
    for (size_t i = 0; i < c->len; i++) {
      original[i] = c->chosen[i];
      c->chosen[i] = &pruned[i];
    }
    found = pick_members(c, 0);
    for (size_t i = 0; i < c->len; i++) c->chosen[i] = original[i];
  }
  if (found) /* the picked members point into the pruned copies: back to the originals */
    for (size_t i = 0; i < c->len; i++)
      for (size_t x = 0; x < original[i]->nmembers; x++)
        if (original[i]->members[x].step.tuple == c->picked[i]->step.tuple &&
            original[i]->members[x].step.held == c->picked[i]->step.held) {
          c->picked[i] = &original[i]->members[x];
          break;
        }
  for (size_t i = 0; i < c->len; i++) free(pruned[i].members);
  free(pruned);
  free(original);
  return found;
}

static bool pick_members(struct check *c, size_t k) {
  if (k == c->len) return true;
  const struct candidate *g = c->chosen[k];
  for (size_t i = 0; i < g->nmembers; i++) {
    if (c->budget == 0) return false;
    c->budget--;
    const struct member *x = &g->members[i];
    if (!c->parallel && !x->thread_first) continue;
    if (!member_compatible(c, k, x)) continue;
    c->picked[k] = x;
    if (pick_members(c, k + 1)) return true;
  }
  return false;
}

static bool assign(struct check *c, size_t k) {
  if (k == c->len) {
    if (c->one_thread) return pick_members(c, 0);
    if (c->len != 2) return c->parallel ? pick_members_parallel(c) : pick_members(c, 0);
    return c->parallel ? pick_pair_parallel(c) : pick_pair_any(c);
  }
  for (size_t i = 0; i < c->ncands[k]; i++) {
    if (c->budget == 0) return false;
    c->budget--;
    const struct candidate *x = &c->cands[k][i];
    if (!compatible(c, k, x)) continue;
    c->chosen[k] = x;
    if (assign(c, k + 1)) return true;
    if (c->budget == 0) return false;
  }
  return false;
}

static bool search(struct check *c, bool parallel, bool one_thread, size_t budget,
                   struct lh_step *witness) {
  c->parallel = parallel;
  c->one_thread = one_thread;
  c->budget = budget;
  c->pair_budget = PAIR_BUDGET;
  if (!assign(c, 0)) return false;
  for (size_t i = 0; i < c->len; i++) witness[i] = c->picked[i]->step;
  return true;
}

enum lh_verdict lh_igoodlock_check(const struct lh_model *m, const struct lh_lock_graph *g,
                                   struct lh_segments *sg, const uint32_t *edges, size_t len,
                                   size_t budget, struct lh_step *witness) {
  struct check c = {.m = m, .sg = sg, .len = len};
  c.cands = lh_xcalloc(len, sizeof *c.cands);
  c.ncands = lh_xcalloc(len, sizeof *c.ncands);
  c.chosen = lh_xcalloc(len, sizeof *c.chosen);
  c.picked = lh_xcalloc(len, sizeof *c.picked);
  c.all_shared = true;
  for (size_t i = 0; i < len; i++) {
    c.cands[i] = candidates(m, &g->edges[edges[i]], &c.ncands[i]);
    c.all_shared = c.all_shared && m->locks[g->edges[edges[i]].from].shared &&
                   m->locks[g->edges[edges[i]].to].shared;
  }
  if (!budget) budget = DEFAULT_BUDGET;
  enum lh_verdict v = LH_VERDICT_NONE;
  if (search(&c, true, false, budget, witness))
    v = LH_VERDICT_DEADLOCK;
  else if (c.budget == 0)
    v = LH_VERDICT_UNDECIDED;
  else if (search(&c, false, false, budget, witness))
    v = LH_VERDICT_ORDERED;
  else if (c.budget > 0 && search(&c, false, true, budget, witness))
    v = LH_VERDICT_ONE_THREAD;
  for (size_t i = 0; i < len; i++) {
    for (size_t k = 0; k < c.ncands[i]; k++) {
      free(c.cands[i][k].key);
      free(c.cands[i][k].members);
    }
    free(c.cands[i]);
  }
  free(c.cands);
  free(c.ncands);
  free(c.chosen);
  free(c.picked);
  return v;
}
