/* command_report.c - `lockhound report RUNFILE...`: load, merge, analyse and report.
 *
 * All files are loaded into one model (merged as model.h explains), analysed once, and reported
 * as text on stderr and, with --json, as JSON, with --html, as an HTML page. With --at-exit (the preload library calls this as
 * its process exits, when no `lockhound run` supervises it) a run that saw no thread and no lock
 * prints nothing at all, and the status is always 0 so that the program's own exit status is
 * not disturbed. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/output_file.h"
#include "commands/analysed_runs.h"
#include "commands/commands.h"
#include "model/model.h"
#include "report/report.h"
#include "report/report_contention.h"
#include "report/report_html.h"
#include "report/report_sarif.h"
#include "report/suppressions.h"
#include "symbols/lock_names.h"
#include "symbols/symbolize.h"

static bool saw_nothing(const struct lh_model *m) {
  if (m->nincidents) return false; /* the library saw something happen, even in one thread */
  for (size_t i = 0; i < m->nfiles; i++)
    if (m->files[i].threads_created || m->files[i].locks_seen) return false;
  return true;
}

/* Removes the findings the --suppressions files hide, *hidden of them; returns the rules (with
 * their use counts, for -v; caller frees), or NULL when there are none. */
static struct lh_suppressions *suppress(const struct lh_options *o, const struct lh_report *r,
                                        struct lh_findings *findings, size_t *hidden) {
  *hidden = 0;
  if (!o->nsuppressions) return NULL;
  struct lh_suppressions *s = lh_suppressions_new();
  for (size_t i = 0; i < o->nsuppressions; i++)
    lh_suppressions_load(s, o->suppressions[i], stderr); /* checked when the options were read */
  char **object_names = findings->n ? lh_object_names(r->sym, r->m) : NULL;
  *hidden = lh_suppressions_apply(s, r, findings, object_names);
  lh_lock_names_free(object_names, r->m->nobjects);
  return s;
}

/* --gen-suppressions: the rules, unprefixed so that they can be copied into a file as they are. */
static void gen_suppressions(FILE *out, const struct lh_report *r, const char *prefix) {
  fprintf(out, "%s lockhound: a suppression for each finding above (--gen-suppressions):\n",
          prefix);
  char **object_names = lh_report_object_names(r);
  lh_suppressions_generate(r, object_names, out);
  lh_lock_names_free(object_names, r->m->nobjects);
}

/* --log-file's PATH with %p replaced by pid and %% by % (valgrind's convention; caller frees). */
static char *log_path_of(const char *pattern, long long pid) {
  char *path = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&path, &len);
  if (!out) abort();
  for (const char *p = pattern; *p; p++) {
    if (p[0] == '%' && p[1] == 'p')
      fprintf(out, "%lld", pid), p++;
    else if (p[0] == '%' && p[1] == '%')
      fputc('%', out), p++;
    else
      fputc(*p, out);
  }
  fclose(out);
  return path;
}

/* --sarif: the findings converted from their JSON form, paths relative to the first
 * --source-root, else to the current directory. */
static int report_sarif(const struct lh_options *o, const struct lh_report *r) {
  char cwd[PATH_MAX];
  const char *root = o->nsource_roots ? o->source_roots[0] : getcwd(cwd, sizeof cwd);
  json_t *doc = lh_report_json_document(r);
  int rc = lh_report_sarif(o->sarif_path, &doc, NULL, 1, root ? root : "/");
  json_decref(doc);
  return rc;
}

/* Writes every report the options ask for; *errors gets the number of error findings. */
static int report_all(const struct lh_options *o, struct lh_analysed_runs *a, size_t *errors) {
  const struct lh_report *r = &a->report;
  int rc = 0;
  size_t hidden;
  struct lh_suppressions *rules = suppress(o, r, a->findings, &hidden);
  long long pid = a->m->nfiles ? (long long)a->m->files[0].pid : 0LL;
  char *log_path = o->log_path ? log_path_of(o->log_path, pid) : NULL;
  FILE *text = log_path ? lh_output_open(log_path) : stderr;
  if (!text) {
    free(log_path);
    lh_suppressions_free(rules);
    return LH_EXIT_USAGE;
  }
  fflush(stdout);
  lh_report_text_styled(text, r, (struct lh_text_style){o->lang, o->explain});
  char prefix[32];
  snprintf(prefix, sizeof prefix, "==%lld==", pid);
  if (hidden)
    fprintf(text, "%s lockhound: %zu finding%s suppressed (--suppressions)\n", prefix, hidden,
            hidden == 1 ? "" : "s");
  if (o->verbose) lh_suppressions_tell_use(rules, text, prefix);
  lh_suppressions_free(rules);
  if (o->gen_suppressions && a->findings->n) gen_suppressions(text, r, prefix);
  if (o->contention)
    lh_report_contention(text, a->m, lh_report_lock_names(&a->report), prefix, o->lang);
  if (log_path && lh_output_close(text, log_path) != 0) rc = LH_EXIT_USAGE;
  free(log_path);
  if (o->json_path && lh_report_json(o->json_path, r) != 0) rc = LH_EXIT_USAGE;
  if (o->html_path &&
      lh_report_html(o->html_path, r, (struct lh_text_style){o->lang, o->explain}) != 0)
    rc = LH_EXIT_USAGE;
  if (o->sarif_path && report_sarif(o, r) != 0) rc = LH_EXIT_USAGE;
  /* The text report is an output too: when stderr could not take it (a full disk, a closed
   * descriptor), nobody can be told, but the status must not say all went well. */
  if (ferror(stderr)) rc = LH_EXIT_USAGE;
  *errors = lh_findings_count(a->findings, LH_LEVEL_ERROR);
  return rc;
}

int lh_report_files(const struct lh_options *o, char *const *files, size_t nfiles, size_t *errors) {
  struct lh_analysed_runs a;
  /* At exit, messages wait until we know the run is worth reporting at all. */
  char *held = NULL;
  size_t held_len = 0;
  FILE *diag = o->at_exit ? open_memstream(&held, &held_len) : stderr;
  if (!diag) diag = stderr;
  *errors = 0;
  int rc = lh_analysed_runs_load(&a, files, nfiles, diag);
  if (diag != stderr) fclose(diag);
  bool quiet = o->at_exit && rc == 0 && saw_nothing(a.m);
  if (held && !quiet) fputs(held, stderr);
  free(held);
  if (rc == 0 && !quiet) {
    lh_analysed_runs_analyse(&a, o);
    rc = report_all(o, &a, errors);
  }
  lh_analysed_runs_free(&a);
  return rc;
}

int lh_command_report(const struct lh_options *o) {
  size_t errors;
  int rc = lh_report_files(o, o->operands, (size_t)o->noperands, &errors);
  if (o->at_exit) return 0;
  if (rc != 0) return rc;
  return errors ? o->error_exitcode : 0;
}
