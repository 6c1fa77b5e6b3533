/* test_python_names.c - Python programs in the analyzer: `pyframe` records, stacks that start with
 * Python frames, and the names of Python's locks and waits read from the program's source. */
#include <criterion/criterion.h>
#include <unistd.h>

#include "../fixtures/runs/run_text.h"
#include "symbols/frames.h"
#include "symbols/python_names.h"

/* The program's source, written to a scratch file whose lines the tests name. */
static const char *const source[] = {
    "import threading",                               /* 1 */
    "lock_a = threading.Lock()",                      /* 2 */
    "    self.lock = threading.Lock()",               /* 3 */
    "forks = [threading.Lock() for _ in range(5)]",   /* 4 */
    "cond = threading.Condition()",                   /* 5 */
    "        item = jobs.get()",                      /* 6 */
    "print(pool.submit(outer).result())",             /* 7 */
    "            if lock_b.acquire(blocking=False):", /* 8 */
    "    with lock_a:",                               /* 9 */
    "    got = lock_a.acquire(timeout=2)",            /* 10 */
    "make_locks(",                                    /* 11 */
    "accounts = [Account(0, 100), Account(1, 100)]",  /* 12 */
    "savings = Account(2, 0)",                        /* 13 */
};
static char prog[64];

static void write_source(void) {
  strcpy(prog, "/tmp/lh_python_names_XXXXXX.py");
  int fd = mkstemps(prog, 3);
  cr_assert(fd >= 0);
  FILE *f = fdopen(fd, "w");
  for (size_t i = 0; i < sizeof source / sizeof *source; i++) fprintf(f, "%s\n", source[i]);
  fclose(f);
}

static void remove_source(void) { unlink(prog); }

TestSuite(python_names, .init = write_source, .fini = remove_source);

static void pyframe(struct rb *rb, int id, const char *function, const char *file, int line) {
  rb_add(rb, "{'t':'pyframe','id':%d,'function':'%s','file':'%s','line':%d}", id, function, file,
         line);
}

/* A run whose stacks 16.. are Python stacks: stack 16 + k has the frames listed for it. */
struct loaded {
  struct lh_model *m;
  char *diag;
};

static struct loaded load(struct rb *rb) {
  struct loaded l = {.m = lh_model_new()};
  rb_end(rb);
  rb_load_all(l.m, rb, 1, &l.diag);
  lh_model_finish(l.m);
  free(rb->buf);
  return l;
}

static void unload(struct loaded *l) {
  lh_model_free(l->m);
  free(l->diag);
}

/* A Python lock (id 10 + k) made at stack 16 + k. */
static void python_lock(struct rb *rb, int k) {
  rb_add(rb,
         "{'t':'lock','id':%d,'kind':'python_lock','addr':'0x%x','gen':0,'how':'init',"
         "'stack':%d}",
         10 + k, 0xb000 + 0x40 * k, 16 + k);
}

static char *name_of(const struct lh_model *m, int lock_id_index) {
  char **names = lh_lock_names(NULL, m);
  char *n = strdup(names[lock_id_index]);
  lh_lock_names_free(names, m->nlocks);
  return n;
}

/* The model index of the lock whose file id is id. */
static size_t lock_index(const struct lh_model *m, int id) {
  for (size_t i = 0; i < m->nlocks; i++)
    if (m->locks[i].file_id == id) return i;
  cr_assert_fail("no lock %d", id);
  return 0;
}

static void expect_name(const char *frames_json, const char *expected) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 0);
  rb_raw(&rb, frames_json);
  python_lock(&rb, 0);
  struct loaded l = load(&rb);
  cr_assert_str_empty(l.diag);
  char *n = name_of(l.m, lock_index(l.m, 10));
  cr_assert_str_eq(n, expected);
  free(n);
  unload(&l);
}

static char *frames(int nframes, const char *const *functions, const char *const *files,
                    const int *lines) {
  struct rb rb = {0};
  char pcs[512] = "";
  for (int i = 0; i < nframes; i++) {
    pyframe(&rb, i, functions[i], files[i] ? files[i] : prog, lines[i]);
    char pc[40];
    snprintf(pc, sizeof pc, "%s'0xfff00000000000%02x'", i ? "," : "", i);
    strcat(pcs, pc);
  }
  rb_add(&rb, "{'t':'stack','id':16,'pcs':[%s,'0x1100']}", pcs);
  return rb.buf;
}

static void expect_named(int n, const char *const *functions, const char *const *files,
                         const int *lines, const char *expected) {
  char *json = frames(n, functions, files, lines);
  expect_name(json, expected);
  free(json);
}

#define LIB "/usr/lib/python3.11/threading.py"

Test(python_names, an_assignment_names_the_lock_by_its_target) {
  expect_named(1, (const char *[]){"<module>"}, (const char *[]){NULL}, (int[]){2}, "lock_a");
}

Test(python_names, self_in_a_method_reads_as_the_class) {
  expect_named(1, (const char *[]){"Account.__init__"}, (const char *[]){NULL}, (int[]){3},
               "Account.lock");
}

/* Locks 10, 11 made at stack 16: Account.__init__'s self.lock, called from the caller's line. */
static char **instance_names(int caller_line, struct lh_model **m) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 0);
  char *json = frames(2, (const char *[]){"Account.__init__", "<module>"},
                      (const char *[]){NULL, NULL}, (int[]){3, caller_line});
  rb_raw(&rb, json);
  free(json);
  for (int k = 0; k < 2; k++)
    rb_add(&rb,
           "{'t':'lock','id':%d,'kind':'python_lock','addr':'0x%x','gen':0,'how':'init',"
           "'stack':16,'made':%d}",
           11 - k, 0xb000 + 0x40 * k, 5 + k);
  rb_end(&rb);
  *m = lh_model_new();
  char *diag;
  rb_load_all(*m, &rb, 1, &diag);
  free(diag);
  free(rb.buf);
  lh_model_finish(*m);
  return lh_lock_names(NULL, *m);
}

Test(python_names, a_lock_of_each_instance_in_a_list_is_named_by_the_list_and_its_index) {
  struct lh_model *m;
  char **names = instance_names(12, &m);
  /* lock 11 was made first ('made' 5): accounts[0] */
  cr_assert_str_eq(names[lock_index(m, 11)], "accounts[0].lock");
  cr_assert_str_eq(names[lock_index(m, 10)], "accounts[1].lock");
  lh_lock_names_free(names, m->nlocks);
  lh_model_free(m);
}

Test(python_names, a_lock_of_an_instance_assigned_to_a_name_is_named_by_it) {
  struct lh_model *m;
  char **names = instance_names(13, &m);
  cr_assert_str_eq(names[lock_index(m, 11)], "savings.lock #1");
  lh_lock_names_free(names, m->nlocks);
  lh_model_free(m);
}

Test(python_names, a_lock_made_by_the_library_is_named_by_the_users_line) {
  expect_named(2, (const char *[]){"Condition.__init__", "<module>"}, (const char *[]){LIB, NULL},
               (int[]){236, 5}, "cond");
}

Test(python_names, a_waiter_is_named_by_the_call_that_waits) {
  expect_named(3, (const char *[]){"Condition.wait", "Queue.get", "consumer"},
               (const char *[]){LIB, "/usr/lib/python3.11/queue.py", NULL}, (int[]){313, 171, 6},
               "jobs.get()");
}

Test(python_names, a_chained_call_keeps_the_expression_it_is_called_on) {
  expect_named(3, (const char *[]){"Condition.wait", "Future.result", "<module>"},
               (const char *[]){LIB, "/usr/lib/python3.11/concurrent/futures/_base.py", NULL},
               (int[]){313, 451, 7}, "pool.submit(outer).result()");
}

Test(python_names, a_line_that_cannot_be_read_gives_where_the_lock_was_made) {
  expect_named(1, (const char *[]){"<module>"}, (const char *[]){"/nonexistent/gone.py"},
               (int[]){7}, "lock created at gone.py:7");
}

Test(python_names, a_statement_over_several_lines_gives_where_the_lock_was_made) {
  const char *file = strrchr(prog, '/') + 1;
  char expected[128];
  snprintf(expected, sizeof expected, "lock created at %s:11", file);
  expect_named(1, (const char *[]){"<module>"}, (const char *[]){NULL}, (int[]){11}, expected);
}

Test(python_names, locks_of_a_list_are_numbered_as_its_items) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 0);
  char *json = frames(1, (const char *[]){"<module>"}, (const char *[]){NULL}, (int[]){4});
  rb_raw(&rb, json);
  free(json);
  for (int k = 0; k < 3; k++)
    rb_add(&rb,
           "{'t':'lock','id':%d,'kind':'python_lock','addr':'0x%x','gen':0,'how':'init',"
           "'stack':16}",
           10 + k, 0xb000 + 0x40 * k);
  struct loaded l = load(&rb);
  char **names = lh_lock_names(NULL, l.m);
  for (int k = 0; k < 3; k++) {
    char expected[16];
    snprintf(expected, sizeof expected, "forks[%d]", k);
    cr_assert_str_eq(names[lock_index(l.m, 10 + k)], expected);
  }
  lh_lock_names_free(names, l.m->nlocks);
  unload(&l);
}

Test(python_names, stacks_show_only_python_frames_unless_verbose) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 0);
  char *json = frames(2, (const char *[]){"one", "Thread.run"}, (const char *[]){NULL, LIB},
                      (int[]){9, 975});
  rb_raw(&rb, json);
  free(json);
  struct loaded l = load(&rb);
  int32_t stack = -1;
  for (size_t s = 0; s < l.m->nstacks; s++)
    if (lh_model_stack_is_python(l.m, (int32_t)s)) stack = (int32_t)s;
  struct lh_shown_frame f[8];
  size_t n = lh_frames_of_stack(NULL, l.m, stack, f, 8);
  cr_assert_eq(n, 2);
  cr_assert_str_eq(f[0].function, "one");
  cr_assert_eq(f[0].line, 9);
  cr_assert(f[0].python);
  lh_frames_show_interpreter(true);
  n = lh_frames_of_stack(NULL, l.m, stack, f, 8);
  lh_frames_show_interpreter(false);
  cr_assert_eq(n, 3, "the interpreter's C frame follows with -v");
  cr_assert_not(f[2].python);
  unload(&l);
}

/* A tuple of lock 10 (held: lock 11) whose acquisition's Python line is `line`. */
static struct loaded tuple_at(int line) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 0);
  char *json = frames(1, (const char *[]){"worker"}, (const char *[]){NULL}, (int[]){line});
  rb_raw(&rb, json);
  free(json);
  python_lock(&rb, 0);
  rb_add(&rb, "{'t':'lock','id':11,'kind':'python_lock','addr':'0xc000','gen':0,'how':'init',"
              "'stack':16}");
  rb_add(&rb,
         "{'t':'acq','thread':1,'seg':0,'lock':10,'mode':'w','stack':16,'held':[[11,'w',16]]}");
  struct loaded l = load(&rb);
  lh_python_mark_acquisitions(NULL, l.m);
  return l;
}

Test(python_names, an_acquire_with_blocking_false_is_a_try) {
  struct loaded l = tuple_at(8);
  cr_assert(l.m->tuples[0].is_try);
  unload(&l);
}

Test(python_names, a_with_statement_is_a_blocking_acquisition) {
  struct loaded l = tuple_at(9);
  cr_assert_not(l.m->tuples[0].is_try);
  cr_assert_not(l.m->tuples[0].timed);
  unload(&l);
}

Test(python_names, an_acquire_with_a_timeout_is_timed) {
  struct loaded l = tuple_at(10);
  cr_assert_not(l.m->tuples[0].is_try);
  cr_assert(l.m->tuples[0].timed);
  unload(&l);
}

Test(python_names, a_pyframe_record_without_a_function_is_skipped_with_a_message) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 0);
  rb_add(&rb, "{'t':'pyframe','id':0,'file':'a.py','line':3}");
  struct loaded l = load(&rb);
  cr_assert(strstr(l.diag, "field 'function' is missing"), "%s", l.diag);
  unload(&l);
}

Test(python_names, a_stack_naming_an_unknown_python_frame_is_skipped_with_a_message) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 0);
  rb_add(&rb, "{'t':'stack','id':16,'pcs':['0xfff0000000000007']}");
  struct loaded l = load(&rb);
  cr_assert(strstr(l.diag, "Python frame 7 has no pyframe record before it"), "%s", l.diag);
  unload(&l);
}

Test(python_names, python_frames_merge_by_content_across_files) {
  struct lh_model *m = lh_model_new();
  uint32_t a = lh_model_pyframe(m, "f", "a.py", 3);
  uint32_t b = lh_model_pyframe(m, "f", "a.py", 3);
  uint32_t c = lh_model_pyframe(m, "f", "a.py", 4);
  cr_assert_eq(a, b);
  cr_assert_neq(a, c);
  lh_model_free(m);
}
