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
  struct lh_lock_name_memo given = {names};
  if (names) made.r.lock_names = &given;
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
  cr_assert(strstr(d, "lock-order graph of ab_ba (locks: 2, orders: 2)"), "%s", d);
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
  cr_assert(strstr(d, "\\nred, bold: part of a reported potential deadlock"), "%s", d);
  cr_assert_null(strstr(d, "grey"), "nothing is grey, so the legend says nothing of grey: %s", d);
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
  cr_assert(strstr(d, "(locks: 3, orders: 4)"), "%s", d);
  cr_assert_eq(occurrences(d, " -> n"), 4, "%s", d);
  cr_assert_eq(occurrences(d, "color=red"), 0, "%s", d);
  cr_assert_eq(occurrences(d, "color=grey45"), 4, "%s", d);
  cr_assert(strstr(d, "\\ngrey: an order that cannot deadlock"), "the legend says what grey is: %s",
            d);
  cr_assert_null(strstr(d, "red, bold"), "nothing is red, so the legend says nothing of red: %s",
                 d);
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
  cr_assert(strstr(d, "(locks: 0, orders: 0)"), "%s", d);
  cr_assert(strstr(d, "  note [shape=note, label=\"no lock was taken while another was held:\\n"
                      "there is no lock order to draw\"];\n"),
            "%s", d);
  cr_assert_eq(occurrences(d, "->"), 0, "nothing drawn, so no legend of arrows: %s", d);
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
  cr_assert(strstr(d, "(locks: 3, orders: 3)"), "%s", d);
  cr_assert(strstr(d, "\\n249 more locks not drawn: above 200 locks only those on cycles and their "
                      "neighbours are drawn"),
            "%s", d);
  cr_assert_eq(occurrences(d, "[label=\"mutex "), 3, "%s", d);
  cr_assert_eq(occurrences(d, "style=bold]"), 2, "the cycle is red: %s", d);
  free(d);
}

/* ---- the findings that are no lock order: each drawn as a cluster of its own ---- */

Test(report_dot, a_self_deadlock_draws_its_thread_its_lock_holds_and_requests_again) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 1);
  rb_add(&rb, "{'t':'finding','kind':'self-deadlock','ns':5,'action':'exit','lock':0,'threads':["
              "{'thread':1,'waits':{'call':'pthread_mutex_lock','on':'lock','lock':0,'mode':'w',"
              "'stack':3,'since_ns':1,'timed':false},'holds':[[0,'w',2]]}]}");
  char *d = dot_of(&rb);
  cr_assert(strstr(d, "  subgraph cluster_f0 {\n  label=\"self-deadlock: a thread takes a lock it "
                      "already holds [id "),
            "%s", d);
  cr_assert(strstr(d, "  f0t0 [shape=ellipse, label=\"T1\"];\n"), "%s", d);
  cr_assert(strstr(d, "  f0l0 [shape=box, style=rounded, label=\"mutex "), "%s", d);
  char *holds = line_with(d, "f0t0 -> f0l0 [label=\"holds it, taken at\\n0x120 (prog)\"");
  char *again = line_with(d, "f0t0 -> f0l0 [label=\"requests it again at\\n0x130 (prog)\"");
  cr_assert(holds && strstr(holds, "color=black"), "%s", d);
  cr_assert(again && strstr(again, "color=red") && strstr(again, "dashed"), "%s", d);
  cr_assert_null(strstr(d, "  note [shape=note"), "something is drawn: %s", d);
  cr_assert(strstr(d, "\\nellipse: a thread\\nbox: a lock\\nsolid black arrow from a thread: it "
                      "holds that lock\\ndashed red arrow to a lock the thread holds: it requests "
                      "it again and waits for itself\""),
            "the legend explains exactly what is drawn: %s", d);
  free(holds);
  free(again);
  free(d);
}

Test(report_dot, a_livelock_draws_each_threads_failing_tries_and_the_holder_of_each_lock) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_add(&rb, "{'t':'finding','kind':'livelock','ns':5,'action':'exit','threads':["
              "{'thread':1,'holds':[],'stack':9,'tries':{'lock':1,'failures':900,'since_ns':1,"
              "'holder':2}},"
              "{'thread':2,'holds':[],'stack':10,'tries':{'lock':0,'failures':800,'since_ns':1,"
              "'holder':1}}]}");
  char *d = dot_of(&rb);
  cr_assert(strstr(d, "  f0t0 [shape=ellipse, label=\"T1\"];\n"), "%s", d);
  cr_assert(strstr(d, "  f0t1 [shape=ellipse, label=\"T2\"];\n"), "%s", d);
  char *t1_tries = line_with(d, "f0t0 -> f0l0 [label=\"900 failed trylocks at\\n0x190 (prog)\"");
  char *t2_holds = line_with(d, "f0t1 -> f0l0 [label=\"holds it (at the last failed try)\"");
  char *t2_tries = line_with(d, "f0t1 -> f0l1 [label=\"800 failed trylocks at\\n0x1a0 (prog)\"");
  char *t1_holds = line_with(d, "f0t0 -> f0l1 [label=\"holds it (at the last failed try)\"");
  cr_assert(t1_tries && strstr(t1_tries, "style=dotted"), "%s", d);
  cr_assert(t2_tries && t1_holds && t2_holds, "%s", d);
  cr_assert(strstr(d, "\\ndotted orange arrow: the thread keeps failing trylocks on that lock"),
            "%s", d);
  cr_assert_null(strstr(d, "dashed"), "nobody waits: %s", d);
  free(t1_tries);
  free(t2_holds);
  free(t2_tries);
  free(t1_holds);
  free(d);
}

Test(report_dot, a_stall_draws_every_wait_for_a_thread_or_an_object) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 0);
  rb_objects(&rb);
  rb_add(&rb, "{'t':'finding','kind':'stall','ns':5,'action':'exit','threads':["
              "{'thread':0,'waits':{'call':'pthread_join','on':'join','joins':1,'stack':4,"
              "'since_ns':1,'timed':false}},"
              "{'thread':1,'waits':{'call':'sem_wait','on':'sem','object':0,'stack':5,"
              "'since_ns':1,'timed':false}}],'objects':[{'object':0,'value':0}]}");
  char *d = dot_of(&rb);
  char *join = line_with(d, "f0t0 -> f0t1 [label=\"waits in pthread_join at\\n0x140 (prog)\"");
  char *sem = line_with(d, "f0t1 -> f0o0 [label=\"waits in sem_wait at\\n0x150 (prog)\"");
  cr_assert(join && strstr(join, "dashed"), "%s", d);
  cr_assert(sem && strstr(sem, "dashed"), "%s", d);
  cr_assert(strstr(d, "  f0o0 [shape=hexagon, label=\""), "%s", d);
  cr_assert(strstr(d, "\\nvalue 0\"];"), "the semaphore's value is drawn: %s", d);
  cr_assert(strstr(d, "\\nhexagon: a semaphore, condition variable or barrier"), "%s", d);
  free(join);
  free(sem);
  free(d);
}

Test(report_dot, a_deadlock_of_locks_gets_no_cluster_as_the_lock_graph_draws_it) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "deadlock", 1);
  char *d = dot_of(&rb);
  cr_assert_null(strstr(d, "subgraph"), "%s", d);
  free(d);
}
