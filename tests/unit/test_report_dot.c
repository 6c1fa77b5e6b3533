/* test_report_dot.c - the lock-order graph as DOT (report_dot.c): what `lockhound graph` draws. */
#include <criterion/criterion.h>

#include "../cli/cli_support.h"
#include "../fixtures/runs/run_text.h"
#include "report/report_dot.h"
#include "symbols/lock_names.h"

/* The DOT of a finished model; names, when given, replace the lock names. */
static char *dot_of_model(struct lh_model *m, char **names) {
  struct rb_report made;
  rb_report_make(&made, m, false);
  if (names) made.r.lock_names = names;
  struct lh_report r = made.r;
  char *text = NULL;
  size_t len;
  FILE *out = open_memstream(&text, &len);
  lh_report_dot(out, &r);
  fclose(out);
  rb_report_free(&made);
  return text;
}

static char *dot_of(struct rb *rb) {
  struct lh_model *m = rb_model(rb, NULL);
  free(rb->buf);
  rb->buf = NULL;
  return dot_of_model(m, NULL);
}

/* The DOT of a fixture; *names_out, when given, gets a copy of the lock names (they depend on
 * this machine's C library, whose code the fixture's stacks point into). */
static char *dot_of_fixture(const char *name, char ***names_out) {
  struct lh_model *m = lh_model_new();
  FILE *diag = fopen("/dev/null", "w");
  cr_assert_eq(lh_load_run_file(m, cli_fixture(name), diag), 0);
  fclose(diag);
  lh_model_finish(m);
  if (names_out) {
    struct lh_symbolizer *sym = lh_sym_new();
    *names_out = lh_lock_names(sym, m);
    lh_sym_free(sym);
  }
  return dot_of_model(m, NULL);
}

/* The line of text that contains needle (a copy), or NULL. */
static char *line_with(const char *text, const char *needle) {
  const char *p = strstr(text, needle);
  if (!p) return NULL;
  const char *start = p, *end = strchr(p, '\n');
  while (start > text && start[-1] != '\n') start--;
  return strndup(start, end ? (size_t)(end - start) : strlen(start));
}

static size_t occurrences(const char *text, const char *needle) {
  size_t n = 0;
  for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle)) n++;
  return n;
}

Test(report_dot, the_ab_ba_fixture_draws_both_locks_and_both_orders_in_red) {
  char **names;
  char *d = dot_of_fixture("ab_ba.lhrun", &names);
  cr_assert(strncmp(d, "digraph lockhound {\n", 20) == 0, "%s", d);
  cr_assert(strstr(d, "lock-order graph of ab_ba (2 locks, 2 orders)"), "%s", d);
  for (int l = 0; l < 2; l++) {
    char node[512];
    snprintf(node, sizeof node,
             " [label=\"%s\", color=red, fontcolor=red, penwidth=2.5, "
             "style=\"rounded,bold\"];\n",
             names[l]);
    cr_assert(strstr(d, node), "lock %d: %s", l, d);
  }
  char *t1 = line_with(d, "[label=\"T1 at 0x1237 (ab_ba)\""),
       *t2 = line_with(d, "[label=\"T2 at 0x11ea (ab_ba)\"");
  cr_assert(t1 && strstr(t1, "color=red") && strstr(t1, "style=bold"), "%s", d);
  cr_assert(t2 && strstr(t2, "color=red") && strstr(t2, "style=bold"), "%s", d);
  cr_assert_eq(occurrences(d, " -> n"), 2, "%s", d);
  cr_assert(strcmp(d + strlen(d) - 2, "}\n") == 0, "%s", d);
  lh_lock_names_free(names, 2);
  free(t1);
  free(t2);
  free(d);
}

Test(report_dot, locks_held_around_both_orders_leave_every_edge_grey) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 3); /* lock 0 is the gate */
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(
      &rb,
      "{'t':'acq','thread':1,'seg':0,'lock':2,'mode':'w','stack':4,'held':[[0,'w',2],[1,'w',3]]}");
  rb_add(&rb, "{'t':'acq','thread':2,'seg':0,'lock':2,'mode':'w','stack':6,'held':[[0,'w',5]]}");
  rb_add(
      &rb,
      "{'t':'acq','thread':2,'seg':0,'lock':1,'mode':'w','stack':7,'held':[[0,'w',5],[2,'w',6]]}");
  char *d = dot_of(&rb);
  cr_assert(strstr(d, "(3 locks, 4 orders)"), "%s", d);
  cr_assert_eq(occurrences(d, " -> n"), 4, "%s", d);
  cr_assert_eq(occurrences(d, "color=red"), 0, "%s", d);
  cr_assert_eq(occurrences(d, "color=grey45"), 4, "%s", d);
  free(d);
}

Test(report_dot, the_same_run_draws_the_same_bytes) {
  char *a = dot_of_fixture("ab_ba.lhrun", NULL), *b = dot_of_fixture("ab_ba.lhrun", NULL);
  cr_assert_str_eq(a, b);
  free(a);
  free(b);
}

static void half_run(struct rb *rb, int pid, int first, int second) {
  rb_run(rb, pid, "/bin/prog", "");
  rb_standard_body(rb, 1, 2);
  rb_add(rb, "{'t':'acq','thread':1,'seg':0,'lock':%d,'mode':'w','stack':3,'held':[[%d,'w',2]]}",
         second, first);
}

static char *dot_of_files(struct rb *files, size_t n) {
  struct lh_model *m = lh_model_new();
  char *diag = NULL;
  cr_assert_eq(rb_load_all(m, files, n, &diag), 0, "%s", diag);
  free(diag);
  lh_model_finish(m);
  return dot_of_model(m, NULL);
}

Test(report_dot, run_files_given_in_another_order_draw_the_same_bytes) {
  struct rb runs[2] = {{0}, {0}};
  half_run(&runs[0], 100, 0, 1);
  half_run(&runs[1], 200, 1, 0);
  char *forward = dot_of_files(runs, 2);
  struct rb swapped[2] = {runs[1], runs[0]};
  char *backward = dot_of_files(swapped, 2);
  cr_assert(strstr(forward, "label=\"T1@100 at "), "%s", forward);
  cr_assert(strstr(forward, "label=\"T1@200 at "), "%s", forward);
  cr_assert_str_eq(forward, backward);
  free(forward);
  free(backward);
  free(runs[0].buf);
  free(runs[1].buf);
}

Test(report_dot, a_run_without_nested_locks_is_a_graph_with_a_note) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 2);
  char *d = dot_of(&rb);
  cr_assert(strstr(d, "(0 locks, 0 orders)"), "%s", d);
  cr_assert(strstr(d, "  note [shape=note, label=\"no lock was taken while another was held:\\n"
                      "there is no lock order to draw\"];\n"),
            "%s", d);
  cr_assert_eq(occurrences(d, "->"), 1, "only the legend's arrow: %s", d);
  free(d);
}

Test(report_dot, quotes_backslashes_and_control_characters_in_names_are_escaped) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 2);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  struct lh_model *m = rb_model(&rb, NULL);
  free(rb.buf);
  char a[] = "a\"b\\N", b[] = "c\td\xff";
  char *names[] = {a, b};
  char *d = dot_of_model(m, names);
  cr_assert(strstr(d, "[label=\"a\\\"b\\\\N\"]"), "%s", d);
  cr_assert(strstr(d, "[label=\"c?d?\"]"), "%s", d);
  free(d);
}

Test(report_dot, a_deadlock_that_happened_draws_its_waits_as_dashed_red_edges) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "deadlock", 1);
  char *d = dot_of(&rb);
  char *wait1 = line_with(d, "n0 -> n1"), *wait2 = line_with(d, "n1 -> n0");
  cr_assert(wait1 && strstr(wait1, "label=\"T1 waits at ") &&
                strstr(wait1, "style=\"bold,dashed\""),
            "%s", d);
  cr_assert(wait2 && strstr(wait2, "label=\"T2 waits at ") && strstr(wait2, "color=red"), "%s", d);
  cr_assert(strstr(d, "dashed: a thread waited for B while holding A in a deadlock that happened"),
            "%s", d);
  free(wait1);
  free(wait2);
  free(d);
}

Test(report_dot, many_threads_on_one_edge_are_capped_with_a_count) {
  struct rb rb = {0};
  rb_standard(&rb, 6, 2);
  for (int t = 1; t <= 6; t++)
    rb_add(&rb, "{'t':'acq','thread':%d,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}",
           t);
  char *d = dot_of(&rb);
  char *edge = line_with(d, "n0 -> n1");
  cr_assert(edge && strstr(edge, "label=\"T1, T2, T3, T4 +2 more at "), "%s", d);
  free(edge);
  free(d);
}

Test(report_dot, threads_at_different_sites_get_one_line_per_site) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':1,'mode':'w','stack':3,'held':[[0,'w',2]]}");
  rb_add(&rb, "{'t':'acq','thread':2,'seg':0,'lock':1,'mode':'w','stack':9,'held':[[0,'w',2]]}");
  char *d = dot_of(&rb);
  char *edge = line_with(d, "n0 -> n1");
  cr_assert(edge && strstr(edge, "T1 at ") && strstr(edge, "\\nT2 at "), "%s", d);
  free(edge);
  free(d);
}

/* A chain of 250 locks (0 -> 1 -> ... -> 249), a two-lock cycle 250 <-> 251, and 5 -> 250. */
static void big_graph(struct rb *rb) {
  rb_standard(rb, 2, 0);
  for (int l = 0; l < 252; l++)
    rb_add(rb,
           "{'t':'lock','id':%d,'kind':'mutex','addr':'0x%x','gen':0,'how':'static','stack':%d,"
           "'type':'normal'}",
           l, 0x10000 + 0x40 * l, l % 16);
  for (int l = 0; l < 249; l++)
    rb_add(rb, "{'t':'acq','thread':1,'seg':0,'lock':%d,'mode':'w','stack':3,'held':[[%d,'w',2]]}",
           l + 1, l);
  rb_add(rb, "{'t':'acq','thread':1,'seg':0,'lock':251,'mode':'w','stack':3,'held':[[250,'w',2]]}");
  rb_add(rb, "{'t':'acq','thread':2,'seg':0,'lock':250,'mode':'w','stack':5,'held':[[251,'w',4]]}");
  rb_add(rb, "{'t':'acq','thread':1,'seg':0,'lock':250,'mode':'w','stack':3,'held':[[5,'w',2]]}");
}

Test(report_dot, above_200_locks_only_cycles_and_their_neighbours_are_drawn) {
  struct rb rb = {0};
  big_graph(&rb);
  char *d = dot_of(&rb);
  cr_assert(strstr(d, "(3 locks, 3 orders)"), "%s", d);
  cr_assert(strstr(d, "\\n249 more locks not drawn: above 200 locks only those on cycles and their "
                      "neighbours are drawn"),
            "%s", d);
  cr_assert_eq(occurrences(d, "[label=\"mutex "), 3, "%s", d);
  cr_assert_eq(occurrences(d, "style=bold]"), 2, "the cycle is red: %s", d);
  free(d);
}
