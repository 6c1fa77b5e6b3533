/* test_race_findings.c - data races as findings: one per pair of code sites (file:line when the
 * debug info tells, else the pc), whatever the order of the accesses, the callers or the run they
 * come from; ids stable from run to run; counted as errors; hidden by suppressions, including
 * ThreadSanitizer's `race:` and `race_top:`.
 *
 * The sites are functions of this test binary (built with -g), as in test_race_report.c. */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <unistd.h>

#include "../fixtures/runs/race_text.h"
#include "report/report.h"
#include "report/suppressions.h"
#include "symbols/lock_names.h"

#if defined(__clang__)
#define LH_KEEP __attribute__((noinline, used))
#else
#define LH_KEEP __attribute__((noipa, used))
#endif

int counter;
int other;

static volatile int sink;

LH_KEEP static uintptr_t return_address(void) { return (uintptr_t)__builtin_return_address(0); }

/* Both halves of `counter++`: two pcs of one line. */
LH_KEEP static void increment(uintptr_t pcs[2]) {
  pcs[0] = return_address();
  pcs[1] = return_address();
  sink++;
}

LH_KEEP static uintptr_t reader(void) {
  uintptr_t pc = return_address();
  sink++;
  return pc;
}

LH_KEEP static uintptr_t writer(void) {
  uintptr_t pc = return_address();
  sink++;
  return pc;
}

/* Two different callers, to make stacks that differ below the same innermost frame. */
LH_KEEP static uintptr_t caller_a(void) {
  uintptr_t pc = return_address();
  sink++;
  return pc;
}

LH_KEEP static uintptr_t caller_b(void) {
  uintptr_t pc = return_address();
  sink++;
  return pc;
}

static void *libc_malloc(void) { return dlsym(RTLD_DEFAULT, "malloc"); }

/* Stacks: 1 writer, 2 reader, 3 writer under caller_a, 4 reader under caller_b, 5 and 6 the read
 * and write halves of increment, 7 other's site (a pc outside any module). */
static void preamble(struct rb *rb) {
  uintptr_t inc[2];
  increment(inc);
  race_standard(rb, libc_malloc(), caller_a());
  race_stack(rb, 1, writer(), 0, 0, 0);
  race_stack(rb, 2, reader(), 0, 0, 0);
  race_stack(rb, 3, writer(), caller_a(), 0, 0);
  race_stack(rb, 4, reader(), caller_b(), 0, 0);
  race_stack(rb, 5, inc[0], 0, 0, 0);
  race_stack(rb, 6, inc[1], 0, 0, 0);
  race_stack(rb, 7, 0x10, 0, 0, 0);
}

/* T<later> reads at stack `rs`, after T<earlier> wrote at stack `ws`. */
static void read_after_write(struct rb *rb, uintptr_t addr, int later, int rs, int earlier,
                             int ws) {
  race_record(rb, addr, (struct race_access){later, addr, 4, 0, 0, rs, "", NULL},
              (struct race_access){earlier, addr, 4, 1, 0, ws, "", NULL}, "");
}

static struct lh_findings *findings_of(struct rb *rb, struct lh_model **m) {
  rb_end(rb);
  struct lh_findings *f = rb_findings(rb, m);
  free(rb->buf);
  return f;
}

Test(race_findings, two_records_with_the_same_sites_are_one_finding) {
  struct rb rb = {0};
  preamble(&rb);
  read_after_write(&rb, (uintptr_t)&counter, 2, 2, 1, 1);
  read_after_write(&rb, (uintptr_t)&counter, 2, 2, 1, 1);
  struct lh_model *m;
  struct lh_findings *f = findings_of(&rb, &m);
  cr_assert_eq(f->n, 1);
  cr_assert_eq(f->items[0].kind, LH_FINDING_DATA_RACE);
  cr_assert_eq(f->items[0].level, LH_LEVEL_ERROR);
  cr_assert_eq(f->items[0].incident, 0, "the first record is the one shown");
  cr_assert_eq(lh_findings_count(f, LH_LEVEL_ERROR), 1);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(race_findings, stacks_that_differ_only_below_their_sites_are_one_finding) {
  struct rb rb = {0};
  preamble(&rb);
  read_after_write(&rb, (uintptr_t)&counter, 2, 2, 1, 1);
  read_after_write(&rb, (uintptr_t)&counter, 2, 4, 1, 3);
  struct lh_model *m;
  struct lh_findings *f = findings_of(&rb, &m);
  cr_assert_eq(f->n, 1);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(race_findings, the_pair_of_sites_is_unordered) {
  struct rb rb = {0};
  preamble(&rb);
  /* T2 reads after T1 wrote, and T1 writes after T2 read: one race seen both ways */
  read_after_write(&rb, (uintptr_t)&counter, 2, 2, 1, 1);
  race_record(&rb, (uintptr_t)&counter,
              (struct race_access){1, (uintptr_t)&counter, 4, 1, 0, 1, "", NULL},
              (struct race_access){2, (uintptr_t)&counter, 4, 0, 0, 2, "", NULL}, "");
  struct lh_model *m;
  struct lh_findings *f = findings_of(&rb, &m);
  cr_assert_eq(f->n, 1);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(race_findings, the_read_and_write_halves_of_one_line_are_one_site) {
  struct rb rb = {0};
  preamble(&rb);
  /* counter++ against counter++: read(T2) vs write(T1), and write(T2) vs read(T1) */
  read_after_write(&rb, (uintptr_t)&counter, 2, 5, 1, 6);
  race_record(&rb, (uintptr_t)&counter,
              (struct race_access){2, (uintptr_t)&counter, 4, 1, 0, 6, "", NULL},
              (struct race_access){1, (uintptr_t)&counter, 4, 0, 0, 5, "", NULL}, "");
  struct lh_model *m;
  struct lh_findings *f = findings_of(&rb, &m);
  cr_assert_eq(f->n, 1, "two pcs of one source line are one site");
  lh_findings_free(f);
  lh_model_free(m);
}

Test(race_findings, races_at_other_sites_are_other_findings) {
  struct rb rb = {0};
  preamble(&rb);
  read_after_write(&rb, (uintptr_t)&counter, 2, 2, 1, 1);
  read_after_write(&rb, (uintptr_t)&counter, 2, 5, 1, 1);
  struct lh_model *m;
  struct lh_findings *f = findings_of(&rb, &m);
  cr_assert_eq(f->n, 2);
  cr_assert_str_neq(f->items[0].id, f->items[1].id);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(race_findings, the_same_sites_on_another_variable_are_the_same_finding) {
  struct rb rb = {0};
  preamble(&rb);
  read_after_write(&rb, (uintptr_t)&counter, 2, 2, 1, 1);
  read_after_write(&rb, (uintptr_t)&other, 2, 2, 1, 1);
  struct lh_model *m;
  struct lh_findings *f = findings_of(&rb, &m);
  cr_assert_eq(f->n, 1);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(race_findings, a_site_without_debug_info_is_keyed_by_its_pc) {
  struct rb rb = {0};
  preamble(&rb);
  read_after_write(&rb, (uintptr_t)&counter, 2, 7, 1, 1);
  struct lh_model *m;
  struct lh_findings *f = findings_of(&rb, &m);
  cr_assert_eq(f->n, 1);
  cr_assert(strstr(f->items[0].key, "?+10"), "the pc outside any module: %s", f->items[0].key);
  cr_assert(strstr(f->items[0].key, "test_race_findings.c:"), "the other site by file:line: %s",
            f->items[0].key);
  lh_findings_free(f);
  lh_model_free(m);
}

Test(race_findings, the_same_race_in_two_runs_has_one_finding_and_the_same_id) {
  struct rb runs[2] = {{0}, {0}};
  char id[2][17];
  for (int i = 0; i < 2; i++) {
    preamble(&runs[i]);
    if (i == 0)
      read_after_write(&runs[i], (uintptr_t)&counter, 2, 2, 1, 1);
    else
      read_after_write(&runs[i], (uintptr_t)&counter, 1, 4, 2, 3); /* other threads and callers */
    struct lh_model *m;
    struct lh_findings *f = findings_of(&runs[i], &m);
    cr_assert_eq(f->n, 1);
    memcpy(id[i], f->items[0].id, sizeof id[i]);
    lh_findings_free(f);
    lh_model_free(m);
  }
  cr_assert_str_eq(id[0], id[1]);
}

Test(race_findings, runs_merged_into_one_report_keep_one_finding_per_pair_of_sites) {
  struct rb runs[2] = {{0}, {0}};
  for (int i = 0; i < 2; i++) {
    preamble(&runs[i]);
    read_after_write(&runs[i], (uintptr_t)&counter, 2, 2 + 2 * i, 1, 1 + 2 * i);
    rb_end(&runs[i]);
  }
  struct lh_model *m = lh_model_new();
  char *diag = NULL;
  cr_assert_eq(rb_load_all(m, runs, 2, &diag), 0);
  lh_model_finish(m);
  struct lh_analysis_options o = {8};
  struct lh_analysis_stats stats;
  struct lh_findings *f = lh_analyse(m, &o, &stats);
  cr_assert_eq(m->nincidents, 2);
  cr_assert_eq(f->n, 1);
  lh_findings_free(f);
  lh_model_free(m);
  free(diag);
  free(runs[0].buf);
  free(runs[1].buf);
}

/* ---- suppressions ---- */

/* How many of the findings of a run (a race of writer/reader on counter) the rules hide. */
static size_t suppressed_by(const char *rules) {
  char path[] = "/tmp/lh-race-supp-XXXXXX";
  int fd = mkstemp(path);
  cr_assert_eq(write(fd, rules, strlen(rules)), (ssize_t)strlen(rules));
  close(fd);
  struct rb rb = {0};
  preamble(&rb);
  read_after_write(&rb, (uintptr_t)&counter, 2, 4, 1, 3);
  struct lh_model *m;
  struct lh_findings *f = findings_of(&rb, &m);
  struct lh_symbolizer *sym = lh_sym_new();
  char **names = lh_lock_names(sym, m), **objects = lh_object_names(sym, m);
  struct lh_lock_name_memo memo = {names};
  struct lh_report r = {m, f, NULL, &memo, sym, false, 66};
  struct lh_suppressions *s = lh_suppressions_new();
  char *diag = NULL;
  size_t len;
  FILE *d = open_memstream(&diag, &len);
  cr_assert_eq(lh_suppressions_load(s, path, d), 0);
  fclose(d);
  cr_assert_str_eq(diag, "");
  size_t hidden = lh_suppressions_apply(s, &r, f, objects);
  cr_assert_eq(f->n + hidden, 1);
  lh_suppressions_free(s);
  lh_lock_names_free(objects, m->nobjects);
  lh_lock_names_free(names, m->nlocks);
  lh_sym_free(sym);
  lh_findings_free(f);
  lh_model_free(m);
  free(diag);
  unlink(path);
  return hidden;
}

Test(race_suppressions, a_data_race_rule_naming_the_variable_hides_the_race) {
  cr_assert_eq(suppressed_by("data-race:counter\n"), 1);
  cr_assert_eq(suppressed_by("data-race:count*\n"), 1);
  cr_assert_eq(suppressed_by("data-race:other\n"), 0);
}

Test(race_suppressions, a_rule_naming_a_function_or_file_of_either_stack_hides_the_race) {
  cr_assert_eq(suppressed_by("data-race:reader\n"), 1);
  cr_assert_eq(suppressed_by("data-race:caller_b\n"), 1);
  cr_assert_eq(suppressed_by("data-race:test_race_findings.c\n"), 1);
  cr_assert_eq(suppressed_by("*:writer\n"), 1);
}

Test(race_suppressions, a_rule_of_another_kind_leaves_the_race) {
  cr_assert_eq(suppressed_by("deadlock:counter\n"), 0);
  cr_assert_eq(suppressed_by("lock-order-inversion:*\n"), 0);
}

Test(race_suppressions, threadsanitizer_race_rules_mean_data_race) {
  cr_assert_eq(suppressed_by("race:counter\n"), 1);
  cr_assert_eq(suppressed_by("race:caller_a\n"), 1);
}

Test(race_suppressions, threadsanitizer_race_top_only_looks_at_the_innermost_frames) {
  cr_assert_eq(suppressed_by("race_top:reader\n"), 1);
  cr_assert_eq(suppressed_by("race_top:writer\n"), 1);
  cr_assert_eq(suppressed_by("race_top:caller_a\n"), 0, "a caller is not the top frame");
  cr_assert_eq(suppressed_by("race_top:counter\n"), 0, "nor is the variable");
}
