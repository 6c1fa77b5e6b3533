/* suppressions.c - see suppressions.h. Each finding is matched through its JSON form
 * (lh_json_finding), so the names a rule can match are exactly those the reports show. A data
 * race shows its variable's name, the functions, files and modules of both accesses' stacks and
 * of a heap block's allocation stack, and the locks held. ThreadSanitizer's kinds for races are
 * taken too, so that its suppression files work as they are: `race:` is `data-race:`, and
 * `race_top:` a data-race rule matched against the innermost frame of each access only.
 * The file is read through input_file.c: a regular file of at most 16 MiB, lines of at most
 * 64 KiB (a longer line is an error naming it). */
#include "report/suppressions.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/findings.h"
#include "base/grow.h"
#include "base/input_file.h"

struct rule {
  char *kind;    /* a rule id, or "*" */
  char *text;    /* the rule as written, KIND:PATTERN, for -v */
  char *pattern; /* for fnmatch: the brackets escaped (lh_suppression_pattern) */
  bool top;      /* match only the innermost frame of each access (ThreadSanitizer's race_top) */
  char *file;    /* where it was written */
  unsigned line;
  size_t used; /* findings it hid */
};

/* ThreadSanitizer's suppression kinds that have a lockhound kind. */
static const struct {
  const char *tsan, *kind;
  bool top;
} tsan_kinds[] = {{"race", "data-race", false}, {"race_top", "data-race", true}};

struct lh_suppressions {
  struct rule *rules;
  size_t n, cap;
};

struct lh_suppressions *lh_suppressions_new(void) {
  return lh_xcalloc(1, sizeof(struct lh_suppressions));
}

void lh_suppressions_free(struct lh_suppressions *s) {
  if (!s) return;
  for (size_t i = 0; i < s->n; i++) {
    free(s->rules[i].kind);
    free(s->rules[i].text);
    free(s->rules[i].pattern);
    free(s->rules[i].file);
  }
  free(s->rules);
  free(s);
}

/* A ThreadSanitizer kind becomes the lockhound kind it means (*top: matched at the top frames). */
static const char *tsan_kind(const char *kind, bool *top) {
  *top = false;
  for (size_t i = 0; i < sizeof tsan_kinds / sizeof *tsan_kinds; i++)
    if (strcmp(kind, tsan_kinds[i].tsan) == 0) {
      *top = tsan_kinds[i].top;
      return tsan_kinds[i].kind;
    }
  return kind;
}

static bool known_kind(const char *kind) {
  if (strcmp(kind, "*") == 0) return true;
  for (int k = 0; k < LH_FINDING_KIND_COUNT; k++)
    if (strcmp(lh_kind_rule((enum lh_finding_kind)k), kind) == 0) return true;
  return false;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
    s[--n] = 0;
  return s;
}

/* The rules of one open file (path: its name in messages). */
static int load_rules(struct lh_suppressions *s, const char *path, struct lh_input *in,
                      FILE *diag) {
  char limit[32];
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int rc = 0;
  for (unsigned no = 1; (n = lh_input_line(in, &line, &cap)) != LH_INPUT_END; no++) {
    if (n == LH_INPUT_TOO_LONG) {
      lh_input_format_size(lh_input_max_line(LH_INPUT_SUPPRESSIONS), limit, sizeof limit);
      fprintf(diag,
              "lockhound: %s:%u: a line longer than %s: a suppression is one short "
              "KIND:PATTERN line\n",
              path, no, limit);
      rc = 1;
      break;
    }
    if (n == LH_INPUT_TOO_BIG) {
      lh_input_format_size(lh_input_max_size(LH_INPUT_SUPPRESSIONS), limit, sizeof limit);
      fprintf(diag,
              "lockhound: the suppression file %s grew past the %s it may have while it "
              "was read\n",
              path, limit);
      rc = 1;
      break;
    }
    if (n == LH_INPUT_ERROR) {
      fprintf(diag, "lockhound: cannot read the suppression file %s: %s\n", path, strerror(errno));
      rc = 1;
      break;
    }
    char *hash = strchr(line, '#');
    if (hash) *hash = 0;
    char *text = trim(line);
    if (!*text) continue;
    char *colon = strchr(text, ':');
    if (colon) *colon = 0;
    bool top;
    char *pattern = colon ? trim(colon + 1) : NULL;
    const char *kind = tsan_kind(trim(text), &top);
    if (!pattern || !*pattern) {
      fprintf(diag,
              "lockhound: %s:%u: a suppression is KIND:PATTERN, e.g. "
              "lock-order-inversion:log_lock\n",
              path, no);
      rc = 1;
      break;
    }
    if (!known_kind(kind)) {
      fprintf(diag,
              "lockhound: %s:%u: unknown finding kind '%s' (docs/findings.md lists the "
              "kinds; * matches any)\n",
              path, no, kind);
      rc = 1;
      break;
    }
    struct rule *r = LH_PUSH(s->rules, s->n, s->cap);
    memset(r, 0, sizeof *r);
    r->kind = lh_xstrdup(kind);
    r->text = NULL;
    if (asprintf(&r->text, "%s:%s", trim(text), pattern) < 0) r->text = lh_xstrdup(pattern);
    r->pattern = lh_suppression_pattern(pattern);
    r->top = top;
    r->file = lh_xstrdup(path);
    r->line = no;
  }
  free(line);
  return rc;
}

int lh_suppressions_load(struct lh_suppressions *s, const char *path, FILE *diag) {
  struct lh_input in;
  char why[LH_INPUT_WHY_SIZE];
  if (lh_input_open(&in, path, LH_INPUT_SUPPRESSIONS, why) != 0) {
    fprintf(diag, "lockhound: cannot read the suppression file %s: %s\n", path, why);
    return 1;
  }
  int rc = load_rules(s, path, &in, diag);
  lh_input_close(&in);
  return rc;
}

int lh_suppressions_load_text(struct lh_suppressions *s, const char *name, const char *text,
                              size_t len, FILE *diag) {
  struct lh_input in;
  lh_input_from_memory(&in, text, len, LH_INPUT_SUPPRESSIONS);
  int rc = load_rules(s, name, &in, diag);
  lh_input_close(&in);
  return rc;
}

static bool name_matches(const char *pattern, const char *key, const char *value) {
  if (fnmatch(pattern, value, 0) == 0) return true;
  const char *slash = strrchr(value, '/');
  return slash && (strcmp(key, "file") == 0 || strcmp(key, "module") == 0) &&
         fnmatch(pattern, slash + 1, 0) == 0;
}

/* Any "name", "lock", "function", "file" or "module" string anywhere in v matches pattern. */
static bool any_name_matches(const char *pattern, json_t *v) {
  if (json_is_array(v)) {
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) if (any_name_matches(pattern, e)) return true;
    return false;
  }
  if (!json_is_object(v)) return false;
  const char *key;
  json_t *e;
  json_object_foreach(v, key, e) {
    if (json_is_string(e)) {
      bool named = !strcmp(key, "name") || !strcmp(key, "lock") || !strcmp(key, "function") ||
                   !strcmp(key, "file") || !strcmp(key, "module");
      if (named && name_matches(pattern, key, json_string_value(e))) return true;
    } else if (any_name_matches(pattern, e)) {
      return true;
    }
  }
  return false;
}

/* The innermost frame of some access of a data race matches pattern. */
static bool top_frame_matches(const char *pattern, json_t *finding) {
  size_t i;
  json_t *access;
  json_array_foreach(json_object_get(finding, "accesses"), i, access) {
    json_t *top = json_array_get(json_object_get(access, "stack"), 0);
    if (top && any_name_matches(pattern, top)) return true;
  }
  return false;
}

/* The first rule that hides finding (counted as used), or false. */
static bool suppressed(struct lh_suppressions *s, json_t *finding) {
  const char *kind = json_string_value(json_object_get(finding, "kind"));
  for (size_t i = 0; i < s->n; i++) {
    struct rule *r = &s->rules[i];
    if (strcmp(r->kind, "*") != 0 && (!kind || strcmp(r->kind, kind) != 0)) continue;
    if (r->top ? top_frame_matches(r->pattern, finding) : any_name_matches(r->pattern, finding)) {
      r->used++;
      return true;
    }
  }
  return false;
}

char *lh_suppression_pattern(const char *pattern) {
  size_t n = 0;
  for (const char *p = pattern; *p; p++) n += (*p == '[' || *p == ']') ? 2 : 1;
  char *out = lh_xcalloc(n + 1, 1), *o = out;
  for (const char *p = pattern; *p; p++) {
    if (*p == '[' || *p == ']') *o++ = '\\';
    *o++ = *p;
  }
  return out;
}

void lh_suppressions_tell_use(const struct lh_suppressions *s, FILE *out, const char *prefix) {
  for (size_t i = 0; s && i < s->n; i++) {
    const struct rule *r = &s->rules[i];
    if (r->used)
      fprintf(out, "%s lockhound: suppression %s:%u: %s used %zu time%s\n", prefix, r->file,
              r->line, r->text, r->used, r->used == 1 ? "" : "s");
    else
      fprintf(out, "%s lockhound: suppression %s:%u: %s matched nothing\n", prefix, r->file,
              r->line, r->text);
  }
}

/* The name of the first element of array key of o that has one, or NULL. */
static const char *first_name(json_t *o, const char *key, const char *field) {
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(o, key), i, e) {
    const char *name = json_string_value(json_object_get(e, field));
    if (name && *name) return name;
  }
  return NULL;
}

/* The innermost function of the first stack of a step or an access, or NULL. */
static const char *first_function(json_t *finding) {
  static const char *const lists[] = {"steps", "accesses", "threads"};
  static const char *const stacks[] = {"acquired", "stack", "stack"};
  for (size_t l = 0; l < 3; l++) {
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(finding, lists[l]), i, e) {
      const char *f = first_name(e, stacks[l], "function");
      if (f) return f;
    }
  }
  return NULL;
}

void lh_suppressions_generate(const struct lh_report *r, char **object_names, FILE *out) {
  for (size_t i = 0; i < r->findings->n; i++) {
    if (r->findings->items[i].level == LH_LEVEL_NOTE && !r->verbose) continue; /* not shown */
    json_t *j = lh_json_finding(r, object_names, &r->findings->items[i]);
    const char *kind = json_string_value(json_object_get(j, "kind"));
    const char *variable =
        json_string_value(json_object_get(json_object_get(j, "variable"), "name"));
    const char *name = variable ? variable : first_name(j, "locks", "name");
    if (!name) name = first_name(j, "objects", "name");
    if (!name) name = first_function(j);
    if (kind && name) fprintf(out, "%s:%s\n", kind, name);
    json_decref(j);
  }
}

size_t lh_suppressions_apply(struct lh_suppressions *s, const struct lh_report *r,
                             struct lh_findings *findings, char **object_names) {
  size_t removed = 0;
  for (size_t i = 0; s && s->n && i < findings->n;) {
    json_t *j = lh_json_finding(r, object_names, &findings->items[i]);
    bool drop = suppressed(s, j);
    json_decref(j);
    if (drop) {
      lh_findings_remove(findings, i);
      removed++;
    } else {
      i++;
    }
  }
  return removed;
}
