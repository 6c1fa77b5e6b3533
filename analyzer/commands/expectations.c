/* expectations.c - parse a program's expectation lines (`lockhound-expect:`, `-expect-warning:`,
 * `-exit:`, `-options:`, `-pending:`) and a report's findings into sorted key lists (see
 * expectations.h for the key format), and compare two lists as multisets.
 *
 * Algorithm: plain string search for each tag over the whole file, a tokenizer for the rest of
 * the line ("quoted names" or runs of non-space, ending at the line's end or a comment's close);
 * keys are built by sorting the names, so the order in which a line or a report lists them never
 * matters. Used by `lockhound check` and by the integration tests. The file is read whole
 * through input_file.c (a regular file of at most 64 MiB: a FIFO named as a source never blocks). */
#include "commands/expectations.h"

#include "base/grow.h"
#include "base/input_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECT_TAG "lockhound-expect:"
#define WARNING_TAG "lockhound-expect-warning:"
#define EXIT_TAG "lockhound-exit:"
#define OPTIONS_TAG "lockhound-options:"
#define PENDING_TAG "lockhound-pending:"

static int compare_strings(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int push(char ***items, size_t *count, char *item) {
  char **bigger = realloc(*items, (*count + 1) * sizeof **items);
  if (!bigger) return -1;
  *items = bigger;
  (*items)[(*count)++] = item;
  return 0;
}

/* kind + sorted names, names with a space quoted, a name that repeats once (Python's waits: two
 * threads in barrier.wait() wait on two locks of that name). Takes ownership of nothing. */
static char *make_key(const char *kind, char **names, size_t n) {
  lh_sort(names, n, sizeof *names, compare_strings);
  size_t len = strlen(kind) + 1;
  for (size_t i = 0; i < n; i++) len += strlen(names[i]) + 3;
  char *key = malloc(len);
  if (!key) return NULL;
  strcpy(key, kind);
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && strcmp(names[i], names[i - 1]) == 0) continue;
    int quote = strchr(names[i], ' ') != NULL;
    strcat(key, quote ? " \"" : " ");
    strcat(key, names[i]);
    if (quote) strcat(key, "\"");
  }
  return key;
}

static void free_strings(char **items, size_t n) {
  for (size_t i = 0; i < n; i++) free(items[i]);
  free(items);
}

/* Split the rest of an expectation line into tokens: "quoted words" or runs of non-space. On
 * failure (a quote without its end) nothing is left allocated. */
static int tokenize(const char *p, char ***tokens, size_t *count) {
  *tokens = NULL;
  *count = 0;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\r') p++;
    if (!*p || *p == '\n' || (p[0] == '*' && p[1] == '/')) return 0;
    const char *start = p, *end;
    if (*p == '"') {
      start = ++p;
      end = strchr(p, '"');
      if (!end) {
        free_strings(*tokens, *count);
        *tokens = NULL;
        *count = 0;
        return -1;
      }
      p = end + 1;
    } else {
      while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') p++;
      end = p;
    }
    if (push(tokens, count, strndup(start, (size_t)(end - start))) != 0) return -1;
  }
}

/* The whole file as a string, or NULL with the reason in why (input_file.c: a regular file of at
 * most 64 MiB, so that a FIFO or /dev/zero named as a source never blocks or fills memory). */
static char *read_text(const char *path, char why[LH_INPUT_WHY_SIZE]) {
  size_t len;
  return lh_input_slurp(path, LH_INPUT_EXPECTATIONS, &len, why);
}

static int fail(char **error, const char *path, const char *what) {
  if (asprintf(error, "%s: %s", path, what) < 0) *error = NULL;
  return -1;
}

/* The rest of the line after a tag, trimmed, without a closing comment. Caller frees. */
static char *rest_of_line(const char *p) {
  while (*p == ' ' || *p == '\t') p++;
  size_t n = strcspn(p, "\r\n");
  const char *close = strstr(p, "*/");
  if (close && (size_t)(close - p) < n) n = (size_t)(close - p);
  while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
  return strndup(p, n);
}

/* Every `tag` line with findings adds a key to list; `none` sets *saw_none. */
static int read_finding_lines(const char *text, const char *tag, struct lh_expect_keys *list,
                              int *lines, int *saw_none) {
  for (const char *line = strstr(text, tag); line; line = strstr(line + 1, tag)) {
    char **tokens;
    size_t n;
    (*lines)++;
    if (tokenize(line + strlen(tag), &tokens, &n) != 0 || n == 0) return -1;
    if (n == 1 && strcmp(tokens[0], "none") == 0)
      *saw_none = 1;
    else
      push(&list->keys, &list->count, make_key(tokens[0], tokens + 1, n - 1));
    free_strings(tokens, n);
  }
  lh_sort(list->keys, list->count, sizeof *list->keys, compare_strings);
  return 0;
}

static int read_exit_line(const char *text, int *exit_code) {
  const char *line = strstr(text, EXIT_TAG);
  if (!line) return 0;
  char *value = rest_of_line(line + strlen(EXIT_TAG)), *end;
  long code = strtol(value, &end, 10);
  int ok = *value && !*end && code >= 0 && code <= 255;
  free(value);
  if (!ok) return -1;
  *exit_code = (int)code;
  return 0;
}

static int read_option_lines(const char *text, struct lh_expect_spec *spec) {
  int line_no = 1;
  const char *counted = text;
  for (const char *line = strstr(text, OPTIONS_TAG); line; line = strstr(line + 1, OPTIONS_TAG)) {
    char **tokens;
    size_t n;
    for (; counted < line; counted++) /* the line number, counted once over the whole text */
      line_no += *counted == '\n';
    if (tokenize(line + strlen(OPTIONS_TAG), &tokens, &n) != 0 || n == 0) return -1;
    for (size_t i = 0; i < n; i++) {
      size_t count = spec->option_count;
      if (push(&spec->options, &spec->option_count, tokens[i]) != 0) abort();
      int *lines = realloc(spec->option_lines, spec->option_count * sizeof *lines);
      if (!lines) abort();
      spec->option_lines = lines;
      spec->option_lines[count] = line_no;
    }
    free(tokens);
  }
  return 0;
}

/* Parses text (NUL-terminated; freed here) as the expectations of path. */
static int parse_spec(const char *path, char *text, struct lh_expect_spec *spec, char **error) {
  int lines = 0, saw_none = 0, warning_lines = 0, no_warning = 0;
  const char *problem = NULL;
  if (read_finding_lines(text, EXPECT_TAG, &spec->errors, &lines, &saw_none) != 0)
    problem = "malformed lockhound-expect line";
  else if (read_finding_lines(text, WARNING_TAG, &spec->warnings, &warning_lines, &no_warning) !=
               0 ||
           no_warning)
    problem = "malformed lockhound-expect-warning line (no warning expected: leave it out)";
  else if (lines == 0)
    problem = "no lockhound-expect line in the top comment";
  else if (saw_none && spec->errors.count > 0)
    problem = "lockhound-expect: none together with expected findings";
  else if (read_option_lines(text, spec) != 0)
    problem = "malformed lockhound-options line";
  spec->exit_code = spec->errors.count ? LH_EXPECT_FOUND_EXIT_CODE : 0;
  if (!problem && read_exit_line(text, &spec->exit_code) != 0)
    problem = "malformed lockhound-exit line (want a number from 0 to 255)";
  const char *pending = strstr(text, PENDING_TAG);
  if (!problem && pending) spec->pending = rest_of_line(pending + strlen(PENDING_TAG));
  free(text);
  if (problem) {
    lh_expect_spec_free(spec);
    return fail(error, path, problem);
  }
  return 0;
}

int lh_expect_read_spec(const char *path, struct lh_expect_spec *spec, char **error) {
  char why[LH_INPUT_WHY_SIZE], what[LH_INPUT_WHY_SIZE + 32];
  char *text = read_text(path, why);
  memset(spec, 0, sizeof *spec);
  if (!text) {
    snprintf(what, sizeof what, "cannot read the expectations: %s", why);
    return fail(error, path, what);
  }
  return parse_spec(path, text, spec, error);
}

int lh_expect_read_spec_text(const char *name, const char *text, size_t len,
                             struct lh_expect_spec *spec, char **error) {
  memset(spec, 0, sizeof *spec);
  if ((uint64_t)len > lh_input_max_size(LH_INPUT_EXPECTATIONS))
    return fail(error, name, "cannot read the expectations: too big");
  char *copy = malloc(len + 1);
  if (!copy) return fail(error, name, "cannot read the expectations: out of memory");
  memcpy(copy, text, len);
  copy[len] = '\0';
  return parse_spec(name, copy, spec, error);
}

void lh_expect_spec_free(struct lh_expect_spec *spec) {
  lh_expect_keys_free(&spec->errors);
  lh_expect_keys_free(&spec->warnings);
  free_strings(spec->options, spec->option_count);
  free(spec->option_lines);
  free(spec->pending);
  memset(spec, 0, sizeof *spec);
}

/* Appends the "name" of every element of a finding's array field (locks, objects). */
static int push_names(const json_t *finding, const char *field, char ***names, size_t *n) {
  const json_t *items = json_object_get(finding, field);
  if (!items) return 0;
  if (!json_is_array(items)) return -1;
  for (size_t i = 0; i < json_array_size(items); i++) {
    const char *name = json_string_value(json_object_get(json_array_get(items, i), "name"));
    if (!name) return -1;
    push(names, n, (char *)name);
  }
  return 0;
}

/* Appends the strings of a finding's array of names ("lock_instances": the locks of every cycle a
 * lock-order finding groups), when it has one. */
static int push_strings(const json_t *finding, const char *field, char ***names, size_t *n) {
  const json_t *items = json_object_get(finding, field);
  if (!items) return 0;
  if (!json_is_array(items)) return -1;
  for (size_t i = 0; i < json_array_size(items); i++) {
    const char *name = json_string_value(json_array_get(items, i));
    if (!name) return -1;
    push(names, n, (char *)name);
  }
  return 0;
}

/* Appends the name of a finding's "variable" (data races), when it has one. */
static int push_variable(const json_t *finding, char ***names, size_t *n) {
  const json_t *variable = json_object_get(finding, "variable");
  if (!variable) return 0;
  const char *name = json_string_value(json_object_get(variable, "name"));
  if (!name) return -1;
  push(names, n, (char *)name);
  return 0;
}

/* A finding's key: its kind, then the names of its locks, its objects and its variable. "locks"
 * is required by the JSON contract; "lock_instances" appears on lock-order findings (the locks of
 * every cycle through the same lines), "objects" on findings about semaphores, condvars and
 * barriers, "variable" on data races (whose "locks" is empty). */
static int key_of_finding(const json_t *finding, char **key) {
  const char *kind = json_string_value(json_object_get(finding, "kind"));
  char **names = NULL;
  size_t n = 0;
  if (!kind || !json_is_array(json_object_get(finding, "locks")) ||
      push_names(finding, "locks", &names, &n) != 0 ||
      push_strings(finding, "lock_instances", &names, &n) != 0 ||
      push_names(finding, "objects", &names, &n) != 0 || push_variable(finding, &names, &n) != 0) {
    free(names);
    return -1;
  }
  *key = make_key(kind, names, n);
  free(names);
  return 0;
}

int lh_expect_from_report(const json_t *report, const char *level, struct lh_expect_keys *list,
                          char **error) {
  const json_t *findings = json_object_get(report, "findings");
  list->keys = NULL;
  list->count = 0;
  if (!json_is_array(findings)) return fail(error, "report", "no \"findings\" array");
  for (size_t i = 0; i < json_array_size(findings); i++) {
    const json_t *f = json_array_get(findings, i);
    const char *found_level = json_string_value(json_object_get(f, "level"));
    char *key;
    if (!found_level) {
      lh_expect_keys_free(list);
      return fail(error, "report", "a finding has no \"level\"");
    }
    if (strcmp(found_level, level) != 0) continue;
    if (key_of_finding(f, &key) != 0) {
      lh_expect_keys_free(list);
      return fail(error, "report",
                  "a finding has no \"kind\", no \"locks\" array, or a lock, object or variable "
                  "without \"name\"");
    }
    push(&list->keys, &list->count, key);
  }
  lh_sort(list->keys, list->count, sizeof *list->keys, compare_strings);
  return 0;
}

char *lh_expect_keys_format(const struct lh_expect_keys *list) {
  size_t len = 16;
  for (size_t i = 0; i < list->count; i++) len += strlen(list->keys[i]) + 6;
  char *text = malloc(len);
  strcpy(text, list->count ? "" : "(none)");
  for (size_t i = 0; i < list->count; i++) {
    strcat(text, "\n    ");
    strcat(text, list->keys[i]);
  }
  return text;
}

int lh_expect_keys_equal(const struct lh_expect_keys *a, const struct lh_expect_keys *b) {
  if (a->count != b->count) return 0;
  for (size_t i = 0; i < a->count; i++)
    if (strcmp(a->keys[i], b->keys[i]) != 0) return 0;
  return 1;
}

void lh_expect_keys_minus(const struct lh_expect_keys *a, const struct lh_expect_keys *b,
                          struct lh_expect_keys *out) {
  /* Both sorted: one merge pass, a match in b consumes one equal key of a. */
  size_t i = 0, j = 0;
  out->keys = NULL;
  out->count = 0;
  while (i < a->count) {
    int cmp = j < b->count ? strcmp(a->keys[i], b->keys[j]) : -1;
    if (cmp == 0) {
      i++;
      j++;
    } else if (cmp > 0) {
      j++;
    } else {
      push(&out->keys, &out->count, lh_xstrdup(a->keys[i++]));
    }
  }
}

void lh_expect_keys_free(struct lh_expect_keys *list) {
  free_strings(list->keys, list->count);
  list->keys = NULL;
  list->count = 0;
}
