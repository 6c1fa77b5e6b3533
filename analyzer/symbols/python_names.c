/* python_names.c - see python_names.h. */
#include "symbols/python_names.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "symbols/frames.h"

#define MAX_FRAMES 32

/* The text of line `line` of file (trailing newline and leading blanks dropped), or NULL. The
 * path is the code object's co_filename, as the program was started (relative to its working
 * directory, which `lockhound run` shares). */
static char *source_line(const char *file, int line) {
  FILE *f = strncmp(file, "/proc/", 6) && strncmp(file, "/dev/", 5) ? fopen(file, "r") : NULL;
  if (!f || line <= 0) {
    if (f) fclose(f);
    return NULL;
  }
  char *buf = NULL;
  size_t cap = 0;
  ssize_t len = 0;
  for (int i = 0; i < line && (len = getline(&buf, &cap, f)) >= 0; i++) {
  }
  fclose(f);
  if (len < 0) {
    free(buf);
    return NULL;
  }
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) buf[--len] = 0;
  char *start = buf;
  while (*start == ' ' || *start == '\t') start++;
  char *text = lh_xstrdup(start);
  free(buf);
  return text;
}

static bool name_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* The length of a target at s: names joined by '.', each maybe followed by [...]; 0 if none. */
static size_t target_length(const char *s) {
  size_t i = 0;
  for (;;) {
    if (!(isalpha((unsigned char)s[i]) || s[i] == '_')) return 0;
    while (name_char(s[i])) i++;
    while (s[i] == '[') {
      int depth = 0;
      do {
        depth += s[i] == '[' ? 1 : s[i] == ']' ? -1 : 0;
        i++;
      } while (s[i] && depth > 0);
      if (depth) return 0;
    }
    if (s[i] != '.') return i;
    i++;
  }
}

/* `TARGET = ...` (not ==, not a keyword argument): the target and where its value starts. */
static char *assignment_target(const char *text, const char **value) {
  size_t n = target_length(text);
  if (n == 0) return NULL;
  const char *p = text + n;
  while (*p == ' ') p++;
  if (p[0] != '=' || p[1] == '=') return NULL;
  p++;
  while (*p == ' ') p++;
  *value = p;
  char *t = lh_xmalloc(n + 1);
  memcpy(t, text, n);
  t[n] = 0;
  return t;
}

/* The first call of a method on the line, `x.m(`, as "x.m()"; NULL if none. */
static char *method_call(const char *text) {
  for (const char *p = text; *p; p++) {
    if (p > text && (name_char(p[-1]) || p[-1] == '.' || p[-1] == ']')) continue;
    size_t n = target_length(p);
    if (n == 0) continue;
    const char *dot = NULL;
    for (size_t i = 0; i < n; i++)
      if (p[i] == '.') dot = p + i;
    if (dot && p[n] == '(') {
      char *call = lh_xmalloc(n + 3);
      memcpy(call, p, n);
      memcpy(call + n, "()", 3);
      return call;
    }
    p += n - 1;
  }
  return NULL;
}

/* The call of method `method` on the line, with the expression it is called on:
 * "pool.submit(outer).result()" for method "result"; NULL when the line has no `.method(`. */
static char *named_call(const char *text, const char *method) {
  size_t ml = strlen(method);
  for (const char *p = strchr(text, '.'); p; p = strchr(p + 1, '.')) {
    if (strncmp(p + 1, method, ml) != 0 || p[1 + ml] != '(') continue;
    const char *start = p;
    int depth = 0;
    while (start > text) {
      char c = start[-1];
      if (c == ')' || c == ']')
        depth++;
      else if ((c == '(' || c == '[') && depth > 0)
        depth--;
      else if (depth == 0 && !name_char(c) && c != '.')
        break;
      start--;
    }
    if (start == p) continue;
    size_t n = (size_t)(p - start) + 1 + ml;
    char *call = lh_xmalloc(n + 3);
    memcpy(call, start, n);
    memcpy(call + n, "()", 3);
    return call;
  }
  return NULL;
}

/* `self.x` in a method of class C ("C.method" as the frame's function) reads "C.x". */
/* The class of a method's qualified name ("Outer.Account.__init__": "Account", the innermost),
 * as its start and length; false for a plain function. *dot is the '.' before the method. */
static bool class_of(const char *function, const char **start, size_t *len, const char **dot) {
  *dot = function ? strrchr(function, '.') : NULL;
  if (!*dot) return false;
  *start = function;
  for (const char *q = function; q < *dot; q++)
    if (*q == '.') *start = q + 1;
  *len = (size_t)(*dot - *start);
  return true;
}

static char *qualified(char *target, const char *function) {
  const char *start, *dot;
  size_t cls;
  if (strncmp(target, "self.", 5) != 0 || !class_of(function, &start, &cls, &dot) ||
      strstr(function, "<locals>"))
    return target;
  char *name = lh_xmalloc(cls + strlen(target + 4) + 1);
  memcpy(name, start, cls);
  strcpy(name + cls, target + 4);
  free(target);
  return name;
}

/* `self.lock = ...` in C.__init__, called from `accounts = [C(...), ...]` in the frame below:
 * "accounts[].lock" (indexed), or from `a = C(...)`: "a.lock". NULL when the caller says nothing. */
static char *instance_name(const struct lh_shown_frame *caller, const char *target,
                           const char *function, bool *indexed) {
  const char *start, *dot;
  size_t cl;
  if (strncmp(target, "self.", 5) != 0 || !class_of(function, &start, &cl, &dot) ||
      strcmp(dot, ".__init__") != 0 || !caller->python || lh_frame_in_python_library(caller))
    return NULL;
  char *text = source_line(caller->file, caller->line);
  const char *value = NULL;
  char *outer = text ? assignment_target(text, &value) : NULL;
  char cls[128];
  char *name = NULL;
  if (outer && cl + 2 < sizeof cls) {
    memcpy(cls, start, cl);
    memcpy(cls + cl, "(", 2);
    if (strstr(value, cls)) { /* the value makes instances of the class */
      bool list = value[0] == '[';
      size_t len = strlen(outer) + strlen(target + 4) + 3;
      name = lh_xmalloc(len);
      snprintf(name, len, "%s%s%s", outer, list ? "[]" : "", target + 4);
      *indexed = list;
    }
  }
  free(outer);
  free(text);
  return name;
}

char *lh_python_lock_name(struct lh_symbolizer *sym, const struct lh_model *m, int32_t stack,
                          bool *indexed) {
  struct lh_shown_frame frames[MAX_FRAMES];
  *indexed = false;
  size_t n = lh_frames_of_stack(sym, m, stack, frames, MAX_FRAMES);
  size_t user = 0;
  while (user < n && lh_frame_in_python_library(&frames[user])) user++;
  if (user == n || !frames[user].python) return NULL;
  const struct lh_shown_frame *u = &frames[user];
  char *text = source_line(u->file, u->line);
  char *name = NULL;
  if (text) {
    /* Made inside a wait of the library (a Condition's waiter): named by the call that waits. */
    bool waiter = user > 0 && frames[0].function && strstr(frames[0].function, "wait");
    const char *value = NULL;
    char *target = waiter ? NULL : assignment_target(text, &value);
    if (target) {
      *indexed = value[0] == '[';
      if (user + 1 < n) name = instance_name(&frames[user + 1], target, u->function, indexed);
      if (name)
        free(target);
      else
        name = qualified(target, u->function);
    } else {
      /* the library function the line called: "Future.result" -> the call of .result( */
      const char *called = frames[user - (user > 0)].function;
      const char *method = called ? strrchr(called, '.') : NULL;
      method = method ? method + 1 : called;
      name = user > 0 && method ? named_call(text, method) : NULL;
      if (!name) name = method_call(text);
    }
    free(text);
  }
  if (!name) {
    size_t len = strlen(lh_basename(u->file)) + 32;
    name = lh_xmalloc(len);
    snprintf(name, len, "lock created at %s:%d", lh_basename(u->file), u->line);
  }
  return name;
}

/* What the line of an acquisition says about it: 1 a try (acquire(blocking=False),
 * acquire(False), acquire(0)), 2 a wait with a timeout (timeout=), 0 neither. */
static int acquisition_form(struct lh_symbolizer *sym, const struct lh_model *m, int32_t stack) {
  struct lh_shown_frame f[1];
  if (lh_frames_of_stack(sym, m, stack, f, 1) == 0 || !f[0].python || !f[0].file) return 0;
  char *text = source_line(f[0].file, f[0].line);
  if (!text) return 0;
  int form = 0;
  if (strstr(text, "blocking=False") || strstr(text, "acquire(False") || strstr(text, "acquire(0)"))
    form = 1;
  else if (strstr(text, "timeout="))
    form = 2;
  free(text);
  return form;
}

void lh_python_mark_acquisitions(struct lh_symbolizer *sym, struct lh_model *m) {
  int8_t *form = NULL; /* per stack: -1 not read yet */
  for (size_t i = 0; i < m->ntuples; i++) {
    struct lh_tuple *t = &m->tuples[i];
    if (m->locks[t->lock].kind != LH_LOCK_PYTHON || !lh_model_stack_is_python(m, t->stack))
      continue;
    if (!form) {
      form = lh_xmalloc(m->nstacks ? m->nstacks : 1);
      memset(form, -1, m->nstacks);
    }
    if (form[t->stack] < 0) form[t->stack] = (int8_t)acquisition_form(sym, m, t->stack);
    t->is_try |= form[t->stack] == 1;
    t->timed |= form[t->stack] == 2;
  }
  free(form);
}
