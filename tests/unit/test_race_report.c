/* test_race_report.c - how a data race reads, in every output: the text on stderr (English and
 * Russian, with --explain's interleaving), the JSON report, the HTML page, the expectation key
 * and the error count.
 *
 * The "program" is this test binary (built with -g): its globals below are the raced variables,
 * its functions the sites, so names and lines come from real DWARF (race_text.h). */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <jansson.h>
#include <pthread.h>
#include <unistd.h>

#include "../fixtures/runs/race_text.h"
#include "commands/expectations.h"
#include "report/report.h"
#include "report/report_html.h"
#include "symbols/lock_names.h"

#if defined(__clang__)
#define LH_KEEP __attribute__((noinline, used))
#else
#define LH_KEEP __attribute__((noipa, used))
#endif

/* ---- the program: its variables and its code sites ---- */

struct stats {
  long hits;
  long misses;
};

int counter;
static const int counter_line = __LINE__ - 1;
struct stats stats;
int counts[4];
pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;

static volatile int sink;
static int increment_line, reader_line, writer_line, make_node_line, spawn_line;

LH_KEEP static uintptr_t return_address(void) { return (uintptr_t)__builtin_return_address(0); }

/* Both halves of `counter++`: a read and a write, two pcs of one line. */
LH_KEEP static void increment(uintptr_t pcs[2]) {
  /* one line on purpose: the test reads the line of both calls back */
  /* clang-format off */
  increment_line = __LINE__ + 1;
  pcs[0] = return_address(); pcs[1] = return_address();
  /* clang-format on */
  sink++;
}

LH_KEEP static uintptr_t reader(void) {
  reader_line = __LINE__ + 1;
  uintptr_t pc = return_address();
  sink++;
  return pc;
}

LH_KEEP static uintptr_t writer(void) {
  writer_line = __LINE__ + 1;
  uintptr_t pc = return_address();
  sink++;
  return pc;
}

LH_KEEP static uintptr_t make_node(void) {
  make_node_line = __LINE__ + 1;
  uintptr_t pc = return_address();
  sink++;
  return pc;
}

LH_KEEP static uintptr_t spawn(void) {
  spawn_line = __LINE__ + 1;
  uintptr_t pc = return_address();
  sink++;
  return pc;
}

/* ---- running the report ---- */

struct out {
  char *text;
  json_t *json;
  char *html;
  size_t errors;
};

static void *libc_malloc(void) { return dlsym(RTLD_DEFAULT, "malloc"); }

static char *slurp(const char *path) {
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f);
  char *s = NULL;
  size_t cap = 0;
  ssize_t n = getdelim(&s, &cap, '\0', f);
  fclose(f);
  cr_assert_gt(n, 0);
  return s;
}

static struct out report_of(struct rb *rb, struct lh_text_style style) {
  char *diag = NULL;
  rb_end(rb);
  struct lh_model *m = rb_model(rb, &diag);
  cr_assert_str_eq(diag, "", "the run text loads without a message: %s", diag);
  free(diag);
  free(rb->buf);
  struct rb_report made;
  rb_report_make(&made, m, false);
  struct lh_report r = made.r;
  struct out x = {0};
  size_t len;
  FILE *mem = open_memstream(&x.text, &len);
  lh_report_text_styled(mem, &r, style);
  fclose(mem);
  char path[] = "/tmp/lh-race-XXXXXX";
  close(mkstemp(path));
  cr_assert_eq(lh_report_json(path, &r), 0);
  x.json = json_load_file(path, 0, NULL);
  cr_assert_not_null(x.json);
  cr_assert_eq(lh_report_html(path, &r, style), 0);
  x.html = slurp(path);
  unlink(path);
  x.errors = lh_findings_count(made.f, LH_LEVEL_ERROR);
  rb_report_free(&made);
  return x;
}

static void out_free(struct out *x) {
  free(x->text);
  free(x->html);
  json_decref(x->json);
}

static json_t *get(json_t *o, const char *path) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *k = strtok(buf, "."); k && o; k = strtok(NULL, "."))
    o = (*k >= '0' && *k <= '9') ? json_array_get(o, (size_t)atoi(k)) : json_object_get(o, k);
  cr_assert_not_null(o, "missing %s", path);
  return o;
}

static const char *str(json_t *root, const char *path) {
  return json_string_value(get(root, path));
}

#define HAS(t, s) cr_assert(strstr(t, s), "want '%s' in:\n%s", s, t)
#define HASF(t, ...)                                                                               \
  do {                                                                                             \
    char want_[512];                                                                               \
    snprintf(want_, sizeof want_, __VA_ARGS__);                                                    \
    HAS(t, want_);                                                                                 \
  } while (0)

static const struct lh_text_style english = {LH_LANG_EN, false};
static const struct lh_text_style explained = {LH_LANG_EN, true};
static const struct lh_text_style russian = {LH_LANG_RU, true};

/* ---- the scenarios ---- */

/* counter++ in two threads: T2 writes (no lock) after T1 read it holding stats_lock. Locks: 0
 * stats_lock, 1 table_lock. Stacks: 1 the read, 2 the write (each under spawn's frame). */
static void lost_update(struct rb *rb) {
  uintptr_t inc[2];
  increment(inc);
  race_standard(rb, libc_malloc(), spawn());
  race_stack(rb, 1, inc[0], 0, 0, 0);
  race_stack(rb, 2, inc[1], 0, 0, 0);
  rb_add(rb,
         "{'t':'lock','id':0,'kind':'mutex','addr':'0x%" PRIxPTR
         "','gen':0,'how':'static','stack':0}",
         (uintptr_t)&stats_lock);
  rb_add(rb,
         "{'t':'lock','id':1,'kind':'rwlock','addr':'0x%" PRIxPTR
         "','gen':0,'how':'static','stack':0}",
         (uintptr_t)&table_lock);
  uintptr_t a = (uintptr_t)&counter;
  race_record(rb, a, (struct race_access){2, a, 4, 1, 0, 2, "", NULL},
              (struct race_access){1, a, 4, 0, 0, 1, "[0,'w']", NULL}, "");
}

Test(race_report, a_global_is_named_with_its_definition_and_both_accesses_are_told) {
  struct rb rb = {0};
  lost_update(&rb);
  struct out x = report_of(&rb, english);
  HAS(x.text, "lockhound: data-race: data race [id ");
  HAS(x.text, "T2 and T1 access the same memory, at least one of them writing, and nothing orders "
              "the two accesses");
  HASF(x.text, "the memory: counter, a global or static variable defined at test_race_report.c:%d",
       counter_line);
  HASF(x.text,
       "write of 4 bytes by T2 (created at spawn test_race_report.c:%d), holding no lock, at",
       spawn_line);
  HASF(x.text, "#0 increment test_race_report.c:%d", increment_line);
  HASF(x.text,
       "earlier, read of 4 bytes by T1 (created at spawn test_race_report.c:%d), holding "
       "stats_lock, at",
       spawn_line);
  HAS(x.text, "why nothing protects it: T2 held {}, T1 held {stats_lock}: no lock was held at both "
              "accesses,");
  HAS(x.text, "and no thread creation or join, semaphore, barrier, condition variable or atomic "
              "orders the two");
  HAS(x.text, "How to fix it: protect every access to this memory, reads too, with the same mutex");
  HAS(x.text, "ERROR SUMMARY: 1 error from 1 context (data-race: 1)");
  cr_assert_eq(x.errors, 1);
  out_free(&x);
}

Test(race_report, the_json_has_the_variable_both_accesses_and_their_threads) {
  struct rb rb = {0};
  lost_update(&rb);
  struct out x = report_of(&rb, english);
  json_t *f = get(x.json, "findings.0");
  cr_assert_str_eq(str(f, "kind"), "data-race");
  cr_assert_str_eq(str(f, "level"), "error");
  cr_assert_str_eq(str(f, "variable.name"), "counter");
  cr_assert_str_eq(str(f, "variable.memory"), "global");
  cr_assert_eq(json_integer_value(get(f, "variable.line")), counter_line);
  cr_assert_eq(json_integer_value(get(f, "variable.bytes")), 4);
  cr_assert_str_eq(str(f, "accesses.0.thread"), "T2");
  cr_assert_str_eq(str(f, "accesses.0.access"), "write");
  cr_assert(json_is_false(get(f, "accesses.0.atomic")));
  cr_assert_eq(json_array_size(get(f, "accesses.0.locks")), 0);
  cr_assert_str_eq(str(f, "accesses.0.stack.0.function"), "increment");
  cr_assert_eq(json_integer_value(get(f, "accesses.0.stack.0.line")), increment_line);
  cr_assert_str_eq(str(f, "accesses.1.thread"), "T1");
  cr_assert_str_eq(str(f, "accesses.1.access"), "read");
  cr_assert_eq(json_integer_value(get(f, "accesses.1.size")), 4);
  cr_assert_str_eq(str(f, "accesses.1.locks.0.lock"), "stats_lock");
  cr_assert_str_eq(str(f, "accesses.1.locks.0.mode"), "write");
  cr_assert_str_eq(str(f, "threads.0.id"), "T2");
  cr_assert_str_eq(str(f, "threads.1.created_at.0.function"), "spawn");
  cr_assert_eq(json_array_size(get(f, "locks")), 0);
  cr_assert_eq(json_integer_value(get(x.json, "summary.by_kind.data-race")), 1);
  out_free(&x);
}

Test(race_report, the_expectation_key_is_the_kind_and_the_variable_name) {
  struct rb rb = {0};
  lost_update(&rb);
  struct out x = report_of(&rb, english);
  struct lh_expect_keys keys;
  char *error = NULL;
  cr_assert_eq(lh_expect_from_report(x.json, "error", &keys, &error), 0, "%s", error ? error : "");
  cr_assert_eq(keys.count, 1);
  cr_assert_str_eq(keys.keys[0], "data-race counter");
  lh_expect_keys_free(&keys);
  out_free(&x);
}

Test(race_report, explain_shows_a_lost_update_when_both_accesses_are_one_line_s_read_and_write) {
  struct rb rb = {0};
  lost_update(&rb);
  struct out x = report_of(&rb, explained);
  HAS(x.text, "What this means (--explain):");
  HAS(x.text, "`x++` is a read then a write");
  HAS(x.text, "How it goes wrong, step by step (time flows down, one column per thread):");
  const char *table = strstr(x.text, "step  T1");
  cr_assert_not_null(table, "%s", x.text);
  const char *r1 = strstr(table, "1     read counter, holding {stats_lock}");
  const char *r2 = strstr(table, "read counter, holding {}");
  const char *r3 = strstr(table, "3     write counter, holding {stats_lock}");
  const char *r4 = strstr(table, "write counter, holding {}");
  const char *r5 = strstr(table, "5     both read the old value: one of the two updates is lost");
  cr_assert(r1 && r2 && r3 && r4 && r5 && r1 < r2 && r2 < r3 && r3 < r4 && r4 < r5, "%s", table);
  out_free(&x);
}

Test(race_report, the_russian_report_tells_the_race_in_russian) {
  struct rb rb = {0};
  lost_update(&rb);
  struct out x = report_of(&rb, russian);
  HAS(x.text, "data-race: гонка данных [id ");
  HAS(x.text, "T2 и T1 обращаются к одной и той же памяти");
  HASF(x.text,
       "память: counter, глобальная или статическая переменная, определена в test_race_report.c:%d",
       counter_line);
  HAS(x.text, "запись: 4 байта, поток T2 (создан в spawn");
  HAS(x.text, "раньше — чтение: 4 байта, поток T1");
  HAS(x.text, "под блокировкой stats_lock; место:");
  HAS(x.text, "T2 удерживал {}, T1 удерживал {stats_lock}");
  HAS(x.text, "Как исправить: защитите каждое обращение");
  HAS(x.text, "Что это значит (--explain):");
  HAS(x.text, "чтение counter, блокировки {stats_lock}");
  HAS(x.text, "оба прочитали старое значение");
  HAS(x.text, "ERROR SUMMARY: 1 error from 1 context (data-race: 1)");
  out_free(&x);
}

Test(race_report, the_html_page_shows_the_race_with_its_stacks_and_explanation) {
  struct rb rb = {0};
  lost_update(&rb);
  struct out x = report_of(&rb, english);
  HAS(x.html, "<code class=\"rule\">data-race</code>");
  HAS(x.html, "the memory: counter, a global or static variable defined at test_race_report.c:");
  HAS(x.html, "write of 4 bytes by T2");
  HAS(x.html, "<code class=\"fn\">increment</code>");
  HAS(x.html, "How it goes wrong, step by step");
  HAS(x.html, "both read the old value: one of the two updates is lost");
  HAS(x.html, "What this means");
  out_free(&x);
}

/* ---- the memory ---- */

/* A race between writer() in T1 and reader() in T2 on addr (memory of `bytes` bytes at addr). */
static void simple_race(struct rb *rb, uintptr_t addr, int size, const char *extra) {
  uintptr_t w = writer(), r = reader(), alloc = make_node();
  race_standard(rb, libc_malloc(), spawn());
  race_stack(rb, 1, w, 0, 0, 0);
  race_stack(rb, 2, r, 0, 0, 0);
  race_stack(rb, 3, (uintptr_t)libc_malloc() + 4, alloc, 0, 0);
  race_record(rb, addr, (struct race_access){2, addr, size, 0, 0, 2, "", NULL},
              (struct race_access){1, addr, size, 1, 0, 1, "", NULL}, extra);
}

Test(race_report, a_struct_member_is_named_by_its_path) {
  struct rb rb = {0};
  simple_race(&rb, (uintptr_t)&stats.misses, 8, "");
  struct out x = report_of(&rb, english);
  HAS(x.text,
      "the memory: stats.misses, a global or static variable defined at test_race_report.c:");
  cr_assert_str_eq(str(x.json, "findings.0.variable.name"), "stats.misses");
  out_free(&x);
}

Test(race_report, an_array_element_is_named_by_its_index) {
  struct rb rb = {0};
  simple_race(&rb, (uintptr_t)&counts[2], 4, "");
  struct out x = report_of(&rb, english);
  HAS(x.text, "the memory: counts[2], a global or static variable");
  cr_assert_str_eq(str(x.json, "findings.0.variable.name"), "counts[2]");
  out_free(&x);
}

Test(race_report, heap_memory_is_a_block_named_after_the_function_that_allocated_it) {
  struct rb rb = {0};
  uintptr_t block = 0x5555000010;
  char extra[256];
  snprintf(extra, sizeof extra, ",'block':{'addr':'0x%" PRIxPTR "','size':48,'thread':0,'stack':3}",
           block);
  simple_race(&rb, block + 16, 8, extra);
  struct out x = report_of(&rb, explained);
  HAS(x.text, "the memory: 8 bytes at offset 16 of a block of 48 bytes allocated by T0, at");
  HASF(x.text, "#1 make_node test_race_report.c:%d", make_node_line);
  HAS(x.text, "write heap:make_node+16, holding {}");
  json_t *v = get(x.json, "findings.0.variable");
  cr_assert_str_eq(str(v, "name"), "heap:make_node");
  cr_assert_str_eq(str(v, "memory"), "heap");
  cr_assert_eq(json_integer_value(get(v, "offset")), 16);
  cr_assert_eq(json_integer_value(get(v, "block.size")), 48);
  cr_assert_str_eq(str(v, "block.thread"), "T0");
  cr_assert_str_eq(str(v, "block.allocated_at.1.function"), "make_node");
  struct lh_expect_keys keys;
  char *error = NULL;
  cr_assert_eq(lh_expect_from_report(x.json, "error", &keys, &error), 0);
  cr_assert_str_eq(keys.keys[0], "data-race heap:make_node");
  lh_expect_keys_free(&keys);
  out_free(&x);
}

Test(race_report, other_memory_is_told_by_its_address) {
  struct rb rb = {0};
  simple_race(&rb, 0x7ffc0010, 4, "");
  struct out x = report_of(&rb, english);
  HAS(x.text, "the memory: 4 bytes at 0x7ffc0010, neither a global variable nor a heap block");
  cr_assert_str_eq(str(x.json, "findings.0.variable.name"), "addr:0x7ffc0010");
  cr_assert_str_eq(str(x.json, "findings.0.variable.address"), "0x7ffc0010");
  out_free(&x);
}

Test(race_report, the_bytes_are_those_both_accesses_touch) {
  struct rb rb = {0};
  uintptr_t w = writer(), r = reader(), a = (uintptr_t)&counts[1];
  race_standard(&rb, libc_malloc(), spawn());
  race_stack(&rb, 1, w, 0, 0, 0);
  race_stack(&rb, 2, r, 0, 0, 0);
  /* an 8-byte read of counts[0..1] against a 1-byte write of counts[1]'s first byte */
  race_record(&rb, a, (struct race_access){2, a - 4, 8, 0, 0, 2, "", NULL},
              (struct race_access){1, a, 1, 1, 0, 1, "", NULL}, "");
  struct out x = report_of(&rb, english);
  cr_assert_eq(json_integer_value(get(x.json, "findings.0.variable.bytes")), 1);
  HAS(x.text, "read of 8 bytes by T2");
  HAS(x.text, "earlier, write of 1 byte by T1");
  out_free(&x);
}

/* ---- the accesses ---- */

/* In which column (0 = the first thread's) of a steps table the row starting with `row` has text;
 * -1 when the row or the text is not there. Columns are as wide as the header says. */
static int column_of(const char *table, const char *row, const char *text) {
  const char *header = table, *second = strstr(table, "T2");
  char want[32];
  snprintf(want, sizeof want, "==     %s", row);
  const char *line = strstr(table, want);
  if (!line || !second) return -1;
  line += strlen(want) - strlen(row);
  const char *end = strchr(line, '\n'), *hit = strstr(line, text);
  if (!hit || (end && hit > end)) return -1;
  const char *header_start =
      header; /* "step  T1 ..." begins at the same column as the row number */
  return (size_t)(hit - line) >= (size_t)(second - header_start) ? 1 : 0;
}

Test(race_report, a_read_against_an_earlier_write_on_another_line_is_two_steps) {
  struct rb rb = {0};
  simple_race(&rb, (uintptr_t)&counter, 4, "");
  struct out x = report_of(&rb, explained);
  const char *table = strstr(x.text, "step  T1");
  cr_assert_not_null(table, "%s", x.text);
  cr_assert_eq(column_of(table, "1 ", "write counter, holding {}"), 0, "%s", table);
  cr_assert_eq(column_of(table, "2 ", "read counter, holding {}"), 1, "%s", table);
  /* wrapped under its own first column, so that the line fits 100 columns */
  HAS(table,
      "3     T2 may read before, after or in the middle of the write of T1: nothing decides\n"
      "==4242==           which\n");
  cr_assert_null(strstr(table, "     4 "), "%s", table);
  out_free(&x);
}

Test(race_report, two_writes_lose_one_value) {
  struct rb rb = {0};
  uintptr_t w = writer(), r = reader(), a = (uintptr_t)&counter;
  race_standard(&rb, libc_malloc(), spawn());
  race_stack(&rb, 1, w, 0, 0, 0);
  race_stack(&rb, 2, r, 0, 0, 0);
  race_record(&rb, a, (struct race_access){2, a, 4, 1, 0, 2, "", NULL},
              (struct race_access){1, a, 4, 1, 0, 1, "", NULL}, "");
  struct out x = report_of(&rb, explained);
  HAS(x.text, "3     the two writes land in an order nobody chose: one value is lost, or a torn "
              "mix of\n==4242==           both stays\n");
  out_free(&x);
}

Test(race_report, an_atomic_access_is_told_as_atomic) {
  struct rb rb = {0};
  uintptr_t w = writer(), r = reader(), a = (uintptr_t)&counter;
  race_standard(&rb, libc_malloc(), spawn());
  race_stack(&rb, 1, w, 0, 0, 0);
  race_stack(&rb, 2, r, 0, 0, 0);
  race_record(&rb, a, (struct race_access){2, a, 4, 0, 0, 2, "", NULL},
              (struct race_access){1, a, 4, 1, 1, 1, "", NULL}, "");
  struct out x = report_of(&rb, english);
  HAS(x.text, "earlier, atomic write of 4 bytes by T1");
  cr_assert(json_is_true(get(x.json, "findings.0.accesses.1.atomic")));
  out_free(&x);
}

Test(race_report, a_lock_both_hold_only_for_reading_is_named_as_the_reason) {
  struct rb rb = {0};
  uintptr_t w = writer(), r = reader(), a = (uintptr_t)&counter;
  race_standard(&rb, libc_malloc(), spawn());
  race_stack(&rb, 1, w, 0, 0, 0);
  race_stack(&rb, 2, r, 0, 0, 0);
  rb_add(&rb,
         "{'t':'lock','id':0,'kind':'rwlock','addr':'0x%" PRIxPTR
         "','gen':0,'how':'static','stack':0}",
         (uintptr_t)&table_lock);
  race_record(&rb, a, (struct race_access){2, a, 4, 0, 0, 2, "[0,'r']", NULL},
              (struct race_access){1, a, 4, 1, 0, 1, "[0,'r']", NULL}, "");
  struct out x = report_of(&rb, english);
  HAS(x.text, "holding table_lock (for reading), at");
  HAS(x.text,
      "T2 held {table_lock (for reading)}, T1 held {table_lock (for reading)}: the lock both held, "
      "table_lock, was held for reading by both");
  HAS(x.text, "How to fix it: a thread that writes must hold the rwlock for writing");
  out_free(&x);
}

Test(race_report, each_thread_is_told_with_where_it_was_created) {
  struct rb rb = {0};
  simple_race(&rb, (uintptr_t)&counter, 4, "");
  struct out x = report_of(&rb, english);
  HASF(x.text,
       "read of 4 bytes by T2 (created at spawn test_race_report.c:%d), holding no lock, at",
       spawn_line);
  HASF(x.text, "#0 reader test_race_report.c:%d", reader_line);
  HASF(x.text, "earlier, write of 4 bytes by T1 (created at spawn test_race_report.c:%d)",
       spawn_line);
  HASF(x.text, "#0 writer test_race_report.c:%d", writer_line);
  out_free(&x);
}

/* ---- what the accesses were ---- */

/* A heap block freed by T2 (writer's site) while T1 (reader's site) used a mutex inside it. */
static void freed_while_locked(struct rb *rb, const char *freeing, const char *use) {
  uintptr_t w = writer(), r = reader(), alloc = make_node();
  race_standard(rb, libc_malloc(), spawn());
  race_stack(rb, 1, w, 0, 0, 0);
  race_stack(rb, 2, r, 0, 0, 0);
  race_stack(rb, 3, (uintptr_t)libc_malloc() + 4, alloc, 0, 0);
  uintptr_t addr = 0x7f0000001000;
  char block[160];
  snprintf(block, sizeof block, ",'block':{'addr':'0x%" PRIxPTR "','size':48,'thread':1,'stack':3}",
           addr);
  race_record(rb, addr, (struct race_access){2, addr, 8, 1, 0, 1, "", freeing},
              (struct race_access){1, addr, 1, 0, 1, 2, "", use}, block);
}

Test(race_report, a_free_and_a_lock_call_are_named_as_such_with_the_lifetime_fix) {
  struct rb rb = {0};
  freed_while_locked(&rb, "free", "sync-use");
  struct out x = report_of(&rb, english);
  HAS(x.text, "freeing of the block (free writes all of it) by T2 (created at spawn");
  HAS(x.text, "earlier, use of a lock or other synchronisation object (lock, unlock, wait or post: "
              "an atomic read of its memory) by T1 (created at spawn");
  HAS(x.text, "How to fix it: free or destroy an object only once no thread can use it any more");
  cr_assert_null(strstr(x.text, "write of 8 bytes"), "%s", x.text);
  cr_assert_str_eq(str(x.json, "findings.0.accesses.0.op"), "free");
  cr_assert_str_eq(str(x.json, "findings.0.accesses.1.op"), "sync-use");
  out_free(&x);
}

Test(race_report, a_destroy_is_named_in_russian_too) {
  struct rb rb = {0};
  freed_while_locked(&rb, "sync-init-destroy", "sync-use");
  struct out x = report_of(&rb, russian);
  HAS(x.text, "инициализация или уничтожение объекта синхронизации (запись его памяти), поток T2");
  HAS(x.text, "освобождайте или уничтожайте объект только тогда");
  out_free(&x);
}

Test(race_report, a_plain_access_has_no_op_in_the_json) {
  struct rb rb = {0};
  lost_update(&rb);
  struct out x = report_of(&rb, english);
  cr_assert_null(json_object_get(get(x.json, "findings.0.accesses.0"), "op"));
  out_free(&x);
}
