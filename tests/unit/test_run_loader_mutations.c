/* test_run_loader_mutations.c - no input can crash the analyzer.
 * A valid run file (tests/fixtures/runs/ab_ba.lhrun, and runtime.lhrun with objects and every
 * shape of `finding` record) is damaged in thousands of deterministic
 * ways - cut at every byte, every byte replaced, lines swapped, dropped and repeated, every value
 * replaced by huge numbers or wrong types - and each result goes through the whole pipeline:
 * loading, analysis, lock names, text and JSON reports. The model must stay consistent (every
 * index in range) and nothing may crash (Criterion runs each test in its own process, so a crash
 * fails the test). tests/fuzz/ has the libFuzzer harness for open-ended fuzzing. */
#include <criterion/criterion.h>

#include "../cli/cli_support.h"
#include "../fixtures/runs/run_text.h"
#include "report/report.h"
#include "symbols/lock_names.h"

static char *fixture;
static size_t fixture_len;
static struct lh_symbolizer *sym;
static size_t mutations;

static void setup_from(const char *name) {
  fixture = cli_slurp(cli_fixture(name));
  fixture_len = strlen(fixture);
  cr_assert_gt(fixture_len, 100, "fixture not found");
  sym = lh_sym_new();
}

static void setup(void) { setup_from("ab_ba.lhrun"); }
static void setup_runtime(void) { setup_from("runtime.lhrun"); }

static void teardown(void) {
  free(fixture);
  lh_sym_free(sym);
}

static bool stack_ok(const struct lh_model *m, int32_t s) {
  return s == LH_NONE || (s >= 0 && (size_t)s < m->nstacks);
}

static bool ref_ok(int32_t ref, size_t n) {
  return ref == LH_NONE || (ref >= 0 && (size_t)ref < n);
}

static void check_incident(const struct lh_model *m, const struct lh_incident *x) {
  cr_assert(x->kind > LH_FINDING_LOCK_ORDER_INVERSION && x->kind < LH_FINDING_KIND_COUNT &&
            x->action);
  cr_assert(ref_ok(x->lock, m->nlocks) && ref_ok(x->object, m->nobjects) &&
            ref_ok(x->thread, m->nthreads));
  for (uint32_t i = 0; i < x->nthreads; i++) {
    const struct lh_incident_thread *t = &x->threads[i];
    cr_assert(t->thread < m->nthreads && stack_ok(m, t->stack) && stack_ok(m, t->waits.stack));
    cr_assert(ref_ok(t->waits.lock, m->nlocks) && ref_ok(t->waits.mutex, m->nlocks) &&
              ref_ok(t->waits.object, m->nobjects) && ref_ok(t->waits.joins, m->nthreads) &&
              ref_ok(t->tries.lock, m->nlocks));
    for (uint32_t h = 0; h < t->nholds; h++)
      cr_assert(t->holds[h].lock < m->nlocks && stack_ok(m, t->holds[h].stack));
  }
  for (uint32_t i = 0; i < x->nrelated; i++)
    cr_assert(ref_ok(x->related[i].thread, m->nthreads) && stack_ok(m, x->related[i].stack));
  for (uint32_t i = 0; i < x->nstates; i++) cr_assert(x->states[i].object < m->nobjects);
}

static void check_model(const struct lh_model *m) {
  for (size_t i = 0; i < m->nstacks; i++)
    for (uint32_t k = 0; k < m->stacks[i].n; k++)
      cr_assert(m->stacks[i].frames[k].module == LH_NONE ||
                (size_t)m->stacks[i].frames[k].module < m->nmodules);
  for (size_t i = 0; i < m->nthreads; i++) {
    const struct lh_thread *t = &m->threads[i];
    cr_assert(t->file < m->nfiles);
    cr_assert(t->parent == LH_NONE || (size_t)t->parent < m->nthreads);
    cr_assert(stack_ok(m, t->stack));
  }
  for (size_t i = 0; i < m->nlocks; i++) cr_assert(stack_ok(m, m->locks[i].stack));
  for (size_t i = 0; i < m->ntuples; i++) {
    const struct lh_tuple *t = &m->tuples[i];
    cr_assert(t->thread < m->nthreads && t->lock < m->nlocks && stack_ok(m, t->stack) &&
              t->seg >= 0);
    for (uint32_t h = 0; h < t->nheld; h++)
      cr_assert(t->held[h].lock < m->nlocks && stack_ok(m, t->held[h].stack));
  }
  for (size_t i = 0; i < m->njoins; i++)
    cr_assert(m->joins[i].thread < m->nthreads && m->joins[i].joined < m->nthreads);
  for (size_t i = 0; i < m->nobjects; i++) cr_assert(stack_ok(m, m->objects[i].stack));
  for (size_t i = 0; i < m->nincidents; i++) check_incident(m, &m->incidents[i]);
}

/* The whole pipeline on one damaged text; output goes to /dev/null. */
static void survive(const char *text, size_t len) {
  struct lh_model *m = lh_model_new();
  FILE *null = fopen("/dev/null", "w");
  mutations++;
  if (lh_load_run_text(m, "mutant.lhrun", text, len, null) == 0) {
    lh_model_finish(m);
    check_model(m);
    struct lh_analysis_options o = {8};
    struct lh_analysis_stats stats;
    struct lh_findings *f = lh_analyse(m, &o, &stats);
    char **names = lh_lock_names(sym, m);
    struct lh_lock_name_memo memo = {names};
    struct lh_report r = {m, f, &stats, &memo, sym, true, 66};
    lh_report_text(null, &r);
    lh_report_json("/dev/null", &r);
    lh_lock_names_free(names, m->nlocks);
    lh_findings_free(f);
  }
  fclose(null);
  lh_model_free(m);
}

TestSuite(mutations, .init = setup, .fini = teardown);

Test(mutations, the_intact_fixture_reports_its_deadlock) {
  struct lh_model *m = lh_model_new();
  cr_assert_eq(lh_load_run_text(m, "ab_ba.lhrun", fixture, fixture_len, stderr), 0);
  lh_model_finish(m);
  struct lh_analysis_options o = {8};
  struct lh_analysis_stats stats;
  struct lh_findings *f = lh_analyse(m, &o, &stats);
  cr_assert_eq(lh_findings_count(f, LH_LEVEL_ERROR), 1,
               "the mutations start from a meaningful file");
  lh_findings_free(f);
  lh_model_free(m);
}

static void cut_anywhere(void) {
  for (size_t cut = 0; cut <= fixture_len; cut++) survive(fixture, cut);
  cr_assert_eq(mutations, fixture_len + 1);
}

static void replace_any_byte(void) {
  static const char replacements[] = {'"', '{', '}', '[',  ']',  ',',  ':',       '0',
                                      '9', '-', 'x', '\n', '\0', '\\', (char)0xff};
  char *copy = malloc(fixture_len);
  for (size_t i = 0; i < fixture_len; i++)
    for (size_t r = 0; r < sizeof replacements; r++) {
      memcpy(copy, fixture, fixture_len);
      copy[i] = replacements[r];
      survive(copy, fixture_len);
    }
  free(copy);
}

/* The fixture's lines, each with its newline. */
static size_t split_lines(const char **starts, size_t *lens, size_t max) {
  size_t n = 0;
  for (const char *p = fixture; *p && n < max; n++) {
    const char *nl = strchr(p, '\n');
    starts[n] = p;
    lens[n] = nl ? (size_t)(nl - p) + 1 : strlen(p);
    p += lens[n];
  }
  return n;
}

static void join_lines(char *out, size_t *len, const char **starts, const size_t *lens,
                       const size_t *order, size_t n) {
  *len = 0;
  for (size_t i = 0; i < n; i++) {
    memcpy(out + *len, starts[order[i]], lens[order[i]]);
    *len += lens[order[i]];
  }
}

static void swap_drop_repeat_lines(void) {
  const char *starts[64];
  size_t lens[64], order[128], len;
  size_t n = split_lines(starts, lens, 64);
  char *out = malloc(fixture_len * 2 + 1);
  for (size_t a = 0; a < n; a++)
    for (size_t b = a + 1; b < n; b++) { /* swap a and b */
      for (size_t i = 0; i < n; i++) order[i] = i == a ? b : i == b ? a : i;
      join_lines(out, &len, starts, lens, order, n);
      survive(out, len);
    }
  for (size_t a = 0; a < n; a++) { /* drop a; repeat a */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
      if (i != a) order[k++] = i;
    join_lines(out, &len, starts, lens, order, k);
    survive(out, len);
    k = 0;
    for (size_t i = 0; i < n; i++) {
      order[k++] = i;
      if (i == a) order[k++] = i;
    }
    join_lines(out, &len, starts, lens, order, k);
    survive(out, len);
  }
  free(out);
}

/* Replaces each JSON value that starts at a ':' or '[' or ',' with each of the replacements. */
static void replace_every_value(void) {
  static const char *values[] = {"9223372036854775807",
                                 "-9223372036854775808",
                                 "-1",
                                 "1e300",
                                 "4294967296",
                                 "99999999999999999999999",
                                 "\"0xffffffffffffffff\"",
                                 "\"x\"",
                                 "[]",
                                 "{}",
                                 "null",
                                 "true",
                                 "[[[[[[[[]]]]]]]]",
                                 "\"\"",
                                 "[-1,\"w\",-1]"};
  char *out = malloc(fixture_len + 64);
  for (size_t i = 0; i < fixture_len; i++) {
    char c = fixture[i];
    if (c != ':' && c != '[' && c != ',') continue;
    size_t start = i + 1, end = start;
    if (fixture[start] == '"') {
      end = start + 1;
      while (end < fixture_len && fixture[end] != '"') end++;
      end++;
    } else {
      while (end < fixture_len && strchr("0123456789-.eE", fixture[end])) end++;
    }
    if (end == start || end > fixture_len) continue;
    for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
      size_t vl = strlen(values[v]), len = 0;
      memcpy(out, fixture, start);
      len = start;
      memcpy(out + len, values[v], vl);
      len += vl;
      memcpy(out + len, fixture + end, fixture_len - end);
      len += fixture_len - end;
      survive(out, len);
    }
  }
  free(out);
  cr_assert_gt(mutations, 1000);
}

Test(mutations, a_file_cut_at_any_byte_is_survived) { cut_anywhere(); }
Test(mutations, any_byte_replaced_is_survived) { replace_any_byte(); }
Test(mutations, lines_swapped_dropped_or_repeated_are_survived) { swap_drop_repeat_lines(); }
Test(mutations, every_value_replaced_by_a_huge_number_or_a_wrong_type_is_survived) {
  replace_every_value();
}

TestSuite(runtime_mutations, .init = setup_runtime, .fini = teardown);

Test(runtime_mutations, the_intact_fixture_reports_every_run_time_finding) {
  struct lh_model *m = lh_model_new();
  cr_assert_eq(lh_load_run_text(m, "runtime.lhrun", fixture, fixture_len, stderr), 0);
  lh_model_finish(m);
  struct lh_analysis_options o = {8};
  struct lh_analysis_stats stats;
  struct lh_findings *f = lh_analyse(m, &o, &stats);
  cr_assert_eq(lh_findings_count(f, LH_LEVEL_ERROR), 7,
               "the mutations start from a meaningful file");
  cr_assert_eq(lh_findings_count(f, LH_LEVEL_WARNING), 1);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(runtime_mutations, a_file_cut_at_any_byte_is_survived) { cut_anywhere(); }
Test(runtime_mutations, any_byte_replaced_is_survived) { replace_any_byte(); }
Test(runtime_mutations, lines_swapped_dropped_or_repeated_are_survived) {
  swap_drop_repeat_lines();
}
Test(runtime_mutations, every_value_replaced_by_a_huge_number_or_a_wrong_type_is_survived) {
  replace_every_value();
}
