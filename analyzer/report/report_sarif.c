/* report_sarif.c - the findings as SARIF 2.1.0 (--sarif FILE) for GitHub code scanning.
 *
 * Input: --json documents (the contract of docs/usage.md), so that `run`, `report` and `check`
 * (which reads what its runs wrote) give the same SARIF for the same findings. Output: one log,
 * one run:
 * - tool.driver: name, version, informationUri (when the build names one: cmake
 *   -DLH_INFORMATION_URI=URL; the project has no public page yet), and one rule per finding kind of
 *   common/finding_kinds.def, in its order (ruleIndex is the kind's place there): id = rule id,
 *   shortDescription = title, defaultConfiguration.level = the kind's level, help = the --explain
 *   text (what, why, fixes) in English.
 * - one result per finding: ruleId, ruleIndex, level, message = "title: names" (its locks,
 *   objects, variable; then " (in PROGRAM)" when the caller names the programs, as `lockhound
 *   check` does: one log holds the findings of many programs), partialFingerprints {"lockhound/v1": the finding's id} (the id
 *   findings.c computes, as the text and JSON reports give it).
 * A finding is read as a list of events, each (thread, sentence, stack): a lock-order cycle or a
 * deadlock, its steps (holds, then wants: the wants are the steps); a data race, its accesses;
 * any other run-time finding, its threads (the locks each holds, then what it waits in or the
 * call that was wrong). An event's place is the first frame of its stack with an absolute file
 * and a line (frames without file:line, and those with a relative DWARF path such as libc's
 * ./nptl/..., cannot be opened by a reader and are left out). The first step with a place is the
 * result's `locations`, every other placed event a `relatedLocations` entry, and each thread's
 * placed events, in order, one threadFlow of its codeFlow. A finding with no placed event is
 * located where its locks or objects were made or its variable declared, or failing that at the
 * program (the exe, no region): GitHub takes no result without a location.
 * - paths: a file below source_root is relative to it with uriBaseId "%SRCROOT%", declared in
 *   run.originalUriBaseIds; any other is an absolute file:// URI. Both percent-encoded.
 * Keys are written in a fixed order with two-space indentation: the same findings give the same
 * bytes. Limits: one language (English); a finding keeps at most the 16 frames a JSON stack
 * holds. */
#include "report/report_sarif.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/finding_kinds.h"
#include "base/output_file.h"
#include "report/i18n/explanations.h"
#include "symbols/lock_names.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SRCROOT "%SRCROOT%"
#define FINGERPRINT_KEY "lockhound/v1"

/* ---- paths ---- */

/* s percent-encoded as a URI path: unreserved characters and '/' stay, every other byte %XX. */
static char *uri_path(const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  size_t n = strlen(s);
  char *out = malloc(3 * n + 1), *p = out;
  if (!out) abort();
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~' || c == '/') {
      *p++ = (char)c;
    } else {
      *p++ = '%';
      *p++ = hex[c >> 4];
      *p++ = hex[c & 15];
    }
  }
  *p = '\0';
  return out;
}

/* The artifactLocation of an absolute file: relative to the root, or a file:// URI. */
static json_t *artifact_location(const char *file, const char *root) {
  json_t *a = json_object();
  size_t n = strlen(root);
  while (n > 1 && root[n - 1] == '/') n--;
  bool below = n > 0 && strncmp(file, root, n) == 0 && (file[n] == '/' || n == 1);
  if (below) {
    char *rel = uri_path(file + (n == 1 ? 1 : n + 1));
    json_object_set_new(a, "uri", json_string(rel));
    json_object_set_new(a, "uriBaseId", json_string(SRCROOT));
    free(rel);
  } else {
    char *abs = uri_path(file), *uri;
    if (asprintf(&uri, "file://%s", abs) < 0) abort();
    json_object_set_new(a, "uri", json_string(uri));
    free(abs);
    free(uri);
  }
  return a;
}

static json_t *location_of(const char *file, json_int_t line, const char *text, const char *root) {
  json_t *loc = json_object(), *phys = json_object();
  json_object_set_new(phys, "artifactLocation", artifact_location(file, root));
  if (line > 0) {
    json_t *region = json_object();
    json_object_set_new(region, "startLine", json_integer(line));
    json_object_set_new(phys, "region", region);
  }
  json_object_set_new(loc, "physicalLocation", phys);
  if (text) {
    json_t *m = json_object();
    json_object_set_new(m, "text", json_string(text));
    json_object_set_new(loc, "message", m);
  }
  return loc;
}

/* The first frame of a JSON stack that a reader can open: an absolute file and a line. */
static const json_t *placed_frame(const json_t *stack) {
  for (size_t i = 0; i < json_array_size(stack); i++) {
    const json_t *f = json_array_get(stack, i);
    const char *file = json_string_value(json_object_get(f, "file"));
    if (file && file[0] == '/' && json_integer_value(json_object_get(f, "line")) > 0) return f;
  }
  return NULL;
}

/* ---- a finding as events ---- */

struct event {
  const char *thread;
  char *text;
  const json_t *frame; /* placed_frame of its stack, or NULL */
  bool step;           /* one of the finding's steps (not a lock a thread holds) */
};

struct events {
  struct event *items;
  size_t n, cap;
};

static void add_event(struct events *e, const char *thread, const json_t *stack, bool step,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void add_event(struct events *e, const char *thread, const json_t *stack, bool step,
                      const char *fmt, ...) {
  if (e->n == e->cap) {
    e->cap = e->cap ? 2 * e->cap : 8;
    e->items = realloc(e->items, e->cap * sizeof *e->items);
    if (!e->items) abort();
  }
  va_list ap;
  va_start(ap, fmt);
  char *text;
  if (vasprintf(&text, fmt, ap) < 0) abort();
  va_end(ap);
  e->items[e->n++] = (struct event){thread ? thread : "?", text, placed_frame(stack), step};
}

static const char *str(const json_t *o, const char *key, const char *otherwise) {
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : otherwise;
}

/* What a thread waits for in a run-time finding's "waits": a lock, an object or a thread. */
static const char *waited_for(const json_t *waits) {
  const char *what = str(waits, "lock", NULL);
  if (!what) what = str(waits, "object", NULL);
  if (!what) what = str(waits, "thread", "?");
  return what;
}

static void events_of(const json_t *finding, struct events *e) {
  const json_t *steps = json_object_get(finding, "steps"), *item;
  const json_t *accesses = json_object_get(finding, "accesses");
  const char *variable = str(json_object_get(finding, "variable"), "name", "?");
  size_t i;
  if (json_array_size(steps) > 0) {
    json_array_foreach(steps, i, item) {
      const char *t = str(item, "thread", "?");
      const json_t *holds = json_object_get(item, "holds"), *wants = json_object_get(item, "wants");
      add_event(e, t, json_object_get(holds, "stack"), false, "%s takes %s", t,
                str(holds, "lock", "?"));
      add_event(e, t, json_object_get(wants, "stack"), true, "%s holds %s and wants %s", t,
                str(holds, "lock", "?"), str(wants, "lock", "?"));
    }
    return;
  }
  if (json_array_size(accesses) > 0) {
    json_array_foreach(accesses, i, item) {
      const char *t = str(item, "thread", "?");
      size_t nlocks = json_array_size(json_object_get(item, "locks"));
      add_event(e, t, json_object_get(item, "stack"), true, "%s: %s%s of %s (%s)", t,
                json_is_true(json_object_get(item, "atomic")) ? "atomic " : "",
                str(item, "access", "access"), variable,
                nlocks ? "with locks held" : "no lock held");
    }
    return;
  }
  const char *title = str(finding, "title", "?");
  json_array_foreach(json_object_get(finding, "threads"), i, item) {
    const char *t = str(item, "id", "?");
    const json_t *waits = json_object_get(item, "waits"), *held;
    size_t k;
    json_array_foreach(json_object_get(item, "holds"), k, held) add_event(
        e, t, json_object_get(held, "stack"), false, "%s takes %s", t, str(held, "lock", "?"));
    if (waits)
      add_event(e, t, json_object_get(waits, "stack"), true, "%s waits in %s for %s", t,
                str(waits, "call", "?"), waited_for(waits));
    if (json_object_get(item, "stack"))
      add_event(e, t, json_object_get(item, "stack"), true, "%s: %s", t, title);
  }
}

static void events_free(struct events *e) {
  for (size_t i = 0; i < e->n; i++) free(e->items[i].text);
  free(e->items);
}

static json_t *event_location(const struct event *ev, const char *root) {
  return location_of(json_string_value(json_object_get(ev->frame, "file")),
                     json_integer_value(json_object_get(ev->frame, "line")), ev->text, root);
}

/* Where a finding with no placed event is: its first lock's or object's creation, its variable's
 * declaration, or the program. NULL when none is known. */
static json_t *fallback_location(const json_t *finding, const char *exe, const char *root) {
  const char *fields[] = {"locks", "objects"};
  for (size_t k = 0; k < 2; k++) {
    const json_t *item;
    size_t i;
    json_array_foreach(json_object_get(finding, fields[k]), i, item) {
      const json_t *f = placed_frame(json_object_get(item, "where"));
      if (f)
        return location_of(json_string_value(json_object_get(f, "file")),
                           json_integer_value(json_object_get(f, "line")), NULL, root);
    }
  }
  const json_t *var = json_object_get(finding, "variable");
  const char *file = str(var, "file", NULL);
  if (file && file[0] == '/')
    return location_of(file, json_integer_value(json_object_get(var, "line")), NULL, root);
  if (exe && exe[0] == '/') return location_of(exe, 0, NULL, root);
  return NULL;
}

/* A lock-order finding that groups cycles through the same lines: "(the same lines make 10 cycles
 * over accounts[0..4].mtx)". */
static void group_of(FILE *out, const json_t *finding) {
  json_int_t cycles = json_integer_value(json_object_get(finding, "cycles"));
  const json_t *instances = json_object_get(finding, "lock_instances");
  size_t n = json_array_size(instances);
  if (cycles < 2 || n == 0) return;
  const char **names = calloc(n, sizeof *names);
  if (!names) abort();
  for (size_t i = 0; i < n; i++) names[i] = json_string_value(json_array_get(instances, i));
  char *compact = lh_names_compact(names, n);
  fprintf(out, " (the same lines make %lld cycles over %s)", (long long)cycles, compact);
  free(compact);
  free(names);
}

/* "title: a, b": the finding's title and the names of what it is about. */
static char *summary_of(const json_t *finding) {
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  if (!out) abort();
  fputs(str(finding, "title", "finding"), out);
  const char *fields[] = {"locks", "objects"};
  int names = 0;
  for (size_t k = 0; k < 2; k++) {
    const json_t *item;
    size_t i;
    json_array_foreach(json_object_get(finding, fields[k]), i, item)
        fprintf(out, "%s%s", names++ ? ", " : ": ", str(item, "name", "?"));
  }
  const char *var = str(json_object_get(finding, "variable"), "name", NULL);
  if (var) fprintf(out, "%s%s", names++ ? ", " : ": ", var);
  group_of(out, finding);
  fclose(out);
  return text;
}

static json_t *message(const char *text) {
  json_t *m = json_object();
  json_object_set_new(m, "text", json_string(text));
  return m;
}

/* One threadFlow per thread, its placed events in order; NULL when no event is placed. */
static json_t *code_flows(const struct events *e, const char *root) {
  json_t *flows = json_array();
  for (size_t i = 0; i < e->n; i++) {
    bool first = true;
    for (size_t j = 0; j < i && first; j++)
      if (strcmp(e->items[j].thread, e->items[i].thread) == 0) first = false;
    if (!first) continue;
    json_t *locs = json_array();
    for (size_t j = i; j < e->n; j++) {
      if (strcmp(e->items[j].thread, e->items[i].thread) != 0 || !e->items[j].frame) continue;
      json_t *tfl = json_object();
      json_object_set_new(tfl, "location", event_location(&e->items[j], root));
      json_array_append_new(locs, tfl);
    }
    if (json_array_size(locs) == 0) {
      json_decref(locs);
      continue;
    }
    json_t *flow = json_object();
    json_object_set_new(flow, "id", json_string(e->items[i].thread));
    json_object_set_new(flow, "message", message(e->items[i].thread));
    json_object_set_new(flow, "locations", locs);
    json_array_append_new(flows, flow);
  }
  if (json_array_size(flows) == 0) {
    json_decref(flows);
    return NULL;
  }
  json_t *cf = json_object(), *all = json_array();
  json_object_set_new(cf, "threadFlows", flows);
  json_array_append_new(all, cf);
  return all;
}

static json_t *result_of(const json_t *finding, const char *exe, const char *program,
                         const char *root) {
  const char *kind = str(finding, "kind", "?");
  int index = lh_kind_of_rule(kind);
  json_t *res = json_object();
  json_object_set_new(res, "ruleId", json_string(kind));
  if (index >= 0) json_object_set_new(res, "ruleIndex", json_integer(index));
  json_object_set_new(res, "level", json_string(str(finding, "level", "error")));
  char *summary = summary_of(finding), *named = NULL;
  if (program && asprintf(&named, "%s (in %s)", summary, program) < 0) abort();
  json_object_set_new(res, "message", message(named ? named : summary));
  free(named);
  free(summary);
  struct events e = {0};
  events_of(finding, &e);
  size_t primary = e.n;
  for (size_t i = 0; i < e.n && primary == e.n; i++)
    if (e.items[i].step && e.items[i].frame) primary = i;
  for (size_t i = 0; i < e.n && primary == e.n; i++)
    if (e.items[i].frame) primary = i;
  json_t *locations = json_array(), *related = json_array();
  if (primary < e.n) {
    json_array_append_new(locations, event_location(&e.items[primary], root));
  } else {
    json_t *loc = fallback_location(finding, exe, root);
    if (loc) json_array_append_new(locations, loc);
  }
  for (size_t i = 0; i < e.n; i++) {
    if (i == primary || !e.items[i].frame) continue;
    json_t *loc = event_location(&e.items[i], root);
    json_object_set_new(loc, "id", json_integer((json_int_t)json_array_size(related)));
    json_array_append_new(related, loc);
  }
  json_object_set_new(res, "locations", locations);
  if (json_array_size(related))
    json_object_set_new(res, "relatedLocations", related);
  else
    json_decref(related);
  json_t *flows = code_flows(&e, root);
  if (flows) json_object_set_new(res, "codeFlows", flows);
  json_t *fp = json_object();
  json_object_set_new(fp, FINGERPRINT_KEY, json_string(str(finding, "id", "")));
  json_object_set_new(res, "partialFingerprints", fp);
  events_free(&e);
  return res;
}

/* ---- rules ---- */

static void add_lines(FILE *out, const char *const *lines, const char *bullet) {
  for (size_t i = 0; i < LH_EXPLAIN_LINES && lines[i]; i++)
    fprintf(out, "%s%s\n", bullet, lines[i]);
}

static json_t *rule_of(enum lh_finding_kind kind) {
  json_t *rule = json_object(), *config = json_object();
  json_object_set_new(rule, "id", json_string(lh_kind_rule(kind)));
  json_object_set_new(rule, "shortDescription", message(lh_kind_title(kind)));
  const struct lh_explanation *x = lh_explanation(LH_LANG_EN, kind);
  if (x) {
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out) abort();
    add_lines(out, x->what, "");
    add_lines(out, x->why, "");
    fputs("Fixes:\n", out);
    add_lines(out, x->fixes, "- ");
    fclose(out);
    json_object_set_new(rule, "help", message(text));
    free(text);
  }
  json_object_set_new(config, "level", json_string(lh_level_name(lh_kind_level(kind))));
  json_object_set_new(rule, "defaultConfiguration", config);
  return rule;
}

/* ---- the log ---- */

json_t *lh_sarif_log(json_t *const *reports, const char *const *programs, size_t nreports,
                     const char *source_root) {
  json_t *log = json_object(), *runs = json_array(), *run = json_object(), *tool = json_object(),
         *driver = json_object(), *rules = json_array(), *results = json_array();
  json_object_set_new(log, "$schema", json_string(SARIF_SCHEMA));
  json_object_set_new(log, "version", json_string("2.1.0"));
  json_object_set_new(driver, "name", json_string("lockhound"));
  json_object_set_new(driver, "version", json_string(LH_VERSION));
#ifdef LH_INFORMATION_URI /* the project's home page: cmake -DLH_INFORMATION_URI=URL (none yet) */
  if (LH_INFORMATION_URI[0])
    json_object_set_new(driver, "informationUri", json_string(LH_INFORMATION_URI));
#endif
  for (int k = 0; k < LH_FINDING_KIND_COUNT; k++)
    json_array_append_new(rules, rule_of((enum lh_finding_kind)k));
  json_object_set_new(driver, "rules", rules);
  json_object_set_new(tool, "driver", driver);
  json_object_set_new(run, "tool", tool);
  char *root_uri = uri_path(source_root), *base;
  size_t n = strlen(root_uri);
  if (asprintf(&base, "file://%s%s", root_uri, n && root_uri[n - 1] == '/' ? "" : "/") < 0) abort();
  json_t *bases = json_object(), *srcroot = json_object();
  json_object_set_new(srcroot, "uri", json_string(base));
  json_object_set_new(bases, SRCROOT, srcroot);
  json_object_set_new(run, "originalUriBaseIds", bases);
  free(root_uri);
  free(base);
  for (size_t r = 0; r < nreports; r++) {
    const json_t *runs_of = json_object_get(reports[r], "runs"), *finding;
    const char *exe = str(json_array_get(runs_of, 0), "exe", NULL);
    size_t i;
    json_array_foreach(json_object_get(reports[r], "findings"), i, finding) json_array_append_new(
        results, result_of(finding, exe, programs ? programs[r] : NULL, source_root));
  }
  json_object_set_new(run, "results", results);
  json_object_set_new(run, "columnKind", json_string("unicodeCodePoints"));
  json_array_append_new(runs, run);
  json_object_set_new(log, "runs", runs);
  return log;
}

int lh_report_sarif(const char *path, json_t *const *reports, const char *const *programs,
                    size_t nreports, const char *source_root) {
  json_t *log = lh_sarif_log(reports, programs, nreports, source_root);
  FILE *out = lh_output_open(path);
  int rc = -1;
  if (out) {
    /* a failed write is remembered by the stream (ferror) and reported by lh_output_close */
    (void)json_dumpf(log, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    rc = lh_output_close(out, path);
  }
  json_decref(log);
  return rc;
}
