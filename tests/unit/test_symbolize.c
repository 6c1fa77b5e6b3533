/* test_symbolize.c - the symbolizer names code and data of real ELF files.
 *
 * The ELF under test is this test binary itself (built with -g): its globals are the locks to
 * name, its functions the code to locate. Module-relative addresses are computed the way the
 * analyzer computes them from a run file: runtime address minus the module's load bias. */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <elf.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "symbols/symbolize.h"

/* Functions whose code the tests locate must stay out of line and unchanged (no clones, no
 * tail calls). */
#if defined(__clang__)
#define LH_KEEP __attribute__((noinline, used))
#else
#define LH_KEEP __attribute__((noipa, used))
#endif

/* ---- the objects to name ---------------------------------------------------------------- */

struct bank {
  long balance;
  pthread_mutex_t lock;
};
struct account {
  int id;
  pthread_mutex_t lock;
};
struct bucket {
  void *head;
  pthread_mutex_t mutex;
};
struct table {
  int size;
  struct bucket buckets[4];
};

pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static const int lock_a_line = __LINE__ - 1;
pthread_mutex_t forks[5];
struct bank bank;
struct account accounts[8];
struct table table;
pthread_rwlock_t grid[3][4];
char buffer[64];
static pthread_mutex_t file_lock = PTHREAD_MUTEX_INITIALIZER;

LH_KEEP static pthread_mutex_t *local_static_lock(void) {
  static pthread_mutex_t counter = PTHREAD_MUTEX_INITIALIZER;
  return &counter;
}

/* ---- the code to locate ----------------------------------------------------------------- */

static volatile int sink;

LH_KEEP static uintptr_t return_address(void) { return (uintptr_t)__builtin_return_address(0); }

/* Returns the return address of a call made on line *line, inside this function. */
LH_KEEP static uintptr_t code_marker(int *line) {
  *line = __LINE__ + 1;
  uintptr_t ra = return_address();
  sink++;
  return ra;
}

__attribute__((always_inline)) static inline uintptr_t inlined_body(int *line) {
  *line = __LINE__ + 1;
  uintptr_t ra = return_address();
  sink++;
  return ra;
}

/* The call of return_address sits in inlined_body, inlined here on line *call_line. */
LH_KEEP static uintptr_t inlining_caller(int *inner_line, int *call_line) {
  *call_line = __LINE__ + 1;
  uintptr_t ra = inlined_body(inner_line);
  sink++;
  return ra;
}

/* ---- where this module is --------------------------------------------------------------- */

struct module_info {
  const void *probe;
  uintptr_t bias;
  char path[PATH_MAX];
  bool found;
};

static int find_module(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct module_info *m = data;
  uintptr_t probe = (uintptr_t)m->probe;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t start = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type != PT_LOAD || probe < start || probe >= start + ph->p_memsz) continue;
    m->bias = info->dlpi_addr;
    if (info->dlpi_name != NULL && info->dlpi_name[0] != '\0')
      snprintf(m->path, sizeof m->path, "%s", info->dlpi_name);
    else if (realpath("/proc/self/exe", m->path) == NULL)
      return 0;
    m->found = true;
    return 1;
  }
  return 0;
}

static struct module_info module_of(const void *probe) {
  struct module_info m = {.probe = probe};
  dl_iterate_phdr(find_module, &m);
  cr_assert(m.found, "no loaded module holds %p", probe);
  return m;
}

static uint64_t rel(const struct module_info *m, const void *p) {
  return (uint64_t)((uintptr_t)p - m->bias);
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

static struct lh_symbolizer *sym;
static struct module_info self;
static char scratch[] = "/tmp/lh-sym-XXXXXX"; /* files a test makes; removed after it */

static void setup(void) {
  sym = lh_sym_new();
  cr_assert_not_null(sym);
  self = module_of(&lock_a);
  cr_assert_not_null(mkdtemp(scratch));
}

static void teardown(void) {
  lh_sym_free(sym);
  char command[PATH_MAX + 16];
  snprintf(command, sizeof command, "rm -rf '%s'", scratch);
  if (system(command) != 0) cr_log_warn("could not remove %s", scratch);
}

/* out (PATH_MAX bytes) = the path of name in the test's scratch directory. */
static void scratch_path(char *out, const char *name) {
  snprintf(out, PATH_MAX, "%s/%s", scratch, name);
}

static const char *data_name(const void *p) {
  return lh_sym_data(sym, self.path, rel(&self, p), NULL, NULL);
}

TestSuite(symbolize, .init = setup, .fini = teardown, .timeout = 30);

/* ---- data ------------------------------------------------------------------------------- */

Test(symbolize, global_mutex_is_named_by_its_variable) {
  const char *file = NULL;
  int line = 0;
  const char *name = lh_sym_data(sym, self.path, rel(&self, &lock_a), &file, &line);
  cr_assert_str_eq(name, "lock_a");
  cr_assert_not_null(file);
  cr_assert(ends_with(file, "test_symbolize.c"), "decl file %s", file);
  cr_assert_eq(line, lock_a_line);
}

Test(symbolize, array_element_is_named_with_its_index) {
  cr_assert_str_eq(data_name(&forks[2]), "forks[2]");
  cr_assert_str_eq(data_name(&forks[0]), "forks[0]");
}

Test(symbolize, structure_member_is_named_with_a_dot) {
  cr_assert_str_eq(data_name(&bank.lock), "bank.lock");
}

Test(symbolize, member_of_an_array_element_is_named_with_both) {
  cr_assert_str_eq(data_name(&accounts[3].lock), "accounts[3].lock");
}

Test(symbolize, nested_arrays_and_members_are_named_to_the_lock) {
  cr_assert_str_eq(data_name(&table.buckets[2].mutex), "table.buckets[2].mutex");
}

Test(symbolize, multi_dimensional_array_gets_one_index_per_dimension) {
  cr_assert_str_eq(data_name(&grid[1][2]), "grid[1][2]");
  cr_assert_str_eq(data_name(&grid[2][3]), "grid[2][3]");
}

Test(symbolize, file_scope_static_is_named) {
  cr_assert_str_eq(data_name(&file_lock), "file_lock");
}

Test(symbolize, function_local_static_has_its_source_name) {
  cr_assert_str_eq(data_name(local_static_lock()), "counter");
}

Test(symbolize, address_inside_a_lock_is_an_offset_from_it) {
  cr_assert_str_eq(data_name((char *)&lock_a + 4), "lock_a+0x4");
}

Test(symbolize, byte_of_a_char_array_is_an_element) {
  cr_assert_str_eq(data_name(&buffer[5]), "buffer[5]");
}

Test(symbolize, address_of_code_has_no_data_name) {
  const char *file = "unset";
  int line = -1;
  cr_assert_null(lh_sym_data(sym, self.path, rel(&self, (void *)code_marker), &file, &line));
  cr_assert_null(file);
  cr_assert_eq(line, 0);
}

Test(symbolize, names_are_owned_by_the_symbolizer_and_stable) {
  const char *first = data_name(&forks[2]);
  const char *second = data_name(&forks[2]);
  cr_assert_not_null(first);
  cr_assert_eq(first, second);
}

/* ---- code ------------------------------------------------------------------------------- */

Test(symbolize, call_site_gives_function_file_and_line) {
  int line = 0;
  uintptr_t ra = code_marker(&line);
  struct lh_source_loc loc[4];
  size_t n = lh_sym_code(sym, self.path, rel(&self, (void *)(ra - 1)), loc, 4);
  cr_assert_eq(n, 1);
  cr_assert_str_eq(loc[0].function, "code_marker");
  cr_assert_not_null(loc[0].file);
  cr_assert(ends_with(loc[0].file, "test_symbolize.c"), "file %s", loc[0].file);
  cr_assert_eq(loc[0].line, line);
  cr_assert_not(loc[0].inlined);
}

Test(symbolize, inlined_call_gives_inlined_frame_then_caller) {
  int inner_line = 0, call_line = 0;
  uintptr_t ra = inlining_caller(&inner_line, &call_line);
  struct lh_source_loc loc[4];
  size_t n = lh_sym_code(sym, self.path, rel(&self, (void *)(ra - 1)), loc, 4);
  cr_assert_eq(n, 2);
  cr_assert_str_eq(loc[0].function, "inlined_body");
  cr_assert_eq(loc[0].line, inner_line);
  cr_assert(loc[0].inlined);
  cr_assert_str_eq(loc[1].function, "inlining_caller");
  cr_assert_not_null(loc[1].file);
  cr_assert(ends_with(loc[1].file, "test_symbolize.c"), "file %s", loc[1].file);
  cr_assert_eq(loc[1].line, call_line);
  cr_assert_not(loc[1].inlined);
}

Test(symbolize, output_is_limited_to_max_innermost_first) {
  int inner_line = 0, call_line = 0;
  uintptr_t ra = inlining_caller(&inner_line, &call_line);
  struct lh_source_loc loc[1];
  size_t n = lh_sym_code(sym, self.path, rel(&self, (void *)(ra - 1)), loc, 1);
  cr_assert_eq(n, 1);
  cr_assert_str_eq(loc[0].function, "inlined_body");
}

/* ---- modules that cannot be read ---------------------------------------------------------- */

static void assert_nothing_from(const char *path) {
  struct lh_source_loc loc[4];
  for (int attempt = 0; attempt < 2; attempt++) { /* the second one comes from the cache */
    cr_assert_eq(lh_sym_code(sym, path, 0x1000, loc, 4), 0);
    cr_assert_null(lh_sym_data(sym, path, 0x1000, NULL, NULL));
  }
}

Test(symbolize, missing_module_gives_nothing) {
  assert_nothing_from("/nonexistent/lockhound/module.so");
}

Test(symbolize, non_elf_file_gives_nothing) {
  char path[PATH_MAX];
  scratch_path(path, "not-elf");
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs("this is not an ELF file\n", f);
  fclose(f);
  assert_nothing_from(path);
}

Test(symbolize, empty_file_gives_nothing) {
  char path[PATH_MAX];
  scratch_path(path, "empty");
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  fclose(f);
  assert_nothing_from(path);
}

Test(symbolize, directory_gives_nothing) { assert_nothing_from(scratch); }

Test(symbolize, fifo_gives_nothing_without_blocking) {
  char path[PATH_MAX];
  scratch_path(path, "fifo");
  cr_assert_eq(mkfifo(path, 0600), 0);
  assert_nothing_from(path);
}

Test(symbolize, null_module_path_gives_nothing) { assert_nothing_from(NULL); }

/* ---- stripped copies of this binary ------------------------------------------------------- */

/* Copies this binary into the scratch directory, then runs `TOOL OPTIONS` on the copy
 * (strip, objcopy); returns the copy's path (caller frees). */
static char *copy_through(const char *tool, const char *options) {
  char *path = malloc(PATH_MAX);
  cr_assert_not_null(path);
  scratch_path(path, "copy");
  char command[3 * PATH_MAX];
  snprintf(command, sizeof command, "cp '%s' '%s' && %s %s '%s'", self.path, path, tool, options,
           path);
  cr_assert_eq(system(command), 0, "failed: %s", command);
  return path;
}

Test(symbolize, without_debug_info_functions_and_globals_come_from_the_symbol_table) {
  char *copy = copy_through("strip", "--strip-debug");
  int line = 0;
  uintptr_t ra = code_marker(&line);
  struct lh_source_loc loc[4];
  size_t n = lh_sym_code(sym, copy, rel(&self, (void *)(ra - 1)), loc, 4);
  cr_assert_eq(n, 1);
  cr_assert_str_eq(loc[0].function, "code_marker");
  cr_assert_null(loc[0].file);
  cr_assert_eq(loc[0].line, 0);

  const char *file = "unset";
  cr_assert_str_eq(lh_sym_data(sym, copy, rel(&self, &lock_a), &file, NULL), "lock_a");
  cr_assert_null(file);
  char expected[64];
  snprintf(expected, sizeof expected, "forks+0x%zx", 2 * sizeof(pthread_mutex_t));
  cr_assert_str_eq(lh_sym_data(sym, copy, rel(&self, &forks[2]), NULL, NULL), expected);
  cr_assert_str_eq(lh_sym_data(sym, copy, rel(&self, local_static_lock()), NULL, NULL), "counter");
  free(copy);
}

Test(symbolize, fully_stripped_binary_gives_no_names_and_no_crash) {
  char *copy = copy_through("strip", "--strip-all");
  int line = 0;
  uintptr_t ra = code_marker(&line);
  struct lh_source_loc loc[4];
  size_t n = lh_sym_code(sym, copy, rel(&self, (void *)(ra - 1)), loc, 4);
  cr_assert(n == 0 || (loc[0].file == NULL && loc[0].line == 0));
  cr_assert_null(lh_sym_data(sym, copy, rel(&self, &lock_a), NULL, NULL));
  free(copy);
}

static int count_object(struct dl_phdr_info *info, size_t size, void *count) {
  (void)info;
  (void)size;
  ++*(int *)count;
  return 0;
}

static int loaded_objects(void) {
  int n = 0;
  dl_iterate_phdr(count_object, &n);
  return n;
}

/* libdw 0.188's standard search dlopens libdebuginfod (and libcurl, GnuTLS, Kerberos...) for a
 * module it finds no debug information for, server or not: 15 ms of a report. Without
 * DEBUGINFOD_URLS the search stops before it (symbolize.c, find_debuginfo). Meaningful where
 * libdebuginfod1 is installed (gdb brings it; .ci/install-deps installs it). */
Test(symbolize, a_module_without_debug_info_loads_no_debuginfod_client_without_a_server) {
  unsetenv("DEBUGINFOD_URLS");
  char *copy = copy_through("strip", "--strip-debug");
  int line = 0;
  uintptr_t ra = code_marker(&line);
  int before = loaded_objects();
  struct lh_source_loc loc[4];
  cr_assert_eq(lh_sym_code(sym, copy, rel(&self, (void *)(ra - 1)), loc, 4), 1);
  cr_assert_str_eq(loc[0].function, "code_marker");
  cr_assert_eq(loaded_objects(), before, "symbolizing loaded %d more objects",
               loaded_objects() - before);
  free(copy);
}

Test(symbolize, without_a_symbol_the_dwarf_variable_alone_names_the_lock) {
  char *copy = copy_through("objcopy", "--strip-symbol=bank --strip-symbol=accounts");
  cr_assert_str_eq(lh_sym_data(sym, copy, rel(&self, &bank.lock), NULL, NULL), "bank.lock");
  cr_assert_str_eq(lh_sym_data(sym, copy, rel(&self, &accounts[3].lock), NULL, NULL),
                   "accounts[3].lock");
  free(copy);
}

/* ---- other modules ------------------------------------------------------------------------ */

/* Writes text to dir/name. */
static void write_file(const char *dir, const char *name, const char *text) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f, "cannot write %s", path);
  fputs(text, f);
  fclose(f);
}

/* Two units, each with a file-scope static called "lock" of a different type; the program
 * prints both module-relative addresses. */
static const char two_units_a[] = "#include <pthread.h>\n"
                                  "static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;\n"
                                  "pthread_mutex_t *lock_in_a(void) { return &lock; }\n";
static const char two_units_b[] =
    "#define _GNU_SOURCE\n"
    "#include <dlfcn.h>\n"
    "#include <pthread.h>\n"
    "#include <stdio.h>\n"
    "pthread_mutex_t *lock_in_a(void);\n"
    "\n"
    "static struct { int users; pthread_mutex_t m; } lock;\n"
    "int main(void) {\n"
    "  Dl_info info;\n"
    "  dladdr((void *)main, &info);\n"
    "  char *base = info.dli_fbase;\n"
    "  printf(\"%lx %lx\\n\", (unsigned long)((char *)lock_in_a() - base),\n"
    "         (unsigned long)((char *)&lock.m - base));\n"
    "  return 0;\n"
    "}\n";

Test(symbolize, same_named_statics_of_two_units_are_told_apart_by_address) {
  const char *dir = scratch;
  write_file(dir, "a.c", two_units_a);
  write_file(dir, "b.c", two_units_b);
  char command[4 * PATH_MAX];
  snprintf(command, sizeof command, "cc -g -O1 -o '%s/prog' '%s/a.c' '%s/b.c' -lpthread -ldl", dir,
           dir, dir);
  cr_assert_eq(system(command), 0, "failed: %s", command);
  snprintf(command, sizeof command, "'%s/prog'", dir);
  FILE *out = popen(command, "r");
  cr_assert_not_null(out);
  unsigned long in_a = 0, in_b = 0;
  cr_assert_eq(fscanf(out, "%lx %lx", &in_a, &in_b), 2);
  cr_assert_eq(pclose(out), 0);

  char prog[PATH_MAX];
  snprintf(prog, sizeof prog, "%s/prog", dir);
  const char *file_a = NULL, *file_b = NULL;
  int line_a = 0, line_b = 0;
  cr_assert_str_eq(lh_sym_data(sym, prog, in_a, &file_a, &line_a), "lock");
  cr_assert_str_eq(lh_sym_data(sym, prog, in_b, &file_b, &line_b), "lock.m");
  cr_assert(file_a != NULL && ends_with(file_a, "/a.c"), "decl file %s", file_a);
  cr_assert(file_b != NULL && ends_with(file_b, "/b.c"), "decl file %s", file_b);
  cr_assert_eq(line_a, 2);
  cr_assert_eq(line_b, 7);
}

/* Path of the separate debug file of a loaded module, from its GNU build-id note, or "". */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  char *path = data; /* in: the module's path; out: its debug file's path */
  if (info->dlpi_name == NULL || strcmp(info->dlpi_name, path) != 0) return 0;
  path[0] = '\0';
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_NOTE) continue;
    const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr), *end = p + ph->p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      const ElfW(Nhdr) *note = (const ElfW(Nhdr) *)p;
      const unsigned char *desc =
          (const unsigned char *)p + sizeof *note + ((note->n_namesz + 3) & ~3u);
      if (note->n_type == NT_GNU_BUILD_ID && note->n_descsz > 1) {
        int len = snprintf(path, PATH_MAX, "/usr/lib/debug/.build-id/%02x/", desc[0]);
        for (unsigned k = 1; k < note->n_descsz; k++)
          len += snprintf(path + len, PATH_MAX - (size_t)len, "%02x", desc[k]);
        snprintf(path + len, PATH_MAX - (size_t)len, ".debug");
        return 1;
      }
      p = (const char *)desc + ((note->n_descsz + 3) & ~3u);
    }
  }
  return 1;
}

/* libc's own pthread_mutex_lock, looked up in libc: under AddressSanitizer the name resolves to the
 * sanitizer's interceptor, whose library has no separate debug info. */
static void *libc_pthread_mutex_lock(void) {
  void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  cr_assert_not_null(libc, "libc.so.6 is not loaded: %s", dlerror());
  void *fn = dlsym(libc, "pthread_mutex_lock");
  cr_assert_not_null(fn);
  return fn;
}

Test(symbolize, separate_debug_info_of_a_shared_library_gives_file_and_line) {
  Dl_info info;
  void *fn = libc_pthread_mutex_lock();
  cr_assert(dladdr(fn, &info) != 0 && info.dli_fname != NULL);
  char debug_file[PATH_MAX];
  snprintf(debug_file, sizeof debug_file, "%s", info.dli_fname);
  dl_iterate_phdr(find_build_id, debug_file);
  cr_assert(debug_file[0] != '\0' && access(debug_file, R_OK) == 0,
            "no separate debug info for %s: .ci/install-deps installs libc6-dbg", info.dli_fname);
  struct module_info libc = module_of(fn);
  struct lh_source_loc loc[8];
  size_t n = lh_sym_code(sym, libc.path, rel(&libc, fn), loc, 8);
  cr_assert_geq(n, 1);
  cr_assert_not_null(loc[n - 1].function);
  cr_assert_not_null(strstr(loc[n - 1].function, "pthread_mutex_lock"), "function %s",
                     loc[n - 1].function);
  cr_assert_not_null(loc[0].file);
  cr_assert_gt(loc[0].line, 0);
}

/* ---- speed -------------------------------------------------------------------------------- */

static int find_text(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  uintptr_t *range = data; /* in: probe; out: start, end of its executable segment */
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t start = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && range[0] >= start &&
        range[0] < start + ph->p_memsz) {
      range[0] = start;
      range[1] = start + ph->p_memsz;
      return 1;
    }
  }
  return 0;
}

Test(symbolize, thousands_of_distinct_frames_take_well_under_a_second) {
  uintptr_t range[2] = {(uintptr_t)code_marker, 0};
  dl_iterate_phdr(find_text, range);
  cr_assert_neq(range[1], 0);
  enum { FRAMES = 4000 };
  uintptr_t step = (range[1] - range[0]) / FRAMES;
  cr_assert_gt(step, 0);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  size_t named = 0;
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < FRAMES; i++) {
      struct lh_source_loc loc[8];
      uintptr_t pc = range[0] + i * step;
      named += lh_sym_code(sym, self.path, rel(&self, (void *)pc), loc, 8) > 0;
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  cr_assert_gt(named, FRAMES, "only %zu frames named", named);
  cr_assert_lt(seconds, 0.5, "took %.3f s", seconds);
}
