/* report_dot.c - the lock-order graph as Graphviz DOT (`lockhound graph`).
 *
 * Nodes are locks, named as in the reports; an edge held -> acquired is drawn once per pair of
 * locks (lock_graph.c), labelled with the threads that took the pair in that order and where they
 * took the second lock ("T1, T2 at worker ab_ba.c:21"; at most MAX_SITES sites and MAX_THREADS
 * threads per site, then "+N more"). What the report calls a potential deadlock is red and bold:
 * the edges and locks of every error-level lock-order inversion, and of every deadlock the
 * library saw happen. A deadlock's waits were never completed, so they are not acquisitions and
 * make no edge in the lock graph: each is drawn as a dashed red "waits" edge, from every lock the
 * waiting thread holds to the lock it waits for, unless an edge already joins the two.
 *
 * Only locks taken while holding another (or part of a deadlock) are drawn: a lock that was never
 * nested orders nothing. Every other finding (a self-deadlock, a stall, a livelock, a data race,
 * misuse, a deadlock that involves a join...) is drawn beside it as a cluster of its own, titled
 * with its rule id and id: the threads, locks, objects or memory it is about and what each thread
 * does to them (finding_picture.c), at most MAX_PICTURES of them. A graph with nothing to draw
 * gets one note node. The title is followed by a legend of exactly what was drawn (red, grey,
 * dashed; the shapes and arrows of the clusters), in the language asked for. Above LH_DOT_MAX_NODES
 * locks, a graph is unreadable: only the locks on a cycle (a strongly connected component of two
 * locks or more, found with Tarjan's algorithm), the red locks and the direct neighbours of all
 * those are drawn, and the title says how many were left out; when even that is too many, the
 * neighbours are left out too.
 *
 * Determinism: nodes are numbered in the order of their names (then lock keys), edges sorted by
 * the numbers of their ends, labels sorted in version order (T2 before T10), so the same model gives
 * the same bytes whatever the order in which the run files were given.
 * Labels are escaped for DOT double-quoted strings: '"' and '\' get a backslash (so that "\N" or
 * "\G" in a lock name is not read as a Graphviz escape), control characters and bytes that are
 * not UTF-8 become '?'. */
#include "report/report_dot.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/lock_graph.h"
#include "base/grow.h"
#include "report/finding_picture.h"
#include "symbols/frames.h"
#include "symbols/lock_names.h"

#define MAX_SITES 4
#define MAX_THREADS 4
#define MAX_PICTURES 50

struct wait_edge {
  uint32_t from, to;
  char *label;
};

struct dot {
  FILE *out;
  const struct lh_report *r;
  struct lh_lock_graph *g;
  uint32_t *order; /* drawable locks, by key */
  size_t norder;
  int32_t *rank; /* per lock: its node number, or LH_NONE when not drawn */
  bool *red_node, *red_edge, *cyclic;
  struct wait_edge *waits;
  size_t nwaits, cap_waits;
  size_t left_out; /* locks not drawn because the graph is large */
  bool neighbours; /* the neighbours of cycles are drawn */
  enum lh_lang lang;
  size_t pictures_left_out; /* findings not drawn beyond MAX_PICTURES */
};

static void put_label(FILE *out, const char *text) {
  fputs("label=\"", out);
  lh_dot_escaped(out, text);
  fputc('"', out);
}

/* ---- sites and thread lists ---- */

/* "worker ab_ba.c:21", "worker", "ab_ba.c:21" or "0x1228 (ab_ba)": the innermost frame. */
static char *site_text(const struct lh_report *r, int32_t stack) {
  struct lh_shown_frame f;
  char *s = NULL;
  int rc;
  if (lh_frames_of_stack(r->sym, r->m, stack, &f, 1) == 0)
    rc = asprintf(&s, "an unknown place");
  else if (f.function && f.file && f.line > 0)
    rc = asprintf(&s, "%s %s:%d", f.function, lh_basename(f.file), f.line);
  else if (f.function)
    rc = asprintf(&s, "%s", f.function);
  else if (f.file && f.line > 0)
    rc = asprintf(&s, "%s:%d", lh_basename(f.file), f.line);
  else
    rc = asprintf(&s, "0x%" PRIx64 " (%s)", f.offset,
                  f.module ? lh_basename(f.module) : "unknown module");
  return rc < 0 ? lh_xstrdup("?") : s;
}

static int version_cmp(const void *a, const void *b) {
  return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts and removes duplicates; returns the new count (the duplicates are freed). */
static size_t sort_unique(char **items, size_t n) {
  lh_sort(items, n, sizeof *items, version_cmp);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (k > 0 && strcmp(items[k - 1], items[i]) == 0)
      free(items[i]);
    else
      items[k++] = items[i];
  }
  return k;
}

/* A (thread, site) pair of an edge: "site\x1fthread", so that sorting groups by site. */
static char *pair_text(const struct lh_report *r, uint32_t thread, int32_t stack) {
  char label[64];
  lh_thread_label(r->m, thread, label, sizeof label);
  char *site = site_text(r, stack), *s;
  if (asprintf(&s, "%s\x1f%s", site, label) < 0) s = lh_xstrdup("?");
  free(site);
  return s;
}

/* Writes "T1, T2 at site" lines for the sorted pairs, capped, into out; `verb` is " at " or
 * " waits at ". Frees the pairs. */
static void pairs_label(FILE *out, char **pairs, size_t n, const char *verb) {
  size_t sites = 0, i = 0;
  while (i < n) {
    size_t site_len = strcspn(pairs[i], "\x1f"), j = i;
    while (j < n && strncmp(pairs[j], pairs[i], site_len + 1) == 0) j++;
    if (sites < MAX_SITES) {
      if (sites) fputc('\n', out);
      for (size_t k = i; k < j && k < i + MAX_THREADS; k++)
        fprintf(out, "%s%s", k > i ? ", " : "", pairs[k] + site_len + 1);
      if (j - i > MAX_THREADS) fprintf(out, " +%zu more", j - i - MAX_THREADS);
      fprintf(out, "%s%.*s", verb, (int)site_len, pairs[i]);
    }
    sites++;
    i = j;
  }
  if (sites > MAX_SITES) fprintf(out, "\n+%zu more sites", sites - MAX_SITES);
  for (size_t k = 0; k < n; k++) free(pairs[k]);
}

static char *edge_label(const struct dot *d, const struct lh_edge *e) {
  char **pairs = lh_xcalloc(e->nrefs ? e->nrefs : 1, sizeof *pairs);
  for (size_t i = 0; i < e->nrefs; i++) {
    const struct lh_tuple *t = &d->r->m->tuples[e->refs[i].tuple];
    pairs[i] = pair_text(d->r, t->thread, t->stack);
  }
  size_t n = sort_unique(pairs, e->nrefs);
  char *s = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&s, &len);
  if (!out) abort();
  pairs_label(out, pairs, n, " at ");
  fclose(out);
  free(pairs);
  return s;
}

/* ---- what is red ---- */

static int32_t find_edge(const struct lh_lock_graph *g, uint32_t from, uint32_t to) {
  for (uint32_t i = g->out_start[from]; i < g->out_start[from + 1]; i++)
    if (g->edges[g->out[i]].to == to) return (int32_t)g->out[i];
  return LH_NONE;
}

static void add_wait(struct dot *d, uint32_t from, uint32_t to, char *pair) {
  for (size_t i = 0; i < d->nwaits; i++)
    if (d->waits[i].from == from && d->waits[i].to == to) {
      /* Several deadlocks through one pair: the pairs are joined, sorted when drawn. */
      char *joined;
      if (asprintf(&joined, "%s\n%s", d->waits[i].label, pair) < 0) abort();
      free(d->waits[i].label);
      free(pair);
      d->waits[i].label = joined;
      return;
    }
  struct wait_edge *w = LH_PUSH(d->waits, d->nwaits, d->cap_waits);
  w->from = from;
  w->to = to;
  w->label = pair;
}

static void mark_deadlock(struct dot *d, const struct lh_finding *f) {
  const struct lh_model *m = d->r->m;
  const struct lh_incident *x = &m->incidents[f->incident];
  for (size_t i = 0; i < f->nabout; i++) d->red_node[f->about[i]] = true;
  for (uint32_t i = 0; i < x->nthreads; i++) {
    const struct lh_incident_thread *t = &x->threads[i];
    if (t->waits.on != LH_WAIT_LOCK || t->waits.lock == LH_NONE) continue;
    uint32_t to = (uint32_t)t->waits.lock;
    d->red_node[to] = true;
    for (uint32_t h = 0; h < t->nholds; h++) {
      uint32_t from = t->holds[h].lock;
      if (from == to) continue;
      d->red_node[from] = true;
      int32_t e = find_edge(d->g, from, to);
      if (e != LH_NONE)
        d->red_edge[e] = true;
      else
        add_wait(d, from, to, pair_text(d->r, t->thread, t->waits.stack));
    }
  }
}

static void mark_red(struct dot *d) {
  const struct lh_findings *fs = d->r->findings;
  for (size_t i = 0; i < fs->n; i++) {
    const struct lh_finding *f = &fs->items[i];
    if (f->kind == LH_FINDING_LOCK_ORDER_INVERSION && f->level == LH_LEVEL_ERROR) {
      for (size_t k = 0; k < f->n; k++) {
        uint32_t from = f->locks[k], to = f->locks[(k + 1) % f->n];
        d->red_node[from] = true;
        int32_t e = find_edge(d->g, from, to);
        if (e != LH_NONE) d->red_edge[e] = true;
      }
    } else if (f->kind == LH_FINDING_DEADLOCK && f->incident != LH_NONE) {
      mark_deadlock(d, f);
    }
  }
}

/* ---- which locks are on cycles: Tarjan's strongly connected components, iterative ---- */

struct tarjan {
  const struct lh_lock_graph *g;
  uint32_t *index, *low, *stack, *next; /* index 0: not visited yet */
  bool *on_stack;
  size_t sp, counter;
};

static void tarjan_close(struct tarjan *t, uint32_t v, bool *cyclic) {
  if (t->low[v] != t->index[v]) return;
  size_t start = t->sp;
  do start--;
  while (t->stack[start] != v);
  for (size_t i = start; i < t->sp; i++) {
    t->on_stack[t->stack[i]] = false;
    if (t->sp - start > 1) cyclic[t->stack[i]] = true;
  }
  t->sp = start;
}

static void tarjan_from(struct tarjan *t, uint32_t root, uint32_t *call, bool *cyclic) {
  size_t depth = 0;
  call[depth++] = root;
  t->index[root] = t->low[root] = (uint32_t)++t->counter;
  t->stack[t->sp++] = root;
  t->on_stack[root] = true;
  t->next[root] = t->g->out_start[root];
  while (depth) {
    uint32_t v = call[depth - 1];
    if (t->next[v] < t->g->out_start[v + 1]) {
      uint32_t w = t->g->edges[t->g->out[t->next[v]++]].to;
      if (!t->index[w]) {
        t->index[w] = t->low[w] = (uint32_t)++t->counter;
        t->stack[t->sp++] = w;
        t->on_stack[w] = true;
        t->next[w] = t->g->out_start[w];
        call[depth++] = w;
      } else if (t->on_stack[w] && t->index[w] < t->low[v]) {
        t->low[v] = t->index[w];
      }
      continue;
    }
    tarjan_close(t, v, cyclic);
    if (--depth && t->low[v] < t->low[call[depth - 1]]) t->low[call[depth - 1]] = t->low[v];
  }
}

static void find_cyclic(struct dot *d) {
  size_t n = d->g->nnodes;
  struct tarjan t = {d->g,
                     lh_xcalloc(n, sizeof(uint32_t)),
                     lh_xcalloc(n, sizeof(uint32_t)),
                     lh_xcalloc(n, sizeof(uint32_t)),
                     lh_xcalloc(n, sizeof(uint32_t)),
                     lh_xcalloc(n, sizeof(bool)),
                     0,
                     0};
  uint32_t *call = lh_xcalloc(n, sizeof *call);
  for (uint32_t v = 0; v < n; v++)
    if (!t.index[v]) tarjan_from(&t, v, call, d->cyclic);
  free(call);
  free(t.index);
  free(t.low);
  free(t.stack);
  free(t.next);
  free(t.on_stack);
}

/* ---- which locks are drawn ---- */

static void mark_ends(struct dot *d, bool *set, bool only_from_kept, const bool *kept) {
  for (size_t i = 0; i < d->g->nedges; i++) {
    const struct lh_edge *e = &d->g->edges[i];
    if (only_from_kept && !kept[e->from] && !kept[e->to]) continue;
    set[e->from] = set[e->to] = true;
  }
  for (size_t i = 0; i < d->nwaits; i++) set[d->waits[i].from] = set[d->waits[i].to] = true;
}

static size_t count(const bool *set, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += set[i];
  return k;
}

/* Fills drawn[] (per lock), applying the rule for large graphs. */
static void choose_nodes(struct dot *d, bool *drawn) {
  size_t n = d->g->nnodes;
  for (size_t v = 0; v < n; v++) drawn[v] = d->red_node[v];
  mark_ends(d, drawn, false, NULL);
  size_t all = count(drawn, n);
  if (all <= LH_DOT_MAX_NODES) return;
  find_cyclic(d);
  bool *core = lh_xcalloc(n, sizeof *core);
  for (size_t v = 0; v < n; v++) core[v] = d->cyclic[v] || d->red_node[v];
  memset(drawn, 0, n * sizeof *drawn);
  mark_ends(d, drawn, true, core);
  for (size_t v = 0; v < n; v++) drawn[v] = drawn[v] || core[v];
  d->neighbours = count(drawn, n) <= LH_DOT_MAX_NODES;
  if (!d->neighbours) memcpy(drawn, core, n * sizeof *drawn);
  free(core);
  d->left_out = all - count(drawn, n);
}

/* By name in version order (lock_a, lock_b, "... #2" before "... #10"), then by key. */
static int lock_cmp(const void *a, const void *b, void *ctx) {
  const struct lh_report *r = ctx;
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  int c = strverscmp(lh_report_lock_names(r)[x], lh_report_lock_names(r)[y]);
  return c ? c : strcmp(r->m->locks[x].key, r->m->locks[y].key);
}

static void number_nodes(struct dot *d) {
  size_t n = d->g->nnodes;
  bool *drawn = lh_xcalloc(n ? n : 1, sizeof *drawn);
  choose_nodes(d, drawn);
  d->order = lh_xcalloc(n ? n : 1, sizeof *d->order);
  for (uint32_t v = 0; v < n; v++)
    if (drawn[v]) d->order[d->norder++] = v;
  lh_sort_r(d->order, d->norder, sizeof *d->order, lock_cmp, (void *)d->r);
  for (size_t v = 0; v < n; v++) d->rank[v] = LH_NONE;
  for (size_t i = 0; i < d->norder; i++) d->rank[d->order[i]] = (int32_t)i;
  free(drawn);
}

/* ---- writing ---- */

static const char *RED = "color=red, fontcolor=red, penwidth=2.5";
static const char *GREY = "color=grey45, fontcolor=grey25";

/* "ab_ba" or "ab_ba, worker": the programs of the run files, each once, in file order. */
static void put_programs(FILE *out, const struct lh_model *m) {
  for (size_t i = 0; i < m->nfiles; i++) {
    bool seen = false;
    for (size_t j = 0; j < i && !seen; j++) seen = strcmp(m->files[j].exe, m->files[i].exe) == 0;
    if (!seen) fprintf(out, "%s%s", i ? ", " : "", lh_basename(m->files[i].exe));
  }
}

/* The title and legend: the programs and counts, then one line per part drawn (used). */
static char *title(const struct dot *d, size_t nedges, unsigned used) {
  char *s = NULL, *programs = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&programs, &len);
  if (!out) abort();
  put_programs(out, d->r->m);
  fclose(out);
  out = open_memstream(&s, &len);
  if (!out) abort();
  fprintf(out, lh_msg(d->lang, LH_MSG_GRAPH_TITLE), programs, d->norder, nedges);
  free(programs);
  lh_picture_legend(out, used, d->lang);
  if (d->left_out) {
    fputc('\n', out);
    fprintf(
        out,
        lh_msg(d->lang, d->neighbours ? LH_MSG_GRAPH_LEFT_OUT_NEIGHBOURS : LH_MSG_GRAPH_LEFT_OUT),
        d->left_out, LH_DOT_MAX_NODES);
  }
  if (d->pictures_left_out) {
    fputc('\n', out);
    fprintf(out, lh_msg(d->lang, LH_MSG_GRAPH_FINDINGS_LEFT_OUT), d->pictures_left_out,
            MAX_PICTURES);
  }
  fclose(out);
  return s;
}

static int edge_cmp(const void *a, const void *b, void *ctx) {
  const struct dot *d = ctx;
  const struct lh_edge *x = &d->g->edges[*(const uint32_t *)a],
                       *y = &d->g->edges[*(const uint32_t *)b];
  if (d->rank[x->from] != d->rank[y->from]) return d->rank[x->from] < d->rank[y->from] ? -1 : 1;
  return d->rank[x->to] < d->rank[y->to] ? -1 : d->rank[x->to] > d->rank[y->to];
}

static void put_nodes(struct dot *d) {
  for (size_t i = 0; i < d->norder; i++) {
    uint32_t v = d->order[i];
    fprintf(d->out, "  n%zu [", i);
    put_label(d->out, lh_report_lock_names(d->r)[v]);
    if (d->red_node[v]) fprintf(d->out, ", %s, style=\"rounded,bold\"", RED);
    fputs("];\n", d->out);
  }
}

static void put_edges(struct dot *d) {
  uint32_t *edges = lh_xcalloc(d->g->nedges ? d->g->nedges : 1, sizeof *edges);
  size_t n = 0;
  for (uint32_t i = 0; i < d->g->nedges; i++)
    if (d->rank[d->g->edges[i].from] != LH_NONE && d->rank[d->g->edges[i].to] != LH_NONE)
      edges[n++] = i;
  lh_sort_r(edges, n, sizeof *edges, edge_cmp, d);
  for (size_t i = 0; i < n; i++) {
    const struct lh_edge *e = &d->g->edges[edges[i]];
    char *label = edge_label(d, e);
    fprintf(d->out, "  n%d -> n%d [", d->rank[e->from], d->rank[e->to]);
    put_label(d->out, label);
    fprintf(d->out, ", %s%s];\n", d->red_edge[edges[i]] ? RED : GREY,
            d->red_edge[edges[i]] ? ", style=bold" : "");
    free(label);
  }
  free(edges);
}

static int wait_cmp(const void *a, const void *b, void *ctx) {
  const struct dot *d = ctx;
  const struct wait_edge *x = a, *y = b;
  if (d->rank[x->from] != d->rank[y->from]) return d->rank[x->from] < d->rank[y->from] ? -1 : 1;
  return d->rank[x->to] < d->rank[y->to] ? -1 : d->rank[x->to] > d->rank[y->to];
}

static void put_waits(struct dot *d) {
  lh_sort_r(d->waits, d->nwaits, sizeof *d->waits, wait_cmp, d);
  for (size_t i = 0; i < d->nwaits; i++) {
    struct wait_edge *w = &d->waits[i];
    /* The label holds "site\x1fthread" pairs, one per line. */
    size_t n = 1;
    for (const char *p = w->label; *p; p++) n += *p == '\n';
    char **pairs = lh_xcalloc(n, sizeof *pairs);
    n = 0;
    for (char *line = strtok(w->label, "\n"); line; line = strtok(NULL, "\n"))
      pairs[n++] = lh_xstrdup(line);
    n = sort_unique(pairs, n);
    char *s = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&s, &len);
    if (!out) abort();
    pairs_label(out, pairs, n, " waits at ");
    fclose(out);
    free(pairs);
    fprintf(d->out, "  n%d -> n%d [", d->rank[w->from], d->rank[w->to]);
    put_label(d->out, s);
    fprintf(d->out, ", %s, style=\"bold,dashed\"];\n", RED);
    free(s);
  }
}

/* ---- the findings beside the lock-order graph ---- */

/* Whether f is drawn as a cluster of its own: every finding shown without -v, except those the
 * lock-order graph already draws (lock-order inversions, and deadlocks whose every wait is for a
 * lock: red and dashed arrows between their locks). */
static bool gets_cluster(const struct lh_finding *f, const json_t *j) {
  if (f->level == LH_LEVEL_NOTE || f->kind == LH_FINDING_LOCK_ORDER_INVERSION) return false;
  if (f->kind != LH_FINDING_DEADLOCK) return true;
  size_t i;
  const json_t *t;
  json_array_foreach(json_object_get(j, "threads"), i, t) {
    const char *on = json_string_value(json_object_get(json_object_get(t, "waits"), "on"));
    if (on && strcmp(on, "lock") != 0) return true;
  }
  return false;
}

/* A cluster per finding (at most MAX_PICTURES), titled with its rule id, title and id, into
 * clusters; the parts drawn into *used. */
static void put_clusters(struct dot *d, char **clusters, unsigned *used) {
  size_t len = 0, drawn = 0;
  FILE *out = open_memstream(clusters, &len);
  if (!out) abort();
  char **object_names = lh_report_object_names(d->r);
  const struct lh_findings *fs = d->r->findings;
  for (size_t i = 0; i < fs->n; i++) {
    const struct lh_finding *f = &fs->items[i];
    if (f->level == LH_LEVEL_NOTE || f->kind == LH_FINDING_LOCK_ORDER_INVERSION) continue;
    json_t *j = lh_json_finding(d->r, object_names, f);
    if (gets_cluster(f, j)) {
      if (drawn == MAX_PICTURES)
        d->pictures_left_out++;
      else {
        char prefix[32], *title = NULL;
        snprintf(prefix, sizeof prefix, "f%zu", drawn);
        fprintf(out, "  subgraph cluster_%s {\n  label=\"", prefix);
        if (asprintf(&title, "%s: %s [id %s]", lh_kind_rule(f->kind),
                     lh_kind_title_in(d->lang, f->kind), f->id) < 0)
          title = NULL;
        lh_dot_escaped(out, title ? title : "?");
        free(title);
        fputs("\";\n  style=rounded; color=grey60; fontname=\"Helvetica\"; fontsize=11;\n", out);
        lh_picture_body(out, j, prefix, d->lang, used);
        fputs("  }\n", out);
        drawn++;
      }
    }
    json_decref(j);
  }
  lh_lock_names_free(object_names, d->r->m->nobjects);
  fclose(out);
}

void lh_report_dot(FILE *out, const struct lh_report *r) { lh_report_dot_in(out, r, LH_LANG_EN); }

void lh_report_dot_in(FILE *out, const struct lh_report *r, enum lh_lang lang) {
  struct dot d = {.out = out, .r = r, .g = lh_lock_graph_build(r->m), .lang = lang};
  size_t n = d.g->nnodes ? d.g->nnodes : 1;
  d.rank = lh_xcalloc(n, sizeof *d.rank);
  d.red_node = lh_xcalloc(n, sizeof(bool));
  d.cyclic = lh_xcalloc(n, sizeof(bool));
  d.red_edge = lh_xcalloc(d.g->nedges ? d.g->nedges : 1, sizeof(bool));
  mark_red(&d);
  number_nodes(&d);
  size_t drawn_edges = d.nwaits;
  unsigned used = d.norder ? LH_PIC_ORDER : 0;
  for (size_t i = 0; i < d.g->nedges; i++) {
    bool drawn = d.rank[d.g->edges[i].from] != LH_NONE && d.rank[d.g->edges[i].to] != LH_NONE;
    drawn_edges += drawn;
    if (drawn) used |= d.red_edge[i] ? LH_PIC_ORDER_RED : LH_PIC_ORDER_GREY;
  }
  for (size_t i = 0; i < d.norder; i++)
    if (d.red_node[d.order[i]]) used |= LH_PIC_ORDER_RED;
  if (d.nwaits) used |= LH_PIC_DEADLOCK_WAIT | LH_PIC_ORDER_RED;
  char *clusters = NULL;
  put_clusters(&d, &clusters, &used);
  char *t = title(&d, drawn_edges, used);
  fputs("digraph lockhound {\n  graph [", out);
  put_label(out, t);
  fputs(", labelloc=t, fontname=\"Helvetica\", fontsize=12];\n"
        "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=11];\n"
        "  edge [fontname=\"Helvetica\", fontsize=9];\n",
        out);
  free(t);
  if (d.norder == 0 && !*clusters) {
    fputs("  note [shape=note, ", out);
    put_label(out, lh_msg(lang, LH_MSG_GRAPH_NOTHING));
    fputs("];\n", out);
  }
  put_nodes(&d);
  put_edges(&d);
  put_waits(&d);
  fputs(clusters, out);
  fputs("}\n", out);
  free(clusters);
  for (size_t i = 0; i < d.nwaits; i++) free(d.waits[i].label);
  free(d.waits);
  free(d.order);
  free(d.rank);
  free(d.red_node);
  free(d.red_edge);
  free(d.cyclic);
  lh_lock_graph_free(d.g);
}
