/* test_lock_names.c - how locks are named in reports.
 * The run files here describe this very test program (its real load address, its real code and
 * data), so the names come from its own debug information through the real symbolizer. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include "../fixtures/runs/run_text.h"
#include "report/report.h"
#include "symbols/lock_names.h"

pthread_mutex_t named_global_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t named_global_cond = PTHREAD_COND_INITIALIZER;

static __attribute__((noinline)) uintptr_t return_address(void) {
  return (uintptr_t)__builtin_return_address(0);
}

struct self {
  char path[4096];
  uintptr_t base;
  char segs[4096];
};

static int main_program(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct self *s = data;
  size_t len = 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD) continue;
    uintptr_t start = info->dlpi_addr + ph->p_vaddr;
    len += (size_t)snprintf(s->segs + len, sizeof s->segs - len,
                            "%s['0x%" PRIxPTR "','0x%" PRIxPTR "']", len ? "," : "", start,
                            start + ph->p_memsz);
  }
  s->base = info->dlpi_addr;
  return 1; /* the first object is the program itself */
}

/* The run record, this program as module 0, and the main thread. */
static void self_run(struct rb *rb) {
  static struct self s;
  ssize_t n = readlink("/proc/self/exe", s.path, sizeof s.path - 1);
  s.path[n > 0 ? n : 0] = '\0';
  dl_iterate_phdr(main_program, &s);
  rb_run(rb, 77, s.path, "");
  rb_add(rb, "{'t':'module','id':0,'path':'%s','base':'0x%" PRIxPTR "','segs':[%s]}", s.path,
         s.base, s.segs);
  rb_add(rb, "{'t':'thread','id':0,'tid':77,'parent':-1,'parent_seg':0,'stack':-1,'how':'main'}");
}

static char **names_of(struct rb *rb, struct lh_model **m, struct lh_symbolizer **sym) {
  *m = rb_model(rb, NULL);
  free(rb->buf);
  *sym = lh_sym_new();
  return lh_lock_names(*sym, *m);
}

static void done(char **names, struct lh_model *m, struct lh_symbolizer *sym) {
  lh_lock_names_free(names, m->nlocks);
  lh_model_free(m);
  lh_sym_free(sym);
}

Test(lock_names, a_global_lock_is_named_by_its_variable) {
  struct rb rb = {0};
  self_run(&rb);
  rb_add(&rb,
         "{'t':'lock','id':0,'kind':'mutex','addr':'0x%" PRIxPTR "','how':'static','stack':-1}",
         (uintptr_t)&named_global_lock);
  struct lh_model *m;
  struct lh_symbolizer *sym;
  char **names = names_of(&rb, &m, &sym);
  cr_assert_str_eq(names[0], "named_global_lock");
  done(names, m, sym);
}

Test(lock_names, a_heap_lock_is_named_by_the_line_that_initialised_it) {
  struct rb rb = {0};
  self_run(&rb);
  /* one line on purpose: the test reads the line of the call back */
  /* clang-format off */
  uintptr_t pc = return_address(); int line = __LINE__;
  /* clang-format on */
  rb_add(&rb, "{'t':'stack','id':0,'pcs':['0x%" PRIxPTR "']}", pc);
  rb_add(&rb, "{'t':'lock','id':0,'kind':'mutex','addr':'0x10','how':'init','stack':0}");
  rb_add(&rb, "{'t':'lock','id':1,'kind':'rwlock','addr':'0x20','how':'static','stack':0}");
  rb_add(&rb, "{'t':'lock','id':2,'kind':'c11_mutex','addr':'0x30','how':'init','stack':0}");
  struct lh_model *m;
  struct lh_symbolizer *sym;
  char **names = names_of(&rb, &m, &sym);
  char want[128];
  snprintf(want, sizeof want, "mutex initialised at test_lock_names.c:%d", line);
  cr_assert_str_eq(names[0], want);
  snprintf(want, sizeof want, "rwlock first used at test_lock_names.c:%d", line);
  cr_assert_str_eq(names[1], want, "a statically initialised lock is named by its first use");
  snprintf(want, sizeof want, "mtx initialised at test_lock_names.c:%d", line);
  cr_assert_str_eq(names[2], want, "C11 mutexes are called mtx");
  done(names, m, sym);
}

Test(lock_names, locks_that_share_a_name_are_numbered_in_lock_order) {
  struct rb rb = {0};
  self_run(&rb);
  /* one line on purpose: the test reads the line of the call back */
  /* clang-format off */
  uintptr_t pc = return_address(); int line = __LINE__;
  /* clang-format on */
  rb_add(&rb, "{'t':'stack','id':0,'pcs':['0x%" PRIxPTR "']}", pc);
  rb_add(&rb, "{'t':'lock','id':0,'kind':'mutex','addr':'0x10','how':'init','stack':0}");
  rb_add(&rb, "{'t':'lock','id':1,'kind':'mutex','addr':'0x20','how':'init','stack':0}");
  struct lh_model *m;
  struct lh_symbolizer *sym;
  char **names = names_of(&rb, &m, &sym);
  char want[128];
  snprintf(want, sizeof want, "mutex initialised at test_lock_names.c:%d #1", line);
  cr_assert_str_eq(names[0], want);
  snprintf(want, sizeof want, "mutex initialised at test_lock_names.c:%d #2", line);
  cr_assert_str_eq(names[1], want);
  done(names, m, sym);
}

Test(lock_names, without_debug_information_the_module_and_offset_name_the_place) {
  struct rb rb = {0};
  rb_standard(&rb, 0, 0); /* /bin/prog does not exist: nothing can be symbolised */
  rb_add(&rb, "{'t':'stack','id':20,'pcs':['0x1234']}");
  rb_add(&rb,
         "{'t':'lock','id':0,'kind':'spinlock','addr':'0x7f0000000000','how':'init','stack':20}");
  struct lh_model *m;
  struct lh_symbolizer *sym;
  char **names = names_of(&rb, &m, &sym);
  cr_assert_str_eq(names[0], "spinlock initialised at 0x234 (prog)");
  done(names, m, sym);
}

Test(lock_names, a_lock_without_a_stack_is_named_by_its_kind_only) {
  struct rb rb = {0};
  rb_standard(&rb, 0, 0);
  rb_add(&rb,
         "{'t':'lock','id':0,'kind':'mutex','addr':'0x7f0000000000','how':'static','stack':-1}");
  struct lh_model *m;
  struct lh_symbolizer *sym;
  char **names = names_of(&rb, &m, &sym);
  cr_assert_str_eq(names[0], "mutex first used at an unknown place");
  done(names, m, sym);
}

Test(lock_names, the_items_of_one_list_are_named_once_with_their_indices) {
  const char *names[] = {"accounts[0].mtx", "accounts[1].mtx", "accounts[2].mtx",
                         "accounts[4].mtx", "log_lock",        "forks[3]",
                         "forks[1]",        "accounts[5].mtx", "table[2].rows[7]"};
  char *s = lh_names_compact(names, sizeof names / sizeof *names);
  cr_assert_str_eq(s, "accounts[0..2,4,5].mtx, log_lock, forks[1,3], table[2].rows[7]");
  free(s);
}

Test(lock_names, names_without_a_list_stay_as_they_are) {
  const char *names[] = {"lock_a", "mutex initialised at bank.c:12 #2", "lock_b"};
  char *s = lh_names_compact(names, 3);
  cr_assert_str_eq(s, "lock_a, mutex initialised at bank.c:12 #2, lock_b");
  free(s);
}

/* A report of this program's run with a global lock, a global condition variable and no finding, the lock names left to be
 * made when first asked for (as `lockhound report` leaves them). */
struct lazy_report {
  struct lh_model *m;
  struct lh_symbolizer *sym;
  struct lh_findings *f;
  struct lh_analysis_stats stats;
  struct lh_lock_name_memo memo;
  struct lh_report r;
};

static void lazy_report_of_a_global_lock(struct lazy_report *x) {
  struct rb rb = {0};
  self_run(&rb);
  rb_add(&rb,
         "{'t':'lock','id':0,'kind':'mutex','addr':'0x%" PRIxPTR "','how':'static','stack':-1}",
         (uintptr_t)&named_global_lock);
  rb_add(&rb, "{'t':'object','id':0,'kind':'cond','addr':'0x%" PRIxPTR "','stack':-1}",
         (uintptr_t)&named_global_cond);
  x->m = rb_model(&rb, NULL);
  free(rb.buf);
  struct lh_analysis_options o = {8};
  x->f = lh_analyse(x->m, &o, &x->stats);
  x->sym = lh_sym_new();
  x->memo = (struct lh_lock_name_memo){NULL};
  x->r = (struct lh_report){x->m, x->f, &x->stats, &x->memo, x->sym, false, 66};
}

static void lazy_report_free(struct lazy_report *x) {
  lh_lock_names_free(x->memo.names, x->m->nlocks);
  lh_findings_free(x->f);
  lh_sym_free(x->sym);
  lh_model_free(x->m);
}

/* Naming reads a module's DWARF variables (all of a large program's: 45% of the report of a
 * Python run whose interpreter has debug information); a report without findings names nothing. */
Test(lock_names, a_report_without_findings_reads_no_debug_variables) {
  struct lazy_report x;
  lazy_report_of_a_global_lock(&x);
  cr_assert_eq(x.f->n, 0);
  char *text = NULL;
  size_t len;
  FILE *out = open_memstream(&text, &len);
  lh_report_text(out, &x.r);
  fclose(out);
  char json[] = "/tmp/lh-lock-names-XXXXXX";
  int fd = mkstemp(json);
  cr_assert_geq(fd, 0);
  close(fd);
  cr_expect_eq(lh_report_json(json, &x.r), 0);
  unlink(json);
  cr_expect_eq(lh_sym_variable_indexes(x.sym), 0);
  cr_expect_null(x.memo.names);
  free(text);
  lazy_report_free(&x);
}

Test(lock_names, the_first_lock_name_asked_for_names_them_all_from_debug_variables) {
  struct lazy_report x;
  lazy_report_of_a_global_lock(&x);
  cr_assert_str_eq(lh_report_lock_names(&x.r)[0], "named_global_lock");
  cr_expect_eq(lh_sym_variable_indexes(x.sym), 1);
  cr_expect_eq(lh_report_lock_names(&x.r), x.memo.names); /* made once */
  lazy_report_free(&x);
}
