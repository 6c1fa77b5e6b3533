/* leaf_tuples.c - see leaf_tuples.h. Shapes and patterns are interned in uthash tables keyed by
 * their bytes (zeroed, so padding compares equal), shapes also in a table by id; never freed
 * (they are bounded by the distinct tuples of the program, which the run file used to hold
 * anyway). A kept-back tuple is a few words on one of its edges (the innermost held lock's):
 * [lock, shape, held lock ids...]. */
#include "lockorder/leaf_tuples.h"

#include <stdlib.h>
#include <string.h>

#include "base/pointer_table.h"
#include "lockorder/lock_order.h"
#include "lockorder/recorder.h"
#include "registry/lock_registry.h"
#include "registry/stack_capture.h"
#include "registry/thread_state.h"
#include "runfile/run_file.h"

_Static_assert(LH_LOCK_NO_NODE == LH_ORDER_NONE, "the registry's no-node is the graph's");

/* Every key of these tables is made of 32-bit words (shapes: 20 bytes and 12 a held lock;
 * pairs: 8). uthash's default hash (Jenkins, a byte at a time) took about 300 instructions a
 * look-up of a one-lock shape, the largest part of recording a new tuple (lock_pairs: 200,000 a
 * thread): a multiply per word does it in a quarter of that. */
static inline unsigned words_hash(const void *key, size_t len) {
  const unsigned char *b = key;
  uint64_t h = len * 0x9e3779b97f4a7c15ull;
  size_t i = 0;
  for (; i + 4 <= len; i += 4) {
    uint32_t w;
    memcpy(&w, b + i, 4);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
  }
  for (; i < len; i++) h = (h ^ b[i]) * 0xff51afd7ed558ccdull;
  return (unsigned)((h ^ (h >> 29)) >> 32);
}
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = words_hash((keyptr), (keylen)))
#define uthash_nonfatal_oom(e) ((void)0)
#include <uthash.h>

struct shape_held {
  uint32_t cls, stack; /* the held lock's class (lock_registry.h), not its id */
  uint32_t mode;
};

struct shape_key {
  int32_t thread;
  uint32_t seg, stack;
  uint8_t mode, flags, pad[2];
  uint32_t nheld;
  struct shape_held held[];
};

struct shape {
  uint32_t id, pattern; /* pattern: the id of the same key without thread and segment */
  size_t key_len;
  UT_hash_handle hh;
  struct shape_key key; /* last: variable length */
};

/* The (lock class, pattern) pairs already in the run file. */
struct pair {
  uint32_t key[2];
  UT_hash_handle hh;
};

/* Tuples kept back on an edge of the graph. A tuple of the edge itself (one held lock, the
 * edge's source; its lock, the edge's target: the locks are the owners of the edge's nodes, which
 * keep their ids while the tuple names them) needs only its shape. The commonest case, one such
 * tuple on an edge, takes no memory of its own: the edge's data is then its shape, tagged
 * (shape << 1 | 1). More tuples go into a list of records: a tuple of the edge is one word, its
 * shape with KEPT_OF_EDGE set; any other is lock, shape and its nheld held locks (2 + nheld
 * words, the lock below KEPT_OF_EDGE). memcached keeps three or four tuples on each of 37,000
 * edges (an LRU lock under an item lock, taken by two workers at a few call sites): a record of
 * three words each made the lists 2.4 MB (issue 11). Ids from KEPT_OF_EDGE up are not kept back
 * (written at once: no real program makes two thousand million locks or shapes). */
#define KEPT_OF_EDGE 0x80000000u
struct kept {
  uint32_t n, cap;
  uint32_t w[];
};

static void edge_gone(void *ctx, struct lh_order_edge *e, bool to_gone);

/* Owned by the recorder lock. */
static struct shape *by_key, *by_pattern;
static struct lh_pointer_table by_id;
static uint32_t nshapes, npatterns;
static struct pair *written_pairs;
static struct lh_order_graph graph = {.edge_gone = edge_gone};
/* What may be kept back: tuples on no cycle; once a search could not tell (its budget or the
 * run's was spent), only tuples of leaves (locks with no out-edge: the scheme before the graph
 * searched); once memory ran out, nothing. */
static enum { KEEP_OFF_CYCLES, KEEP_LEAVES, KEEP_NOTHING } keeping;

static const struct shape_key *shape_at(uint32_t id) { return &((struct shape *)by_id.v[id])->key; }

/* The interned copy of s (which it takes, or frees if one is there already). */
static struct shape *intern(struct shape **table, struct shape *s, size_t key_len) {
  struct shape *old;
  HASH_FIND(hh, *table, &s->key, key_len, old);
  if (old) {
    free(s);
    return old;
  }
  s->key_len = key_len;
  HASH_ADD(hh, *table, key, key_len, s);
  return s;
}

/* The shape key of the calling thread's tuple, into k (room for n held entries, zeroed). */
static void fill_shape_key(struct shape_key *k, uint32_t n, uint8_t mode, uint8_t flags,
                           uint32_t stack) {
  k->thread = lh_self.id;
  k->seg = lh_self.seg;
  k->stack = stack;
  k->mode = mode;
  k->flags = flags;
  k->nheld = n;
  for (uint32_t i = 0; i < n; i++) {
    const struct lh_held_entry *e = &lh_self.held.v[i];
    k->held[i] = (struct shape_held){lh_lock_class(e->lock), e->stack, e->mode};
  }
}

#define SHAPE_HELD_ON_STACK 8

/* The calling thread's tuple, without its lock ids, as an interned shape id; UINT32_MAX when
 * memory runs out. Most tuples have a shape seen before (lock_pairs: every one after the first
 * few): the key is built on the stack for the look-up, and only a new shape is allocated. */
static uint32_t shape_here(uint8_t mode, uint8_t flags, uint32_t stack) {
  uint32_t n = lh_self.held.n;
  size_t key_len = sizeof(struct shape_key) + n * sizeof(struct shape_held);
  size_t size = sizeof(struct shape) + n * sizeof(struct shape_held);
  struct shape *old, *s, *p;
  if (n <= SHAPE_HELD_ON_STACK) {
    union {
      struct shape_key k;
      char room[sizeof(struct shape_key) + SHAPE_HELD_ON_STACK * sizeof(struct shape_held)];
    } probe = {0};
    fill_shape_key(&probe.k, n, mode, flags, stack);
    HASH_FIND(hh, by_key, &probe.k, key_len, old);
    if (old) return old->id;
  }
  if (!(s = calloc(1, size))) return UINT32_MAX;
  fill_shape_key(&s->key, n, mode, flags, stack);
  old = NULL;
  if (n > SHAPE_HELD_ON_STACK) /* else the probe above looked already */
    HASH_FIND(hh, by_key, &s->key, key_len, old);
  if (old) {
    free(s);
    return old->id;
  }
  if (!lh_pointer_table_reserve(&by_id, nshapes) || !(p = calloc(1, size))) {
    free(s);
    return UINT32_MAX;
  }
  memcpy(&p->key, &s->key, key_len);
  p->key.thread = 0;
  p->key.seg = 0;
  p = intern(&by_pattern, p, key_len);
  if (!p->pattern) /* a new pattern: pattern ids start at 1 */
    p->pattern = ++npatterns;
  s->pattern = p->pattern;
  s->id = nshapes;
  intern(&by_key, s, key_len);
  by_id.v[nshapes++] = s;
  return s->id;
}

struct acq_ctx {
  const struct shape_key *k;
  uint32_t lock;
  const uint32_t *held; /* the held locks' ids */
};

static void fill_acq(struct lh_json_line *jl, const void *p) {
  const struct acq_ctx *c = p;
  const struct shape_key *k = c->k;
  lh_jl_kv_int(jl, "thread", k->thread);
  lh_jl_kv_int(jl, "seg", k->seg);
  lh_jl_kv_int(jl, "lock", c->lock);
  lh_jl_kv_str(jl, "mode", k->mode == LH_MODE_READ ? "r" : "w");
  lh_jl_kv_int(jl, "stack", k->stack == LH_NO_STACK ? -1 : (int64_t)k->stack);
  lh_jl_key(jl, "held");
  lh_jl_open(jl, '[');
  for (uint32_t i = 0; i < k->nheld; i++) {
    const struct shape_held *e = &k->held[i];
    lh_jl_open(jl, '[');
    lh_jl_int(jl, c->held[i]);
    lh_jl_str(jl, e->mode == LH_MODE_READ ? "r" : "w");
    lh_jl_int(jl, e->stack == LH_NO_STACK ? -1 : (int64_t)e->stack);
    lh_jl_close(jl, ']');
  }
  lh_jl_close(jl, ']');
  if (k->flags & LH_ACQ_TRY) lh_jl_kv_bool(jl, "try", true);
  if (k->flags & LH_ACQ_TIMED) lh_jl_kv_bool(jl, "timed", true);
  if (k->flags & LH_ACQ_COND) lh_jl_kv_bool(jl, "cond", true);
}

/* Writes the `acq` record of shape for lock and held (and the thread, locks and stacks it names). */
static void write_tuple(uint32_t shape, uint32_t lock, const uint32_t *held) {
  if (!lh_run_file_active()) return;
  const struct shape_key *k = shape_at(shape);
  lh_thread_ensure_written(k->thread);
  lh_lock_ensure_written(lock);
  lh_stack_ensure_written(k->stack);
  for (uint32_t i = 0; i < k->nheld; i++) {
    lh_lock_ensure_written(held[i]);
    lh_stack_ensure_written(k->held[i].stack);
  }
  struct acq_ctx c = {k, lock, held};
  lh_run_write("acq", fill_acq, &c);
}

static bool tagged(const void *data) { return ((uintptr_t)data & 1) != 0; }

static void release_one(uint32_t lock, uint32_t shape, const uint32_t *held, bool write) {
  uint32_t nheld = shape_at(shape)->nheld;
  if (write) write_tuple(shape, lock, held);
  lh_lock_unref(lock);
  for (uint32_t j = 0; j < nheld; j++) lh_lock_unref(held[j]);
}

/* The tuples kept on edge e: written (write: always; write_shared: those with more than one held
 * lock, whose other edges may still be on a cycle) or dropped; their locks let go. */
static void release_kept(struct lh_order_edge *e, bool write, bool write_shared) {
  void *data = e->data;
  e->data = NULL;
  if (!data) return;
  if (tagged(data)) {
    uint32_t held = graph.nodes[e->from].owner;
    release_one(graph.nodes[e->to].owner, (uint32_t)((uintptr_t)data >> 1), &held, write);
    return;
  }
  struct kept *k = data;
  uint32_t edge_held = graph.nodes[e->from].owner, edge_lock = graph.nodes[e->to].owner;
  for (uint32_t i = 0; i < k->n;) {
    if (k->w[i] & KEPT_OF_EDGE) {
      release_one(edge_lock, k->w[i] & ~KEPT_OF_EDGE, &edge_held, write);
      i++;
      continue;
    }
    uint32_t lock = k->w[i], shape = k->w[i + 1], nheld = shape_at(shape)->nheld;
    release_one(lock, shape, &k->w[i + 2], write || (write_shared && nheld > 1));
    i += 2 + nheld;
  }
  free(k);
}

static void edge_gone(void *ctx, struct lh_order_edge *e, bool to_gone) {
  (void)ctx;
  /* The edge's target gone: no edge of these tuples is left. Its source gone: a tuple with one
   * held lock has no edge left either; one with more may still have an edge on a cycle to be,
   * and is written rather than followed. */
  release_kept(e, false, !to_gone);
}

/* Appends a record of the words head[0..nhead) and tail[0..ntail) to the list *kp (made when
 * NULL); false when memory runs out. */
static bool append(struct kept **kp, const uint32_t *head, uint32_t nhead, const uint32_t *tail,
                   uint32_t ntail) {
  struct kept *k = *kp;
  uint32_t n = k ? k->n : 0, cap = k ? k->cap : 0, need = nhead + ntail;
  if (n + need > cap) {
    /* A list is made for a second tuple: room for a third, and for 4 words at least (a malloc
     * chunk's smallest payload, 24 bytes, holds them with the header). */
    uint32_t c = cap ? 2 * cap : (2 * need > 4 ? 2 * need : 4);
    while (c < n + need) c *= 2;
    struct kept *v = realloc(k, sizeof *k + c * sizeof(uint32_t));
    if (!v) return false;
    if (!k) v->n = 0;
    v->cap = c;
    *kp = k = v;
  }
  memcpy(&k->w[k->n], head, nhead * sizeof *head);
  if (ntail) memcpy(&k->w[k->n + nhead], tail, ntail * sizeof *tail);
  k->n += need;
  return true;
}

static bool keep(uint32_t edge, uint32_t lock, uint32_t shape, const uint32_t *held) {
  if ((lock | shape) & KEPT_OF_EDGE) return false; /* not encodable: written at once */
  struct lh_order_edge *e = &graph.edges[edge];
  uint32_t nheld = shape_at(shape)->nheld;
  bool of_edge =
      nheld == 1 && graph.nodes[e->to].owner == lock && graph.nodes[e->from].owner == held[0];
  if (!e->data && of_edge) {
    e->data = (void *)((uintptr_t)shape << 1 | 1);
  } else {
    struct kept *k = NULL;
    if (tagged(e->data)) { /* a second tuple on this edge: the first moves into a list */
      uint32_t first = (uint32_t)((uintptr_t)e->data >> 1) | KEPT_OF_EDGE;
      if (!append(&k, &first, 1, NULL, 0)) return false;
    } else {
      k = e->data;
    }
    uint32_t head[2] = {of_edge ? shape | KEPT_OF_EDGE : lock, shape};
    if (!(of_edge ? append(&k, head, 1, NULL, 0) : append(&k, head, 2, held, nheld))) {
      if (tagged(e->data)) free(k);
      return false;
    }
    e->data = k;
  }
  lh_lock_ref(lock);
  for (uint32_t i = 0; i < nheld; i++) lh_lock_ref(held[i]);
  return true;
}

/* A new cycle: every tuple kept back that acquires a lock of its component is written (a tuple
 * with an edge in the component acquires one of its locks). */
static void write_component(void) {
  for (uint32_t i = 0; i < graph.nfound; i++)
    for (uint32_t e = graph.nodes[graph.found[i]].in; e != LH_ORDER_NONE;
         e = graph.edges[e].next_in) {
      release_kept(&graph.edges[e], true, true);
    }
}

/* The tuples kept back for lock node n (on its in-edges) are written. */
static void write_kept_for(uint32_t n) {
  for (uint32_t e = graph.nodes[n].in; e != LH_ORDER_NONE; e = graph.edges[e].next_in)
    release_kept(&graph.edges[e], true, true);
}

/* A search could not tell whether an edge closed a cycle: from now on only leaves' tuples are
 * kept back, and every other kept-back tuple is written (see leaf_tuples.h). */
static void keep_leaves_only(void) {
  for (uint32_t e = 0; e < graph.nedges; e++)
    if (graph.edges[e].data && graph.nodes[graph.edges[e].to].nout > 0)
      release_kept(&graph.edges[e], true, true);
  keeping = KEEP_LEAVES;
}

/* Out of memory: everything kept back is written, nothing is kept back any more. */
static void keep_nothing(void) {
  for (uint32_t e = 0; e < graph.nedges; e++) release_kept(&graph.edges[e], true, true);
  lh_order_free(&graph);
  keeping = KEEP_NOTHING;
}

static uint32_t node_of(uint32_t lock) {
  uint32_t n = lh_lock_node(lock);
  if (n == LH_ORDER_NONE && lock != UINT32_MAX) {
    n = lh_order_node_add(&graph, lock);
    lh_lock_set_node(lock, n);
  }
  return n;
}

/* Whether the pair (class of lock, pattern of shape) is new to the run file; notes it. */
static bool first_of_pair(uint32_t lock, uint32_t shape) {
  struct pair probe = {.key = {lh_lock_class(lock), ((struct shape *)by_id.v[shape])->pattern}};
  struct pair *p;
  HASH_FIND(hh, written_pairs, probe.key, sizeof probe.key, p);
  if (p) return false;
  if ((p = malloc(sizeof *p))) {
    memcpy(p->key, probe.key, sizeof p->key);
    HASH_ADD(hh, written_pairs, key, sizeof p->key, p);
  }
  return true;
}

#define HELD_ON_STACK 16

/* Adds the edges of the tuple (lock under held[0..n-1]) to the graph, writing first what they
 * make unsafe to keep back; returns whether the tuple itself may be kept back and sets *edge to
 * the innermost held lock's edge. */
static bool add_edges(uint32_t lock, const uint32_t *held, uint32_t n, uint32_t *edge) {
  bool may_keep = true;
  uint32_t to = node_of(lock);
  for (uint32_t i = 0; i < n && keeping != KEEP_NOTHING; i++) {
    uint32_t from = to == LH_ORDER_NONE ? LH_ORDER_NONE : node_of(held[i]);
    if (from == LH_ORDER_NONE) {
      keep_nothing();
      break;
    }
    if (keeping == KEEP_LEAVES) {
      bool was_leaf = graph.nodes[from].nout == 0;
      *edge = lh_order_edge_put(&graph, from, to);
      if (*edge == LH_ORDER_NONE)
        keep_nothing();
      else if (was_leaf && graph.nodes[from].nout > 0)
        write_kept_for(from); /* a leaf no more: before this tuple */
      continue;
    }
    enum lh_order_verdict v = lh_order_edge_add(&graph, from, to, edge);
    if (v == LH_ORDER_CYCLIC) {
      may_keep = false;
      if (graph.nfound)
        write_component(); /* before this tuple: a deadlock right after has them all */
    } else if (v == LH_ORDER_UNKNOWN) {
      if (*edge == LH_ORDER_NONE)
        keep_nothing();
      else
        keep_leaves_only(); /* the edges to come are added as leaves would be */
    }
  }
  if (keeping == KEEP_NOTHING) return false;
  return may_keep && (keeping != KEEP_LEAVES || graph.nodes[to].nout == 0);
}

/* Whether a tuple (lock under held[0..n-1]) is written now: its edges go into the graph first. A
 * try adds no edge (it never waits, so the analyzer orders nothing by it either: a maintainer
 * that holds an LRU lock and tries item locks closes no cycle with the workers that take the LRU
 * lock under each item lock), so it lies on no cycle and is written only as the first of its
 * pair. */
static bool written_now(uint32_t lock, uint8_t flags, uint32_t shape, const uint32_t *held,
                        uint32_t n) {
  bool first = keeping == KEEP_NOTHING || first_of_pair(lock, shape);
  if (flags & LH_ACQ_TRY) return first;
  uint32_t edge = LH_ORDER_NONE;
  bool may_keep = keeping != KEEP_NOTHING && add_edges(lock, held, n, &edge);
  for (uint32_t i = 0; i < n && may_keep; i++) may_keep = !lh_lock_may_be_shared(held[i]);
  may_keep = may_keep && !lh_lock_may_be_shared(lock);
  return !(may_keep && !first && edge != LH_ORDER_NONE && keep(edge, lock, shape, held));
}

void lh_leaf_record(uint32_t lock, uint8_t mode, uint8_t flags, uint32_t stack) {
  uint32_t n = lh_self.held.n, on_stack[HELD_ON_STACK];
  uint32_t *held = n <= HELD_ON_STACK ? on_stack : malloc(n * sizeof *held);
  uint32_t shape = shape_here(mode, flags, stack);
  if (!held || shape == UINT32_MAX) {
    /* Out of memory: no shape to write, and the graph can no longer be trusted. */
    if (keeping != KEEP_NOTHING) keep_nothing();
    if (held != on_stack) free(held);
    return;
  }
  for (uint32_t i = 0; i < n; i++) held[i] = lh_self.held.v[i].lock;
  if (written_now(lock, flags, shape, held, n)) write_tuple(shape, lock, held);
  if (held != on_stack) free(held);
}

void lh_leaf_lock_gone(uint32_t node) {
  if (keeping != KEEP_NOTHING) lh_order_node_dead(&graph, node);
}

void lh_leaf_start_afresh(void) {
  struct pair *p, *tmp;
  HASH_ITER(hh, written_pairs, p, tmp) {
    HASH_DEL(written_pairs, p);
    free(p);
  }
}

void lh_leaf_fork_child(void) {
  for (uint32_t e = 0; e < graph.nedges; e++) {
    release_kept(&graph.edges[e], false, false);
  }
}
