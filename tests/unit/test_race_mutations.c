/* test_race_mutations.c - no damaged data-race record can crash the analyzer or leave the model
 * inconsistent. tests/fixtures/runs/races.lhrun (a race on a global seen twice from other stacks,
 * one in a heap block with an atomic read, one in other memory under a read lock) is damaged in
 * every deterministic way - cut at every byte, every byte replaced, every line dropped or
 * repeated, every number made huge or negative - and each result goes through loading, analysis,
 * names, and the text (with --explain, in Russian too) and JSON reports. */
#include <criterion/criterion.h>
#include <unistd.h>

#include "../cli/cli_support.h"
#include "../fixtures/runs/run_text.h"
#include "base/grow.h"
#include "report/report.h"
#include "symbols/lock_names.h"

static char *fixture;
static size_t fixture_len;
static struct lh_symbolizer *sym;

static void setup(void) {
  fixture = cli_slurp(cli_fixture("races.lhrun"));
  fixture_len = strlen(fixture);
  cr_assert_gt(fixture_len, 100, "fixture not found");
  sym = lh_sym_new();
}

static void teardown(void) {
  free(fixture);
  lh_sym_free(sym);
}

static bool stack_ok(const struct lh_model *m, int32_t s) {
  return s == LH_NONE || (s >= 0 && (size_t)s < m->nstacks);
}

static void check_race(const struct lh_model *m, const struct lh_race *r) {
  for (int i = 0; i < 2; i++) {
    const struct lh_access *a = &r->access[i];
    cr_assert(a->thread < m->nthreads && stack_ok(m, a->stack) && a->size > 0);
    cr_assert(r->addr >= a->addr && r->addr - a->addr < a->size);
    for (uint32_t k = 0; k < a->nlocks; k++) cr_assert(a->locks[k].lock < m->nlocks);
  }
  cr_assert_neq(r->access[0].thread, r->access[1].thread);
  cr_assert(r->module == LH_NONE || (size_t)r->module < m->nmodules);
  if (r->heap) {
    cr_assert(r->module == LH_NONE && r->addr - r->block_addr < r->block_size);
    cr_assert(stack_ok(m, r->block_stack) &&
              (r->block_thread == LH_NONE || (size_t)r->block_thread < m->nthreads));
  }
}

/* Loads text, checks the races and writes every report; returns the number of errors found. */
static size_t survive(const char *text, size_t len) {
  struct lh_model *m = lh_model_new();
  char *diag = NULL;
  size_t dlen;
  FILE *d = open_memstream(&diag, &dlen);
  int rc = lh_load_run_text(m, "races.lhrun", text, len, d);
  fclose(d);
  free(diag);
  size_t errors = 0;
  if (rc == 0) {
    lh_model_finish(m);
    for (size_t i = 0; i < m->nincidents; i++) {
      cr_assert_eq(m->incidents[i].race != NULL, m->incidents[i].kind == LH_FINDING_DATA_RACE);
      if (m->incidents[i].race) check_race(m, m->incidents[i].race);
    }
    struct lh_analysis_options o = {8};
    struct lh_analysis_stats stats;
    struct lh_findings *f = lh_analyse(m, &o, &stats);
    char **names = lh_lock_names(sym, m);
    struct lh_lock_name_memo memo = {names};
    struct lh_report r = {m, f, &stats, &memo, sym, false, 66};
    char *out = NULL;
    size_t olen;
    FILE *mem = open_memstream(&out, &olen);
    lh_report_text_styled(mem, &r, (struct lh_text_style){LH_LANG_EN, true});
    lh_report_text_styled(mem, &r, (struct lh_text_style){LH_LANG_RU, false});
    fclose(mem);
    free(out);
    char **objects = lh_object_names(sym, m);
    for (size_t i = 0; i < f->n; i++) json_decref(lh_json_finding(&r, objects, &f->items[i]));
    lh_lock_names_free(objects, m->nobjects);
    errors = lh_findings_count(f, LH_LEVEL_ERROR);
    lh_lock_names_free(names, m->nlocks);
    lh_findings_free(f);
  }
  lh_model_free(m);
  return errors;
}

TestSuite(race_mutations, .init = setup, .fini = teardown);

Test(race_mutations, the_intact_fixture_has_three_races) {
  cr_assert_eq(survive(fixture, fixture_len), 3, "the mutations start from a meaningful file");
}

Test(race_mutations, a_file_cut_at_any_byte_is_survived) {
  for (size_t i = 0; i < fixture_len; i++) survive(fixture, i);
}

Test(race_mutations, any_byte_replaced_is_survived) {
  static const char replacements[] = "\"0-9]}{,:x ";
  char *copy = lh_xmalloc(fixture_len);
  /* only the finding lines: the rest is what the other mutation tests damage */
  const char *first = strstr(fixture, "{\"t\":\"finding\"");
  cr_assert_not_null(first);
  for (size_t i = (size_t)(first - fixture); i < fixture_len; i++)
    for (size_t k = 0; k < sizeof replacements - 1; k++) {
      memcpy(copy, fixture, fixture_len);
      copy[i] = replacements[k];
      survive(copy, fixture_len);
    }
  free(copy);
}

Test(race_mutations, lines_dropped_or_repeated_are_survived) {
  char *copy = lh_xmalloc(2 * fixture_len);
  for (const char *line = fixture; line < fixture + fixture_len;) {
    const char *end = strchr(line, '\n');
    end = end ? end + 1 : fixture + fixture_len;
    size_t before = (size_t)(line - fixture), n = (size_t)(end - line),
           after = fixture_len - before - n;
    memcpy(copy, fixture, before); /* dropped */
    memcpy(copy + before, end, after);
    survive(copy, before + after);
    memcpy(copy, fixture, before + n); /* repeated */
    memcpy(copy + before + n, line, fixture_len - before);
    survive(copy, fixture_len + n);
    line = end;
  }
  free(copy);
}

Test(race_mutations, every_number_made_huge_or_negative_is_survived) {
  static const char *const values[] = {"-1", "4294967296", "9223372036854775807", "0", "1"};
  char *copy = lh_xmalloc(fixture_len + 64);
  for (size_t i = 0; i < fixture_len; i++) {
    bool starts = fixture[i] >= '0' && fixture[i] <= '9' && i > 0 &&
                  (fixture[i - 1] == ':' || fixture[i - 1] == ',' || fixture[i - 1] == '[');
    if (!starts) continue;
    size_t end = i;
    while (end < fixture_len && fixture[end] >= '0' && fixture[end] <= '9') end++;
    for (size_t v = 0; v < sizeof values / sizeof *values; v++) {
      size_t vl = strlen(values[v]);
      memcpy(copy, fixture, i);
      memcpy(copy + i, values[v], vl);
      memcpy(copy + i + vl, fixture + end, fixture_len - end);
      survive(copy, i + vl + fixture_len - end);
    }
  }
  free(copy);
}
