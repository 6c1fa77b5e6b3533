/* check_outputs.c - see check_outputs.h.
 *
 * --json: {"tool", "programs": [{"path", "verdict" (pass, fail, skip, error), "message", "time",
 * "runs", "exit_code", "expected_exit_code", "missing", "unexpected", "findings"}], "summary"
 * {"passed", "failed", "skipped", "errors"}}; "findings" are those of the run that decided (the
 * first run that did not match, else the last), each as `lockhound run --json` wrote it.
 *
 * --junit: the JUnit XML that GitLab (artifacts:reports:junit) and Jenkins (junit) read, valid
 * against the junit-10.xsd of Jenkins' xunit plugin (tests/junit): <testsuites> holding one
 * <testsuite name="lockhound check">, one <testcase> per program: classname its folder with '/'
 * as '.', name its file name, time the seconds spent on it (building and every run). A program
 * whose findings differ gets one <failure> per missing or unexpected key (message "missing: KEY"
 * or "unexpected: KEY"; the body of an unexpected one is the finding's section of the text
 * report, of a missing one what the run found), and one for a wrong exit code; a pending program
 * one <skipped>; a program that was not checked (no expectations, did not build, did not run or
 * end) one <error> with the reason and the run's output. Text is escaped for XML, and bytes that
 * XML 1.0 cannot hold (control characters, invalid UTF-8) become '?'.
 *
 * --sarif: the findings of every program's deciding run as one log (report_sarif.c). */
#include "commands/check_outputs.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/output_file.h"
#include "report/report_sarif.h"

static const char *const verdict_names[] = {"pass", "fail", "skip", "error"};

void lh_check_result_free(struct lh_check_result *r) {
  free(r->path);
  free(r->message);
  free(r->output);
  json_decref(r->report);
  lh_expect_keys_free(&r->missing);
  lh_expect_keys_free(&r->unexpected);
  memset(r, 0, sizeof *r);
}

static int dump(const char *path, json_t *doc) {
  FILE *out = lh_output_open(path);
  int rc = -1;
  if (out) {
    (void)json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    rc = lh_output_close(out, path);
  }
  json_decref(doc);
  return rc;
}

static json_t *keys_json(const struct lh_expect_keys *keys) {
  json_t *a = json_array();
  for (size_t i = 0; i < keys->count; i++) json_array_append_new(a, json_string(keys->keys[i]));
  return a;
}

int lh_check_write_json(const char *path, const struct lh_check_result *results, size_t n) {
  json_t *root = json_object(), *tool = json_object(), *programs = json_array(),
         *summary = json_object();
  size_t counts[4] = {0};
  json_object_set_new(tool, "name", json_string("lockhound"));
  json_object_set_new(tool, "version", json_string(LH_VERSION));
  json_object_set_new(root, "tool", tool);
  for (size_t i = 0; i < n; i++) {
    const struct lh_check_result *r = &results[i];
    json_t *p = json_object();
    counts[r->verdict]++;
    json_object_set_new(p, "path", json_string(r->path));
    json_object_set_new(p, "verdict", json_string(verdict_names[r->verdict]));
    json_object_set_new(p, "message", r->message ? json_string(r->message) : json_null());
    json_object_set_new(p, "time", json_real(r->time_s));
    json_object_set_new(p, "runs", json_integer(r->runs));
    json_object_set_new(p, "exit_code",
                        r->exit_code >= 0 ? json_integer(r->exit_code) : json_null());
    json_object_set_new(p, "expected_exit_code",
                        r->expected_exit >= 0 ? json_integer(r->expected_exit) : json_null());
    json_object_set_new(p, "missing", keys_json(&r->missing));
    json_object_set_new(p, "unexpected", keys_json(&r->unexpected));
    json_t *findings = json_object_get(r->report, "findings");
    json_object_set_new(p, "findings", findings ? json_deep_copy(findings) : json_array());
    json_array_append_new(programs, p);
  }
  json_object_set_new(root, "programs", programs);
  json_object_set_new(summary, "passed", json_integer((json_int_t)counts[LH_CHECK_PASS]));
  json_object_set_new(summary, "failed", json_integer((json_int_t)counts[LH_CHECK_FAIL]));
  json_object_set_new(summary, "skipped", json_integer((json_int_t)counts[LH_CHECK_SKIP]));
  json_object_set_new(summary, "errors", json_integer((json_int_t)counts[LH_CHECK_ERROR]));
  json_object_set_new(root, "summary", summary);
  return dump(path, root);
}

int lh_check_write_sarif(const char *path, const struct lh_check_result *results, size_t n,
                         const char *source_root) {
  json_t **reports = calloc(n ? n : 1, sizeof *reports);
  const char **programs = calloc(n ? n : 1, sizeof *programs);
  size_t k = 0;
  if (!reports || !programs) abort();
  for (size_t i = 0; i < n; i++) {
    if (!results[i].report) continue;
    programs[k] = results[i].path;
    reports[k++] = results[i].report;
  }
  int rc = lh_report_sarif(path, reports, programs, k, source_root);
  free(programs);
  free(reports);
  return rc;
}

/* ---- JUnit ---- */

/* Length of the valid UTF-8 sequence at s that XML 1.0 allows, or 0. */
static size_t xml_char(const unsigned char *s) {
  if (s[0] < 0x80) return s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' || s[0] == '\r';
  size_t len = s[0] >= 0xc2 && s[0] <= 0xdf   ? 2
               : s[0] >= 0xe0 && s[0] <= 0xef ? 3
               : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4
                                              : 0; /* 0x80-0xc1, 0xf5-0xff never start one */
  for (size_t i = 1; i < len; i++)
    if ((s[i] & 0xc0) != 0x80) return 0;
  if (len == 3) {
    unsigned cp = (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
    if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff) || cp >= 0xfffe) return 0;
  }
  if (len == 4) {
    unsigned cp =
        (s[0] & 0x07u) << 18 | (s[1] & 0x3fu) << 12 | (s[2] & 0x3fu) << 6 | (s[3] & 0x3fu);
    if (cp < 0x10000 || cp > 0x10ffff) return 0;
  }
  return len;
}

static void xml_text(FILE *out, const char *text) {
  const unsigned char *s = (const unsigned char *)(text ? text : "");
  while (*s) {
    size_t len = xml_char(s);
    if (len == 0) {
      fputc('?', out);
      s++;
    } else if (*s == '&') {
      fputs("&amp;", out), s++;
    } else if (*s == '<') {
      fputs("&lt;", out), s++;
    } else if (*s == '>') {
      fputs("&gt;", out), s++;
    } else if (*s == '"') {
      fputs("&quot;", out), s++;
    } else if (*s == '\n' || *s == '\r' || *s == '\t') {
      fprintf(out, "&#%d;", *s), s++; /* kept in attributes too, where raw ones are normalised */
    } else {
      fwrite(s, 1, len, out);
      s += len;
    }
  }
}

/* The body text as element content: newlines kept as they are. */
static void xml_body(FILE *out, const char *text) {
  const char *p = text ? text : "";
  while (*p) {
    size_t n = strcspn(p, "\n");
    char *line = strndup(p, n);
    if (!line) abort();
    xml_text(out, line);
    free(line);
    p += n;
    if (*p == '\n') fputc('\n', out), p++;
  }
}

/* The section of the text report about the finding whose id is id: from its header line (which
 * ends "[id ID]") to the next line of lockhound's that starts another part. NULL when absent. */
static char *finding_text(const char *output, const char *id) {
  if (!output || !id) return NULL;
  char mark[40];
  snprintf(mark, sizeof mark, "[id %s]", id);
  const char *at = strstr(output, mark);
  if (!at) return NULL;
  while (at > output && at[-1] != '\n') at--;
  /* a header too long for the line has its id on the next line (report_text.c): start above */
  const char *eq = strstr(at, "==   [id ");
  if (at > output && eq && eq < strchr(at, '\n'))
    for (at--; at > output && at[-1] != '\n';) at--;
  const char *end = strchr(at, '\n');
  while (end && end[1]) {
    const char *line = end + 1, *rest = strstr(line, "== ");
    const char *eol = strchr(line, '\n');
    if (line[0] == '=' && rest && (!eol || rest < eol) &&
        (strncmp(rest + 3, "lockhound: ", 11) == 0 || strncmp(rest + 3, "ERROR SUMMARY", 13) == 0))
      break;
    end = eol;
  }
  return end ? strndup(at, (size_t)(end - at)) : strdup(at);
}

/* The finding of the report whose key is key (its first), or NULL. */
static const json_t *finding_of_key(const json_t *report, const char *key) {
  const json_t *f;
  size_t i;
  json_array_foreach(json_object_get(report, "findings"), i, f) {
    char *k = NULL;
    bool same = lh_expect_key_of_finding(f, &k) == 0 && strcmp(k, key) == 0;
    free(k);
    if (same) return f;
  }
  return NULL;
}

static void failure(FILE *out, const char *type, const char *message, const char *body) {
  fprintf(out, "      <failure type=\"%s\" message=\"", type);
  xml_text(out, message);
  fputs("\">", out);
  xml_body(out, body);
  fputs("</failure>\n", out);
}

static void found_keys(FILE *out, const json_t *report) {
  const json_t *f;
  size_t i;
  fputs("the run found:", out);
  size_t n = 0;
  json_array_foreach(json_object_get(report, "findings"), i, f) {
    char *k = NULL;
    if (lh_expect_key_of_finding(f, &k) == 0)
      fprintf(out, "\n  %s (%s)", k, json_string_value(json_object_get(f, "level"))), n++;
    free(k);
  }
  if (n == 0) fputs(" nothing", out);
}

static void testcase(FILE *out, const struct lh_check_result *r) {
  const char *slash = strrchr(r->path, '/');
  const char *name = slash ? slash + 1 : r->path;
  char *folder = slash ? strndup(r->path, (size_t)(slash - r->path)) : strdup(".");
  if (!folder) abort();
  char *cls = folder;
  while (strncmp(cls, "./", 2) == 0) cls += 2;
  for (char *p = cls; *p; p++)
    if (*p == '/') *p = '.';
  fputs("    <testcase classname=\"", out);
  xml_text(out, *cls ? cls : ".");
  fputs("\" name=\"", out);
  xml_text(out, name);
  fprintf(out, "\" time=\"%.3f\">\n", r->time_s);
  free(folder);
  if (r->verdict == LH_CHECK_SKIP) {
    fputs("      <skipped message=\"", out);
    xml_text(out, r->message);
    fputs("\"/>\n", out);
  } else if (r->verdict == LH_CHECK_ERROR) {
    fputs("      <error type=\"not checked\" message=\"", out);
    xml_text(out, r->message);
    fputs("\">", out);
    xml_body(out, r->output);
    fputs("</error>\n", out);
  } else if (r->verdict == LH_CHECK_FAIL) {
    char *body = NULL, *message = NULL;
    size_t len = 0;
    for (size_t i = 0; i < r->unexpected.count; i++) {
      const char *key = r->unexpected.keys[i];
      const char *plain = strncmp(key, "warning ", 8) == 0 ? key + 8 : key;
      const json_t *f = finding_of_key(r->report, plain);
      body = finding_text(r->output, json_string_value(json_object_get(f, "id")));
      if (asprintf(&message, "unexpected: %s", key) < 0) abort();
      failure(out, "unexpected finding", message, body ? body : "not expected by any line");
      free(body);
      free(message);
    }
    for (size_t i = 0; i < r->missing.count; i++) {
      FILE *b = open_memstream(&body, &len);
      if (!b) abort();
      found_keys(b, r->report);
      fclose(b);
      if (asprintf(&message, "missing: %s", r->missing.keys[i]) < 0) abort();
      failure(out, "missing finding", message, body);
      free(body);
      free(message);
    }
    if (r->exit_code >= 0 && r->expected_exit >= 0 && r->exit_code != r->expected_exit) {
      if (asprintf(&message, "exit code %d, expected %d", r->exit_code, r->expected_exit) < 0)
        abort();
      failure(out, "exit code", message, r->output);
      free(message);
    }
    if (r->unexpected.count + r->missing.count == 0 && r->exit_code == r->expected_exit)
      failure(out, "mismatch", r->message ? r->message : "mismatch", r->output);
  }
  fputs("    </testcase>\n", out);
}

int lh_check_write_junit(const char *path, const struct lh_check_result *results, size_t n) {
  size_t failures = 0, errors = 0, skipped = 0;
  double time_s = 0;
  for (size_t i = 0; i < n; i++) {
    failures += results[i].verdict == LH_CHECK_FAIL;
    errors += results[i].verdict == LH_CHECK_ERROR;
    skipped += results[i].verdict == LH_CHECK_SKIP;
    time_s += results[i].time_s;
  }
  FILE *out = lh_output_open(path);
  if (!out) return -1;
  char host[256] = "";
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
  fprintf(out,
          "<testsuites name=\"lockhound check\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
          "time=\"%.3f\">\n",
          n, failures, errors, time_s);
  fprintf(out,
          "  <testsuite name=\"lockhound check\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
          "skipped=\"%zu\" time=\"%.3f\" hostname=\"",
          n, failures, errors, skipped, time_s);
  xml_text(out, host);
  fputs("\">\n", out);
  for (size_t i = 0; i < n; i++) testcase(out, &results[i]);
  fputs("  </testsuite>\n</testsuites>\n", out);
  return lh_output_close(out, path);
}
