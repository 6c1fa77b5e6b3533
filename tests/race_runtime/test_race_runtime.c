/* test_race_runtime.c - the race runtime's `__tsan_*` entry points, atomics and memory wrappers
 * (docs/race-runtime.md), through programs built by gcc and clang (CMakeLists.txt here) and run
 * as children with LOCKHOUND_SUPERVISED=1 and a private LOCKHOUND_RUN_DIR:
 * - compute: each compute program prints the same bytes in every build, instrumented or not,
 *   exits 0, and its instrumented runs report no data race;
 * - coverage: nm shows that compiled code calls every entry point and memory wrapper;
 * - engage: one test per scenario of engage_scenarios.def, on race_engage built by each
 *   compiler: the run file holds a data-race finding at the printed address whose earlier access
 *   is of the expected kind and has a stack from the shadow call stack, or no data race at all
 *   when the scenario orders the threads. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "child_process.h"
#include "common/run_file_format.h"

static char *work_dir; /* scratch: capture files and run directories */
static int run_count;  /* numbers the run directories of one test */

static void make_work_dir(void) {
  work_dir = lh_make_temp_dir("race-runtime");
  cr_assert_not_null(work_dir, "cannot make a scratch directory");
  run_count = 0;
}

static void remove_work_dir(void) {
  lh_remove_tree(work_dir);
  free(work_dir);
  work_dir = NULL;
}

/* ---- running a program and reading its run files ---- */

struct run {
  struct lh_child_result res;
  json_t *records; /* every record of every run file it left */
};

static void load_run_file(const char *path, json_t *records) {
  size_t len;
  char *text = lh_read_file(path, &len);
  cr_assert_not_null(text, "cannot read %s", path);
  for (char *line = text, *nl; line < text + len; line = nl + 1) {
    nl = memchr(line, '\n', (size_t)(text + len - line));
    cr_assert_not_null(nl, "%s ends in an incomplete line", path);
    json_t *r = json_loadb(line, (size_t)(nl - line), 0, NULL);
    cr_assert_not_null(r, "%s: not JSON: %.*s", path, (int)(nl - line), line);
    json_array_append_new(records, r);
  }
  free(text);
}

static json_t *load_run_dir(const char *dir) {
  json_t *records = json_array();
  DIR *d = opendir(dir);
  for (struct dirent *e; d && (e = readdir(d));) {
    size_t n = strlen(e->d_name), s = strlen(LH_RUN_FILE_SUFFIX);
    if (n < s || strcmp(e->d_name + n - s, LH_RUN_FILE_SUFFIX) != 0) continue;
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    load_run_file(path, records);
  }
  if (d) closedir(d);
  return records;
}

/* Runs build/tests/race_runtime/<program> [arg], preloaded with liblockhound or not. */
static void run_program(const char *program, const char *arg, bool preload, struct run *run) {
  char path[4096], run_dir[4096], run_dir_env[4200];
  snprintf(path, sizeof path, "%s/%s", LH_RACE_PROGRAM_DIR, program);
  snprintf(run_dir, sizeof run_dir, "%s/run%d", work_dir, run_count++);
  snprintf(run_dir_env, sizeof run_dir_env, LH_ENV_RUN_DIR "=%s", run_dir);
  const char *argv[] = {path, arg, NULL};
  const char *env[] = {run_dir_env, LH_ENV_SUPERVISED "=1",
                       preload ? "LD_PRELOAD=" LH_LIB_DIR "/liblockhound.so" : NULL, NULL};
  struct lh_child_spec spec = {.argv = argv, .env_set = env, .work_dir = work_dir};
  cr_assert_eq(lh_run_child_limited(&spec, 60, &run->res), 0, "cannot run %s", path);
  cr_assert(!run->res.timed_out, "%s %s did not end within 60 s", program, arg ? arg : "");
  run->records = load_run_dir(run_dir);
}

static void run_free(struct run *run) {
  lh_child_result_free(&run->res);
  json_decref(run->records);
}

/* A string field, "" when absent. */
static const char *field(const json_t *r, const char *key) {
  const char *s = json_string_value(json_object_get(r, key));
  return s ? s : "";
}

static bool is_race(const json_t *r) {
  return strcmp(field(r, "t"), "finding") == 0 && strcmp(field(r, "kind"), "data-race") == 0;
}

/* The data-race findings as text, for failure messages (the caller frees). */
static char *races_text(const json_t *records) {
  json_t *races = json_array();
  size_t i;
  json_t *r;
  json_array_foreach(records, i, r) {
    if (is_race(r)) json_array_append(races, r);
  }
  char *text = json_dumps(races, JSON_COMPACT);
  json_decref(races);
  return text;
}

static size_t count_races(const json_t *records) {
  size_t i, n = 0;
  json_t *r;
  json_array_foreach(records, i, r) n += is_race(r);
  return n;
}

/* ---- compute: the same output in every build ---- */

/* The first line where two outputs differ, for the failure message. */
static void first_difference(const char *a, const char *b, char *out, size_t size) {
  size_t line = 1, i = 0;
  while (a[i] && a[i] == b[i]) {
    line += a[i] == '\n';
    i++;
  }
  const char *la = a + i, *lb = b + i;
  while (la > a && la[-1] != '\n') la--;
  while (lb > b && lb[-1] != '\n') lb--;
  snprintf(out, size, "line %zu: expected \"%.*s\", got \"%.*s\"", line, (int)strcspn(la, "\n"), la,
           (int)strcspn(lb, "\n"), lb);
}

static void check_build(const char *program, const char *reference, size_t reference_len,
                        const char *variant, bool preload) {
  char name[256];
  snprintf(name, sizeof name, "%s-%s", program, variant);
  struct run run;
  run_program(name, NULL, preload, &run);
  cr_assert_eq(run.res.exit_code, 0, "%s%s exited with %d; stderr:\n%s", name,
               preload ? " (preloaded)" : "", run.res.exit_code, run.res.err);
  char diff[512] = "";
  if (run.res.out_len != reference_len || memcmp(run.res.out, reference, reference_len) != 0)
    first_difference(reference, run.res.out, diff, sizeof diff);
  cr_expect(diff[0] == 0, "%s%s does not print what the plain build prints: %s", name,
            preload ? " (preloaded)" : "", diff);
  char *races = races_text(run.records);
  cr_expect_eq(count_races(run.records), 0, "%s reported data races: %s", name, races);
  free(races);
  run_free(&run);
}

static const char *const compilers[] = {
#if LH_RACE_HAVE_GCC
    "gcc",
#endif
#if LH_RACE_HAVE_CLANG
    "clang",
#endif
};
#define NCOMPILERS (sizeof compilers / sizeof compilers[0])

/* Every build of program (plain, and each extra variant, by each compiler) prints what the first
 * compiler's plain build prints; with preload, the plain builds also run preloaded. */
static void check_same_output(const char *program, const char *const *variants, bool preload) {
  char reference_name[256];
  snprintf(reference_name, sizeof reference_name, "%s-%s-plain", program, compilers[0]);
  struct run ref;
  run_program(reference_name, NULL, false, &ref);
  cr_assert_eq(ref.res.exit_code, 0, "%s exited with %d", reference_name, ref.res.exit_code);
  cr_assert_gt(ref.res.out_len, 0, "%s printed nothing", reference_name);
  for (size_t c = 0; c < NCOMPILERS; c++) {
    char variant[64];
    snprintf(variant, sizeof variant, "%s-plain", compilers[c]);
    check_build(program, ref.res.out, ref.res.out_len, variant, false);
    if (preload) check_build(program, ref.res.out, ref.res.out_len, variant, true);
    for (const char *const *v = variants; *v; v++) {
      snprintf(variant, sizeof variant, "%s-%s", compilers[c], *v);
      check_build(program, ref.res.out, ref.res.out_len, variant, false);
    }
  }
  run_free(&ref);
}

TestSuite(compute, .init = make_work_dir, .fini = remove_work_dir, .timeout = 120);

Test(compute, atomics_compute_the_same_in_every_build) {
  const char *const variants[] = {"tsan", NULL};
  check_same_output("atomics_compute", variants, false);
}

Test(compute, memory_functions_compute_the_same_in_every_build) {
  const char *const variants[] = {"tsan", NULL};
  check_same_output("memory_compute", variants, true);
}

Test(compute, accesses_compute_the_same_in_every_build) {
  const char *const variants[] = {"tsan", "volatile", NULL};
  check_same_output("accesses_compute", variants, false);
}

/* ---- coverage: nm ---- */

#define MAX_NAMES 1024

struct names {
  char *name[MAX_NAMES];
  size_t n;
};

static bool has_name(const struct names *s, const char *name) {
  for (size_t i = 0; i < s->n; i++)
    if (strcmp(s->name[i], name) == 0) return true;
  return false;
}

static void add_name(struct names *s, const char *name, size_t len) {
  char *copy = strndup(name, len);
  if (has_name(s, copy)) {
    free(copy);
    return;
  }
  cr_assert_lt(s->n, MAX_NAMES);
  s->name[s->n++] = copy;
}

static void free_names(struct names *s) {
  for (size_t i = 0; i < s->n; i++) free(s->name[i]);
  s->n = 0;
}

/* Adds the symbols nm lists with `option` in `file` whose type letter is `type`. */
static void nm_symbols(const char *option, const char *file, char type, struct names *out) {
  const char *argv[] = {LH_NM, option, file, NULL};
  struct lh_child_spec spec = {.argv = argv, .work_dir = work_dir};
  struct lh_child_result res;
  cr_assert_eq(lh_run_child(&spec, &res), 0, "cannot run nm");
  cr_assert_eq(res.exit_code, 0, "nm %s %s failed: %s", option, file, res.err);
  for (char *line = res.out; *line;) {
    size_t len = strcspn(line, "\n");
    /* "<address or spaces> <type> <name>" */
    char *name = memrchr(line, ' ', len);
    if (name && name - line >= 2 && name[-1] == type && name[-2] == ' ')
      add_name(out, name + 1, len - (size_t)(name + 1 - line));
    line += len + (line[len] == '\n');
  }
  lh_child_result_free(&res);
}

static void undefined_in_objects(const char *const *programs, const char *const *variants,
                                 struct names *out) {
  for (size_t c = 0; c < NCOMPILERS; c++)
    for (const char *const *p = programs; *p; p++)
      for (const char *const *v = variants; *v; v++) {
        char obj[4096];
        snprintf(obj, sizeof obj, "%s/%s-%s-%s.o", LH_RACE_PROGRAM_DIR, *p, compilers[c], *v);
        if (strcmp(*v, "volatile") == 0 && strcmp(*p, "accesses_compute") != 0) continue;
        nm_symbols("-u", obj, 'U', out);
      }
}

TestSuite(coverage, .init = make_work_dir, .fini = remove_work_dir, .timeout = 60);

/* Only clang 16 and later emit these; race_engage calls them by name. */
static const char *const emitted_by_newer_compilers[] = {"__tsan_memcpy", "__tsan_memmove",
                                                         "__tsan_memset", NULL};

static bool is_newer_only(const char *name) {
  for (const char *const *n = emitted_by_newer_compilers; *n; n++)
    if (strcmp(*n, name) == 0) return true;
  return false;
}

Test(coverage, every_tsan_entry_point_is_called_by_compiled_code) {
  if (!LH_RACE_HAVE_GCC || !LH_RACE_HAVE_CLANG)
    cr_skip_test("needs both gcc and clang: each emits entry points the other does not");
  struct names exported = {0}, called = {0};
  nm_symbols("-D", LH_LIB_DIR "/liblockhound.so", 'T', &exported);
  const char *const programs[] = {"atomics_compute", "memory_compute", "accesses_compute",
                                  "cxx_compute", NULL};
  const char *const variants[] = {"tsan", "volatile", NULL};
  undefined_in_objects(programs, variants, &called);
  size_t n = 0;
  for (size_t i = 0; i < exported.n; i++) {
    const char *name = exported.name[i];
    if (strncmp(name, "__tsan_", 7) != 0) continue;
    n++;
    if (!is_newer_only(name))
      cr_expect(has_name(&called, name), "no compiled test code calls %s", name);
  }
  cr_expect_geq(n, 100, "liblockhound exports only %zu __tsan_ symbols", n);
  for (size_t i = 0; i < called.n; i++)
    if (strncmp(called.name[i], "__tsan_", 7) == 0)
      cr_expect(has_name(&exported, called.name[i]),
                "compiled code calls %s, which "
                "liblockhound does not export",
                called.name[i]);
  free_names(&exported);
  free_names(&called);
}

Test(coverage, every_memory_wrapper_is_called_by_compiled_code) {
  struct names exported = {0}, called = {0};
  nm_symbols("-D", LH_LIB_DIR "/liblockhound.so", 'T', &exported);
  const char *const programs[] = {"memory_compute", NULL};
  const char *const variants[] = {"tsan", NULL};
  undefined_in_objects(programs, variants, &called);
  size_t len;
  char *def = lh_read_file(LH_WRAPPED_DEF, &len);
  cr_assert_not_null(def, "cannot read %s", LH_WRAPPED_DEF);
  size_t n = 0;
  for (char *p = def; (p = strstr(p, "\nX_MEMORY(")); p++) {
    char name[64];
    if (sscanf(p, "\nX_MEMORY(%63[a-z_0-9])", name) != 1) continue;
    n++;
    cr_expect(has_name(&exported, name), "liblockhound does not export %s", name);
    cr_expect(has_name(&called, name), "memory_compute does not call %s", name);
  }
  cr_expect_geq(n, 20, "wrapped_functions.def lists only %zu memory functions", n);
  free(def);
  free_names(&exported);
  free_names(&called);
}

/* ---- engage ---- */

enum expect { EXPECT_NONE, EXPECT_READ, EXPECT_WRITE, EXPECT_ATOMIC_READ, EXPECT_ATOMIC_WRITE };

static const char *expect_text(enum expect e) {
  static const char *const text[] = {"none", "a read", "a write", "an atomic read",
                                     "an atomic write"};
  return text[e];
}

static size_t stack_depth(const json_t *records, json_int_t id) {
  size_t i;
  json_t *r;
  json_array_foreach(records, i, r) {
    if (strcmp(field(r, "t"), "stack") == 0 && json_integer_value(json_object_get(r, "id")) == id)
      return json_array_size(json_object_get(r, "pcs"));
  }
  return 0;
}

/* A data-race finding at addr whose earlier access (the one under test) is of kind e, with a
 * stack of at least two frames: the access and its caller from the shadow call stack. */
static bool has_race_at(const json_t *records, unsigned long addr, enum expect e) {
  bool want_write = e == EXPECT_WRITE || e == EXPECT_ATOMIC_WRITE;
  bool want_atomic = e == EXPECT_ATOMIC_READ || e == EXPECT_ATOMIC_WRITE;
  size_t i;
  json_t *r;
  json_array_foreach(records, i, r) {
    if (!is_race(r) || strtoul(field(r, "addr"), NULL, 16) != addr) continue;
    const json_t *earlier = json_array_get(json_object_get(r, "accesses"), 1);
    if (json_is_true(json_object_get(earlier, "write")) == want_write &&
        json_is_true(json_object_get(earlier, "atomic")) == want_atomic &&
        stack_depth(records, json_integer_value(json_object_get(earlier, "stack"))) >= 2)
      return true;
  }
  return false;
}

static void check_engagement(const char *scenario, enum expect e) {
  for (size_t c = 0; c < NCOMPILERS; c++) {
    char program[256];
    snprintf(program, sizeof program, "race_engage-%s-tsan", compilers[c]);
    struct run run;
    run_program(program, scenario, false, &run);
    cr_assert_eq(run.res.exit_code, 0, "%s %s exited with %d; stderr:\n%s", program, scenario,
                 run.res.exit_code, run.res.err);
    unsigned long addr = 0;
    cr_assert_eq(sscanf(run.res.out, "addr=%lx", &addr), 1, "%s %s printed no address: %s", program,
                 scenario, run.res.out);
    char *races = races_text(run.records);
    if (e == EXPECT_NONE)
      cr_expect_eq(count_races(run.records), 0, "%s %s: the threads are ordered, yet: %s", program,
                   scenario, races);
    else
      cr_expect(has_race_at(run.records, addr, e),
                "%s %s: no data-race at %#lx against %s with its stack; races: %s", program,
                scenario, addr, expect_text(e), races);
    free(races);
    run_free(&run);
  }
}

TestSuite(engage, .init = make_work_dir, .fini = remove_work_dir, .timeout = 60);

#define ENGAGE(name, expect, offset, hook)                                                         \
  Test(engage, name) { check_engagement(#name, EXPECT_##expect); }
#include "engage_scenarios.def"
#undef ENGAGE
