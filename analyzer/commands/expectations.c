/* expectations.c - parse a program's expectation lines (`lockhound-expect:`, `-expect-warning:`,
 * `-exit:`, `-options:`, `-pending:`, `-expect-at-least:`, `-expect-one-of:`, `-args:`) and a report's findings into sorted key lists (see
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
#define AT_LEAST_TAG "lockhound-expect-at-least:"
#define ONE_OF_TAG "lockhound-expect-one-of:"
#define ARGS_TAG "lockhound-args:"

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

static int read_exit_line(const char *text, int *exit_code, int *given) {
  const char *line = strstr(text, EXIT_TAG);
  if (!line) return 0;
  *given = 1;
  char *value = rest_of_line(line + strlen(EXIT_TAG)), *end;
  long code = strtol(value, &end, 10);
  int ok = *value && !*end && code >= 0 && code <= 255;
  free(value);
  if (!ok) return -1;
  *exit_code = (int)code;
  return 0;
}

/* Every `lockhound-args:` line's words appended to spec->args. */
static int read_args_lines(const char *text, struct lh_expect_spec *spec) {
  for (const char *line = strstr(text, ARGS_TAG); line; line = strstr(line + 1, ARGS_TAG)) {
    char **tokens;
    size_t n;
    if (tokenize(line + strlen(ARGS_TAG), &tokens, &n) != 0 || n == 0) return -1;
    for (size_t i = 0; i < n; i++)
      if (push(&spec->args, &spec->arg_count, tokens[i]) != 0) abort();
    free(tokens);
  }
  return 0;
}

/* Every `lockhound-expect-one-of:` line: keys separated by `|` (a word of its own), `none` an
 * alternative of its own; at least two alternatives, each a kind and names, none empty. */
static int read_one_of_lines(const char *text, struct lh_expect_spec *spec) {
  for (const char *line = strstr(text, ONE_OF_TAG); line; line = strstr(line + 1, ONE_OF_TAG)) {
    char **tokens;
    size_t n;
    if (tokenize(line + strlen(ONE_OF_TAG), &tokens, &n) != 0) return -1;
    struct lh_expect_one_of group = {{NULL, 0}, 0};
    size_t start = 0, alternatives = 0;
    int bad = n == 0;
    for (size_t i = 0; i <= n && !bad; i++) {
      if (i < n && strcmp(tokens[i], "|") != 0) continue;
      size_t len = i - start;
      if (len == 0) {
        bad = 1;
      } else if (len == 1 && strcmp(tokens[start], "none") == 0) {
        bad = group.none;
        group.none = 1;
      } else {
        push(&group.alternatives.keys, &group.alternatives.count,
             make_key(tokens[start], tokens + start + 1, len - 1));
      }
      alternatives++;
      start = i + 1;
    }
    free_strings(tokens, n);
    lh_sort(group.alternatives.keys, group.alternatives.count, sizeof *group.alternatives.keys,
            compare_strings);
    struct lh_expect_one_of *bigger =
        realloc(spec->one_of, (spec->one_of_count + 1) * sizeof *spec->one_of);
    if (!bigger) abort();
    spec->one_of = bigger;
    spec->one_of[spec->one_of_count++] = group; /* kept even when bad: freed with the spec */
    if (bad || alternatives < 2) return -1;
  }
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
  int lines = 0, saw_none = 0, warning_lines = 0, no_warning = 0, at_least_lines = 0,
      at_least_none = 0;
  const char *problem = NULL;
  if (read_finding_lines(text, EXPECT_TAG, &spec->errors, &lines, &saw_none) != 0)
    problem = "malformed lockhound-expect line";
  else if (read_finding_lines(text, AT_LEAST_TAG, &spec->at_least, &at_least_lines,
                              &at_least_none) != 0 ||
           at_least_none)
    problem = "malformed lockhound-expect-at-least line (want a kind and names: "
              "lockhound-expect-at-least: deadlock lock_a lock_b)";
  else if (read_one_of_lines(text, spec) != 0)
    problem = "malformed lockhound-expect-one-of line (want two or more keys or none between "
              "| signs: lockhound-expect-one-of: deadlock lock_a lock_b | none)";
  else if (read_args_lines(text, spec) != 0)
    problem = "malformed lockhound-args line (want the program's arguments: "
              "lockhound-args: --threads 4)";
  else if (read_finding_lines(text, WARNING_TAG, &spec->warnings, &warning_lines, &no_warning) !=
               0 ||
           no_warning)
    problem = "malformed lockhound-expect-warning line (no warning expected: leave it out)";
  else if (lines == 0 && at_least_lines == 0 && spec->one_of_count == 0)
    problem = "no lockhound-expect line in the top comment";
  else if (saw_none && spec->errors.count > 0)
    problem = "lockhound-expect: none together with expected findings";
  else if (read_option_lines(text, spec) != 0)
    problem = "malformed lockhound-options line";
  spec->exit_code = spec->errors.count ? LH_EXPECT_FOUND_EXIT_CODE : 0;
  if (!problem && read_exit_line(text, &spec->exit_code, &spec->exit_given) != 0)
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
  lh_expect_keys_free(&spec->at_least);
  for (size_t i = 0; i < spec->one_of_count; i++)
    lh_expect_keys_free(&spec->one_of[i].alternatives);
  free(spec->one_of);
  free_strings(spec->args, spec->arg_count);
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
int lh_expect_key_of_finding(const json_t *finding, char **key) {
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
    if (lh_expect_key_of_finding(f, &key) != 0) {
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

/* ---- matching ---- */

/* Removes one key equal to key from list (sorted, owned); returns whether there was one. */
static int take(struct lh_expect_keys *list, const char *key) {
  for (size_t i = 0; i < list->count; i++) {
    if (strcmp(list->keys[i], key) != 0) continue;
    free(list->keys[i]);
    memmove(list->keys + i, list->keys + i + 1, (list->count - i - 1) * sizeof *list->keys);
    list->count--;
    return 1;
  }
  return 0;
}

static int has(const struct lh_expect_keys *list, const char *key) {
  for (size_t i = 0; i < list->count; i++)
    if (strcmp(list->keys[i], key) == 0) return 1;
  return 0;
}

/* Whether key's kind (its first word) is that of one of the at-least keys. */
static int kind_listed(const struct lh_expect_keys *at_least, const char *key) {
  size_t len = strcspn(key, " ");
  for (size_t i = 0; i < at_least->count; i++)
    if (strcspn(at_least->keys[i], " ") == len && strncmp(at_least->keys[i], key, len) == 0)
      return 1;
  return 0;
}

/* "one of: A | B | none" (prefix: "one of" or "more than one of"). Caller frees. */
static char *one_of_text(const char *prefix, const struct lh_expect_one_of *g) {
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  if (!out) abort();
  fprintf(out, "%s:", prefix);
  for (size_t i = 0; i < g->alternatives.count; i++)
    fprintf(out, "%s %s", i ? " |" : "", g->alternatives.keys[i]);
  if (g->none) fputs(" | none", out);
  fclose(out);
  return text;
}

static void copy_keys(const struct lh_expect_keys *from, const char *prefix,
                      struct lh_expect_keys *to) {
  for (size_t i = 0; i < from->count; i++) {
    char *key;
    if (asprintf(&key, "%s%s", prefix, from->keys[i]) < 0) abort();
    push(&to->keys, &to->count, key);
  }
}

void lh_expect_match(const struct lh_expect_spec *spec, const struct lh_expect_keys *errors,
                     const struct lh_expect_keys *warnings, struct lh_expect_keys *missing,
                     struct lh_expect_keys *unexpected) {
  struct lh_expect_keys rest_errors, rest_warnings, missing_warnings;
  unexpected->keys = NULL;
  unexpected->count = 0;
  lh_expect_keys_minus(&spec->errors, errors, missing);
  lh_expect_keys_minus(&spec->warnings, warnings, &missing_warnings);
  lh_expect_keys_minus(errors, &spec->errors, &rest_errors);
  lh_expect_keys_minus(warnings, &spec->warnings, &rest_warnings);
  copy_keys(&missing_warnings, "warning ", missing);
  lh_expect_keys_free(&missing_warnings);
  /* one-of: exactly one alternative among what is left (at either level) */
  for (size_t g = 0; g < spec->one_of_count; g++) {
    const struct lh_expect_one_of *group = &spec->one_of[g];
    size_t present = 0;
    for (size_t i = 0; i < group->alternatives.count; i++)
      present += has(&rest_errors, group->alternatives.keys[i]) ||
                 has(&rest_warnings, group->alternatives.keys[i]);
    if (present == 0 && !group->none)
      push(&missing->keys, &missing->count, one_of_text("one of", group));
    if (present > 1)
      push(&unexpected->keys, &unexpected->count, one_of_text("more than one of", group));
    for (size_t i = 0; i < group->alternatives.count && present; i++)
      if (!take(&rest_errors, group->alternatives.keys[i]))
        take(&rest_warnings, group->alternatives.keys[i]);
  }
  /* at-least: each key there once; then anything else of their kinds */
  for (size_t i = 0; i < spec->at_least.count; i++)
    if (!take(&rest_errors, spec->at_least.keys[i]) &&
        !take(&rest_warnings, spec->at_least.keys[i]))
      push(&missing->keys, &missing->count, lh_xstrdup(spec->at_least.keys[i]));
  for (size_t i = 0; i < rest_errors.count; i++)
    if (!kind_listed(&spec->at_least, rest_errors.keys[i]))
      push(&unexpected->keys, &unexpected->count, lh_xstrdup(rest_errors.keys[i]));
  for (size_t i = 0; i < rest_warnings.count; i++)
    if (!kind_listed(&spec->at_least, rest_warnings.keys[i])) {
      char *key;
      if (asprintf(&key, "warning %s", rest_warnings.keys[i]) < 0) abort();
      push(&unexpected->keys, &unexpected->count, key);
    }
  lh_expect_keys_free(&rest_errors);
  lh_expect_keys_free(&rest_warnings);
  lh_sort(missing->keys, missing->count, sizeof *missing->keys, compare_strings);
  lh_sort(unexpected->keys, unexpected->count, sizeof *unexpected->keys, compare_strings);
}

int lh_expect_exit_code(const struct lh_expect_spec *spec, const struct lh_expect_keys *errors) {
  if (spec->exit_given || (spec->at_least.count == 0 && spec->one_of_count == 0))
    return spec->exit_code;
  return errors->count ? LH_EXPECT_FOUND_EXIT_CODE : 0;
}
