/* expectations.c - parse `lockhound-expect:` lines and report findings into sorted key lists
 * (see expectations.h for the key format). */
#include "expectations.h"

#include "child_process.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECT_TAG "lockhound-expect:"

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int push(char ***items, size_t *count, char *item)
{
    char **bigger = realloc(*items, (*count + 1) * sizeof **items);
    if (!bigger)
        return -1;
    *items = bigger;
    (*items)[(*count)++] = item;
    return 0;
}

/* kind + sorted names, names with a space quoted. Takes ownership of nothing. */
static char *make_key(const char *kind, char **names, size_t n)
{
    qsort(names, n, sizeof *names, compare_strings);
    size_t len = strlen(kind) + 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(names[i]) + 3;
    char *key = malloc(len);
    if (!key)
        return NULL;
    strcpy(key, kind);
    for (size_t i = 0; i < n; i++) {
        int quote = strchr(names[i], ' ') != NULL;
        strcat(key, quote ? " \"" : " ");
        strcat(key, names[i]);
        if (quote)
            strcat(key, "\"");
    }
    return key;
}

static void free_strings(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}

/* Split the rest of an expectation line into tokens: "quoted words" or runs of non-space. */
static int tokenize(const char *p, char ***tokens, size_t *count)
{
    *tokens = NULL;
    *count = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (!*p || *p == '\n' || (p[0] == '*' && p[1] == '/'))
            return 0;
        const char *start = p, *end;
        if (*p == '"') {
            start = ++p;
            end = strchr(p, '"');
            if (!end)
                return -1;
            p = end + 1;
        } else {
            while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
                p++;
            end = p;
        }
        if (push(tokens, count, strndup(start, (size_t)(end - start))) != 0)
            return -1;
    }
}

static int fail(char **error, const char *path, const char *what)
{
    if (asprintf(error, "%s: %s", path, what) < 0)
        *error = NULL;
    return -1;
}

int lh_expect_from_source(const char *path, struct lh_key_list *list, char **error)
{
    char *text = lh_read_file(path, NULL);
    int lines = 0, saw_none = 0;
    list->keys = NULL;
    list->count = 0;
    if (!text)
        return fail(error, path, "cannot read the sample source");
    for (char *line = strstr(text, EXPECT_TAG); line; line = strstr(line + 1, EXPECT_TAG)) {
        char **tokens;
        size_t n;
        lines++;
        if (tokenize(line + strlen(EXPECT_TAG), &tokens, &n) != 0 || n == 0) {
            free(text);
            return fail(error, path, "malformed lockhound-expect line");
        }
        if (n == 1 && strcmp(tokens[0], "none") == 0)
            saw_none = 1;
        else
            push(&list->keys, &list->count, make_key(tokens[0], tokens + 1, n - 1));
        free_strings(tokens, n);
    }
    free(text);
    if (lines == 0)
        return fail(error, path, "no lockhound-expect line in the top comment");
    if (saw_none && list->count > 0)
        return fail(error, path, "lockhound-expect: none together with expected findings");
    qsort(list->keys, list->count, sizeof *list->keys, compare_strings);
    return 0;
}

static int key_of_finding(const json_t *finding, char **key)
{
    const char *kind = json_string_value(json_object_get(finding, "kind"));
    const json_t *locks = json_object_get(finding, "locks");
    if (!kind || !json_is_array(locks))
        return -1;
    size_t n = json_array_size(locks);
    char **names = calloc(n + 1, sizeof *names);
    for (size_t i = 0; i < n; i++) {
        const char *name = json_string_value(json_object_get(json_array_get(locks, i), "name"));
        if (!name) {
            free(names);
            return -1;
        }
        names[i] = (char *)name;
    }
    *key = make_key(kind, names, n);
    free(names);
    return 0;
}

int lh_expect_from_report(const json_t *report, struct lh_key_list *list, char **error)
{
    const json_t *findings = json_object_get(report, "findings");
    list->keys = NULL;
    list->count = 0;
    if (!json_is_array(findings))
        return fail(error, "report", "no \"findings\" array");
    for (size_t i = 0; i < json_array_size(findings); i++) {
        const json_t *f = json_array_get(findings, i);
        const char *level = json_string_value(json_object_get(f, "level"));
        char *key;
        if (!level)
            return fail(error, "report", "a finding has no \"level\"");
        if (strcmp(level, "error") != 0)
            continue;
        if (key_of_finding(f, &key) != 0)
            return fail(error, "report", "a finding has no \"kind\" or a lock without \"name\"");
        push(&list->keys, &list->count, key);
    }
    qsort(list->keys, list->count, sizeof *list->keys, compare_strings);
    return 0;
}

char *lh_key_list_format(const struct lh_key_list *list)
{
    size_t len = 16;
    for (size_t i = 0; i < list->count; i++)
        len += strlen(list->keys[i]) + 6;
    char *text = malloc(len);
    strcpy(text, list->count ? "" : "(none)");
    for (size_t i = 0; i < list->count; i++) {
        strcat(text, "\n    ");
        strcat(text, list->keys[i]);
    }
    return text;
}

int lh_key_list_equal(const struct lh_key_list *a, const struct lh_key_list *b)
{
    if (a->count != b->count)
        return 0;
    for (size_t i = 0; i < a->count; i++)
        if (strcmp(a->keys[i], b->keys[i]) != 0)
            return 0;
    return 1;
}

void lh_key_list_free(struct lh_key_list *list)
{
    free_strings(list->keys, list->count);
    list->keys = NULL;
    list->count = 0;
}
