/* finding_picture.c - one finding drawn as Graphviz DOT, for a student to see what it is about.
 *
 * The picture is drawn from the finding's JSON (lh_json_finding: the facts every report tells),
 * so it says what the text and the page say. Shapes: a thread is an ellipse, a lock a box, a
 * semaphore, condition variable or barrier a hexagon, the memory of a data race a folded page.
 * Every arrow starts at the thread that acts and is labelled with what it does and where (the
 * innermost frame, "function file:line"):
 *   - holds: solid black thread -> lock, "holds it, taken at SITE" (a livelock's record names the
 *     holder of the lock a thread keeps trying, but not where it took it: "at the last failed try");
 *   - waits: dashed red thread -> lock, object or (a join) thread, "waits in CALL at SITE"; a wait
 *     for a lock the thread holds itself is "requests it again" (a self-deadlock: two arrows
 *     between the thread and its lock);
 *   - tries: dotted orange thread -> lock, "N failed trylocks at SITE" (a livelock: each thread
 *     tries what the other holds);
 *   - access: bold red thread -> memory, "writes at SITE, no lock held" (the two accesses of a race,
 *     the earlier first);
 *   - call: bold red thread -> the lock, object or thread a misuse finding names, "RULE at SITE";
 *   - a lock-order inversion is drawn as the lock-order graph draws it: lock -> lock, "T1 at SITE"
 *     (took the second while holding the first), red for an error, grey for a note.
 * A deadlock is a cycle of holds and waits; a stall shows every thread's wait and what nobody
 * will ever post, signal or reach.
 *
 * The legend (lh_picture_legend) explains exactly the parts a drawing used (enum lh_picture_part),
 * in the report's language. Node names are prefix + t/l/o/m + a number in order of first mention,
 * so the same finding gives the same bytes. Limits: sites are one frame; a lock or object is named
 * as the reports name it, so two of one name are one node. */
#include "report/finding_picture.h"

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "symbols/frames.h"

#define RED "color=red, fontcolor=red, penwidth=2.5"
#define RED_DASHED "color=red, fontcolor=red, penwidth=2, style=\"bold,dashed\""
#define BLACK "color=black, fontcolor=black"
#define ORANGE "color=darkorange, fontcolor=darkorange3, penwidth=2, style=dotted"
#define GREY "color=grey45, fontcolor=grey25"

/* ---- DOT text ---- */

/* Length of the UTF-8 sequence starting at s, or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s) {
  size_t n = s[0] >= 0xf0 && s[0] <= 0xf4  ? 4
             : s[0] >= 0xe0                ? 3
             : s[0] >= 0xc2 && s[0] < 0xe0 ? 2
                                           : 0;
  for (size_t i = 1; i < n; i++)
    if ((s[i] & 0xc0) != 0x80) return 0;
  return n;
}

void lh_dot_escaped(FILE *out, const char *text) {
  const unsigned char *s = (const unsigned char *)text;
  while (*s) {
    if (*s == '\n')
      fputs("\\n", out);
    else if (*s == '"' || *s == '\\')
      fprintf(out, "\\%c", *s);
    else if (*s < 0x20 || *s == 0x7f)
      fputc('?', out);
    else if (*s >= 0x80) {
      size_t n = utf8_len(s);
      if (n == 0)
        fputc('?', out);
      else {
        fwrite(s, 1, n, out);
        s += n;
        continue;
      }
    } else
      fputc(*s, out);
    s++;
  }
}

static const char *jstr(const json_t *o, const char *key) {
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

char *lh_dot_json_site(const json_t *frames) {
  const json_t *f = json_array_get(frames, 0);
  const char *fn = json_string_value(json_object_get(f, "function"));
  const char *file = json_string_value(json_object_get(f, "file"));
  const char *module = json_string_value(json_object_get(f, "module"));
  json_int_t line = json_integer_value(json_object_get(f, "line"));
  char *s = NULL;
  int rc;
  if (!f)
    rc = asprintf(&s, "an unknown place");
  else if (fn && file && line > 0)
    rc = asprintf(&s, "%s %s:%lld", fn, lh_basename(file), (long long)line);
  else if (fn)
    rc = asprintf(&s, "%s", fn);
  else if (file && line > 0)
    rc = asprintf(&s, "%s:%lld", lh_basename(file), (long long)line);
  else
    rc = asprintf(&s, "%s (%s)", jstr(f, "offset"), module ? lh_basename(module) : "?");
  return rc < 0 ? lh_xstrdup("?") : s;
}

/* ---- nodes ---- */

enum node_kind { N_THREAD, N_LOCK, N_OBJECT, N_MEMORY, N_KINDS };

static const char node_letter[N_KINDS] = {'t', 'l', 'o', 'm'};
static const char *const node_style[N_KINDS] = {"shape=ellipse", "shape=box, style=rounded",
                                                "shape=hexagon", "shape=note"};
static const unsigned node_part[N_KINDS] = {LH_PIC_THREAD, LH_PIC_LOCK, LH_PIC_OBJECT,
                                            LH_PIC_MEMORY};

struct picture {
  FILE *out;
  const char *prefix;
  enum lh_lang lang;
  unsigned used;
  char **names[N_KINDS];
  size_t n[N_KINDS], cap[N_KINDS];
};

/* The node of (kind, name), declared with label on first mention; returns its DOT name. */
static const char *node(struct picture *p, enum node_kind k, const char *name, const char *label,
                        bool red, char buf[96]) {
  size_t i = 0;
  while (i < p->n[k] && strcmp(p->names[k][i], name) != 0) i++;
  snprintf(buf, 96, "%s%c%zu", p->prefix, node_letter[k], i);
  if (i == p->n[k]) {
    *LH_PUSH(p->names[k], p->n[k], p->cap[k]) = lh_xstrdup(name);
    fprintf(p->out, "  %s [%s, label=\"", buf, node_style[k]);
    lh_dot_escaped(p->out, label ? label : name);
    fprintf(p->out, "\"%s];\n", red ? ", color=red, fontcolor=red, penwidth=2" : "");
    p->used |= node_part[k];
  }
  return buf;
}

static const char *thread_node(struct picture *p, const char *label, char buf[96]) {
  return node(p, N_THREAD, label, NULL, false, buf);
}

/* An object with its state: "job_ready\nvalue 0", "start_line\n2/3". */
static const char *object_node(struct picture *p, const json_t *objects, const char *name,
                               char buf[96]) {
  size_t i;
  const json_t *o, *found = NULL;
  json_array_foreach(objects, i, o) if (strcmp(jstr(o, "name"), name) == 0) found = o;
  char *label = NULL;
  int rc = -1;
  if (json_object_get(found, "value")) {
    char value[64];
    snprintf(value, sizeof value, lh_msg(p->lang, LH_MSG_PIC_VALUE),
             (long long)json_integer_value(json_object_get(found, "value")));
    rc = asprintf(&label, "%s\n%s", name, value);
  } else if (json_object_get(found, "count"))
    rc = asprintf(&label, "%s\n%lld/%lld", name,
                  (long long)json_integer_value(json_object_get(found, "arrived")),
                  (long long)json_integer_value(json_object_get(found, "count")));
  if (rc < 0) label = NULL;
  const char *s = node(p, N_OBJECT, name, label, false, buf);
  free(label);
  return s;
}

/* ---- edges ---- */

static void edge(struct picture *p, const char *from, const char *to, const char *label,
                 const char *style, unsigned part) {
  fprintf(p->out, "  %s -> %s [label=\"", from, to);
  lh_dot_escaped(p->out, label);
  fprintf(p->out, "\", %s];\n", style);
  p->used |= part;
}

/* A message with two %s: what, and the site of frames. */
static char *at_site(enum lh_lang lang, enum lh_msg id, const char *what, const json_t *frames) {
  char *site = lh_dot_json_site(frames), *s;
  if (asprintf(&s, lh_msg(lang, id), what, site) < 0) s = lh_xstrdup("?");
  free(site);
  return s;
}

static bool holds_lock(const json_t *thread, const char *lock) {
  size_t i;
  const json_t *h;
  json_array_foreach(json_object_get(thread, "holds"), i,
                     h) if (strcmp(jstr(h, "lock"), lock) == 0) return true;
  return false;
}

static void holds_edges(struct picture *p, const json_t *t, const char *from) {
  size_t i;
  const json_t *h;
  char lock[96];
  json_array_foreach(json_object_get(t, "holds"), i, h) {
    char *site = lh_dot_json_site(json_object_get(h, "stack")), *label;
    if (asprintf(&label, lh_msg(p->lang, LH_MSG_PIC_HOLDS_TAKEN_AT), site) < 0)
      label = lh_xstrdup("?");
    edge(p, from, node(p, N_LOCK, jstr(h, "lock"), NULL, false, lock), label, BLACK, LH_PIC_HOLDS);
    free(label);
    free(site);
  }
}

static void waits_edge(struct picture *p, const json_t *f, const json_t *t, const char *from) {
  const json_t *w = json_object_get(t, "waits");
  if (!w) return;
  const char *on = jstr(w, "on");
  const json_t *stack = json_object_get(w, "stack");
  char to[96];
  if (strcmp(on, "lock") == 0 && holds_lock(t, jstr(w, "lock"))) {
    char *site = lh_dot_json_site(stack), *label;
    if (asprintf(&label, lh_msg(p->lang, LH_MSG_PIC_REQUESTS_AGAIN), site) < 0)
      label = lh_xstrdup("?");
    edge(p, from, node(p, N_LOCK, jstr(w, "lock"), NULL, true, to), label, RED_DASHED,
         LH_PIC_AGAIN);
    free(label);
    free(site);
    return;
  }
  if (strcmp(on, "lock") == 0)
    node(p, N_LOCK, jstr(w, "lock"), NULL, false, to);
  else if (strcmp(on, "join") == 0)
    thread_node(p, jstr(w, "thread"), to);
  else if (json_object_get(w, "object"))
    object_node(p, json_object_get(f, "objects"), jstr(w, "object"), to);
  else
    return;
  char *site = lh_dot_json_site(stack), *label;
  if (asprintf(&label, lh_msg(p->lang, LH_MSG_PIC_WAITS_IN), jstr(w, "call"), site) < 0)
    label = lh_xstrdup("?");
  edge(p, from, to, label, RED_DASHED, LH_PIC_WAITS);
  free(label);
  free(site);
}

/* A livelock: the lock it keeps trying, and who held it at the last failure. */
static void tries_edges(struct picture *p, const json_t *t, const char *from) {
  const json_t *tries = json_object_get(t, "tries");
  if (!tries) return;
  char lock[96], holder[96], *site = lh_dot_json_site(json_object_get(t, "stack")), *label;
  node(p, N_LOCK, jstr(tries, "lock"), NULL, false, lock);
  if (asprintf(&label, lh_msg(p->lang, LH_MSG_PIC_TRIES),
               (long long)json_integer_value(json_object_get(tries, "failures")), site) < 0)
    label = lh_xstrdup("?");
  edge(p, from, lock, label, ORANGE, LH_PIC_TRIES);
  free(label);
  free(site);
  if (*jstr(tries, "holder"))
    edge(p, thread_node(p, jstr(tries, "holder"), holder), lock,
         lh_msg(p->lang, LH_MSG_PIC_HOLDS_AT_FAILURE), BLACK, LH_PIC_HOLDS);
}

/* Misuse: the call the finding is about, from its thread to every lock and object it names (or
 * to the thread it names, a join). */
static void call_edges(struct picture *p, const json_t *f, const json_t *t, const char *from) {
  const json_t *stack = json_object_get(t, "stack");
  if (!stack) return;
  char *label = at_site(p->lang, LH_MSG_PIC_AT, jstr(f, "kind"), stack), to[96];
  size_t i, drawn = 0;
  const json_t *it;
  json_array_foreach(json_object_get(f, "locks"), i, it) {
    edge(p, from, node(p, N_LOCK, jstr(it, "name"), NULL, false, to), label, RED, LH_PIC_CALL);
    drawn++;
  }
  json_array_foreach(json_object_get(f, "objects"), i, it) {
    edge(p, from, object_node(p, json_object_get(f, "objects"), jstr(it, "name"), to), label, RED,
         LH_PIC_CALL);
    drawn++;
  }
  if (!drawn && *jstr(f, "thread") && strcmp(jstr(f, "thread"), jstr(t, "id")) != 0)
    edge(p, from, thread_node(p, jstr(f, "thread"), to), label, RED, LH_PIC_CALL);
  free(label);
}

static bool is_misuse(const char *kind) {
  static const char *const told[] = {
      "deadlock",       "timed-wait-cycle", "self-deadlock",    "stall",
      "possible-stall", "livelock",         "possible-livelock"};
  for (size_t i = 0; i < sizeof told / sizeof *told; i++)
    if (strcmp(kind, told[i]) == 0) return false;
  return true;
}

static void incident_picture(struct picture *p, const json_t *f) {
  size_t i;
  const json_t *t;
  bool misuse = is_misuse(jstr(f, "kind"));
  json_array_foreach(json_object_get(f, "threads"), i, t) {
    char from[96];
    thread_node(p, jstr(t, "id"), from);
    holds_edges(p, t, from);
    waits_edge(p, f, t, from);
    tries_edges(p, t, from);
    if (misuse) call_edges(p, f, t, from);
  }
}

/* A data race: the memory, and each access from its thread, the earlier one first. */
static void race_picture(struct picture *p, const json_t *f) {
  const json_t *v = json_object_get(f, "variable"), *accesses = json_object_get(f, "accesses");
  char *what = NULL, mem[96];
  if (asprintf(&what, lh_msg(p->lang, LH_MSG_PIC_BYTES), jstr(v, "memory"),
               (long long)json_integer_value(json_object_get(v, "bytes"))) < 0)
    what = NULL;
  char *label = NULL;
  if (asprintf(&label, "%s\n(%s)", *jstr(v, "name") ? jstr(v, "name") : "?", what ? what : "") < 0)
    label = NULL;
  node(p, N_MEMORY, "memory", label, true, mem);
  free(label);
  free(what);
  for (size_t k = json_array_size(accesses); k-- > 0;) {
    const json_t *a = json_array_get(accesses, k);
    bool write = strcmp(jstr(a, "access"), "write") == 0,
         atomic = json_is_true(json_object_get(a, "atomic"));
    enum lh_msg verb = atomic ? (write ? LH_MSG_PIC_ATOMIC_WRITE : LH_MSG_PIC_ATOMIC_READ)
                              : (write ? LH_MSG_PIC_WRITE : LH_MSG_PIC_READ);
    char *first =
        at_site(p->lang, LH_MSG_PIC_AT, lh_msg(p->lang, verb), json_object_get(a, "stack"));
    char *locks = NULL, *text = NULL;
    size_t len = 0;
    FILE *mem_out = open_memstream(&locks, &len);
    if (!mem_out) abort();
    size_t i;
    const json_t *l;
    json_array_foreach(json_object_get(a, "locks"), i, l) {
      if (i) fputs(", ", mem_out);
      fputs(json_is_string(l) ? json_string_value(l) : jstr(l, "lock"), mem_out);
    }
    fclose(mem_out);
    char *held = NULL;
    if (*locks) {
      if (asprintf(&held, lh_msg(p->lang, LH_MSG_PIC_HOLDING), locks) < 0) held = NULL;
    }
    if (asprintf(&text, "%s\n%s", first, held ? held : lh_msg(p->lang, LH_MSG_PIC_NO_LOCK)) < 0)
      text = lh_xstrdup("?");
    char from[96];
    edge(p, thread_node(p, jstr(a, "thread"), from), mem, text, RED, LH_PIC_ACCESS);
    free(first);
    free(locks);
    free(held);
    free(text);
  }
}

/* A lock-order cycle: step i holds a lock and takes the next. */
static void cycle_picture(struct picture *p, const json_t *f) {
  bool red = strcmp(jstr(f, "level"), "error") == 0;
  size_t i;
  const json_t *s;
  json_array_foreach(json_object_get(f, "steps"), i, s) {
    const json_t *holds = json_object_get(s, "holds"), *wants = json_object_get(s, "wants");
    char a[96], b[96];
    node(p, N_LOCK, jstr(holds, "lock"), NULL, red, a);
    node(p, N_LOCK, jstr(wants, "lock"), NULL, red, b);
    char *label =
        at_site(p->lang, LH_MSG_PIC_AT, jstr(s, "thread"), json_object_get(wants, "stack"));
    edge(p, a, b, label, red ? RED ", style=bold" : GREY,
         LH_PIC_ORDER | (red ? LH_PIC_ORDER_RED : LH_PIC_ORDER_GREY));
    free(label);
  }
}

void lh_picture_body(FILE *out, const json_t *f, const char *prefix, enum lh_lang lang,
                     unsigned *used) {
  struct picture p = {.out = out, .prefix = prefix, .lang = lang};
  if (json_object_get(f, "accesses"))
    race_picture(&p, f);
  else if (!json_object_get(f, "action"))
    cycle_picture(&p, f);
  else
    incident_picture(&p, f);
  for (int k = 0; k < N_KINDS; k++) {
    for (size_t i = 0; i < p.n[k]; i++) free(p.names[k][i]);
    free(p.names[k]);
  }
  *used |= p.used;
}

void lh_picture_legend(FILE *out, unsigned used, enum lh_lang lang) {
  static const struct {
    unsigned part;
    enum lh_msg text;
  } lines[] = {
      {LH_PIC_ORDER, LH_MSG_LEGEND_ORDER},
      {LH_PIC_ORDER_RED, LH_MSG_LEGEND_ORDER_RED},
      {LH_PIC_ORDER_GREY, LH_MSG_LEGEND_ORDER_GREY},
      {LH_PIC_DEADLOCK_WAIT, LH_MSG_LEGEND_DEADLOCK_WAIT},
      {LH_PIC_THREAD, LH_MSG_LEGEND_THREAD},
      {LH_PIC_LOCK, LH_MSG_LEGEND_LOCK},
      {LH_PIC_OBJECT, LH_MSG_LEGEND_OBJECT},
      {LH_PIC_MEMORY, LH_MSG_LEGEND_MEMORY},
      {LH_PIC_HOLDS, LH_MSG_LEGEND_HOLDS},
      {LH_PIC_WAITS, LH_MSG_LEGEND_WAITS},
      {LH_PIC_AGAIN, LH_MSG_LEGEND_AGAIN},
      {LH_PIC_TRIES, LH_MSG_LEGEND_TRIES},
      {LH_PIC_ACCESS, LH_MSG_LEGEND_ACCESS},
      {LH_PIC_CALL, LH_MSG_LEGEND_CALL},
  };
  for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
    if (used & lines[i].part) fprintf(out, "\n%s", lh_msg(lang, lines[i].text));
}

char *lh_picture_dot(const json_t *f, enum lh_lang lang) {
  char *body = NULL, *s = NULL, *legend = NULL;
  size_t len = 0;
  unsigned used = 0;
  FILE *out = open_memstream(&body, &len);
  if (!out) abort();
  lh_picture_body(out, f, "", lang, &used);
  fclose(out);
  if (!used) {
    free(body);
    return NULL;
  }
  out = open_memstream(&legend, &len);
  if (!out) abort();
  lh_picture_legend(out, used, lang);
  fclose(out);
  out = open_memstream(&s, &len);
  if (!out) abort();
  fputs("digraph finding {\n  graph [label=\"", out);
  /* one legend line each, left-justified (\l ends a line flush left in a Graphviz label) */
  for (char *line = legend + (*legend == '\n'), *end; line; line = end ? end + 1 : NULL) {
    end = strchr(line, '\n');
    if (end) *end = '\0';
    lh_dot_escaped(out, line);
    fputs("\\l", out);
  }
  fputs("\", labelloc=b, labeljust=l, fontname=\"Helvetica\", fontsize=10];\n"
        "  node [fontname=\"Helvetica\", fontsize=11];\n"
        "  edge [fontname=\"Helvetica\", fontsize=9];\n",
        out);
  fputs(body, out);
  fputs("}\n", out);
  fclose(out);
  free(body);
  free(legend);
  return s;
}
