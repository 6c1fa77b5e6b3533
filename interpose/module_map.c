/* module_map.c - see module_map.h. Modules live in a growing array in load order; lookups are
 * linear, which is fine because they happen only when a new stack or lock is recorded. */
#include "module_map.h"

#include <dlfcn.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_file.h"

#define LH_MAX_SEGS 16

struct lh_module {
  uintptr_t base;
  uintptr_t lo[LH_MAX_SEGS], hi[LH_MAX_SEGS];
  int nsegs;
  char *path;
  bool written;
};

/* Owned by the recorder lock. */
static struct lh_module *mods;
static size_t nmods, capmods;
static unsigned long long seen_adds; /* dlpi_adds at the last scan */

static bool module_contains(const struct lh_module *m, uintptr_t addr) {
  for (int i = 0; i < m->nsegs; i++)
    if (addr >= m->lo[i] && addr < m->hi[i])
      return true;
  return false;
}

static struct lh_module *find(uintptr_t addr) {
  for (size_t i = 0; i < nmods; i++)
    if (module_contains(&mods[i], addr))
      return &mods[i];
  return NULL;
}

static bool known(uintptr_t base, const char *path) {
  for (size_t i = 0; i < nmods; i++)
    if (mods[i].base == base && strcmp(mods[i].path, path) == 0)
      return true;
  return false;
}

static int add_one(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  (void)data;
  seen_adds = info->dlpi_adds;
  char exe[4096];
  const char *path = info->dlpi_name;
  if (!path || !*path) { /* the main program */
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    path = exe;
  }
  if (known(info->dlpi_addr, path))
    return 0;
  if (nmods == capmods) {
    size_t cap = capmods ? capmods * 2 : 32;
    struct lh_module *m = realloc(mods, cap * sizeof *m);
    if (!m)
      return 1;
    mods = m;
    capmods = cap;
  }
  struct lh_module *m = &mods[nmods];
  memset(m, 0, sizeof *m);
  m->base = info->dlpi_addr;
  for (int i = 0; i < info->dlpi_phnum && m->nsegs < LH_MAX_SEGS; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD)
      continue;
    m->lo[m->nsegs] = info->dlpi_addr + ph->p_vaddr;
    m->hi[m->nsegs] = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
    m->nsegs++;
  }
  m->path = strdup(path);
  if (!m->path)
    return 1;
  nmods++;
  return 0;
}

static void scan(void) { dl_iterate_phdr(add_one, NULL); }

/* dlpi_adds counts every object ever loaded: a cheap way to know whether a rescan can find
 * anything new. */
static int read_adds(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  *(unsigned long long *)data = info->dlpi_adds;
  return 1;
}

static void fill_module(struct lh_json_line *jl, const void *p) {
  const struct lh_module *m = p;
  lh_jl_kv_int(jl, "id", m - mods);
  lh_jl_kv_str(jl, "path", m->path);
  lh_jl_kv_hex(jl, "base", m->base);
  lh_jl_key(jl, "segs");
  lh_jl_open(jl, '[');
  for (int i = 0; i < m->nsegs; i++) {
    lh_jl_open(jl, '[');
    lh_jl_hex(jl, m->lo[i]);
    lh_jl_hex(jl, m->hi[i]);
    lh_jl_close(jl, ']');
  }
  lh_jl_close(jl, ']');
}

static void write_module(struct lh_module *m) {
  if (m->written)
    return;
  m->written = true; /* first: lh_run_write may open the file, which writes all modules */
  lh_run_write("module", fill_module, m);
}

void lh_modules_write_all(void) {
  if (nmods == 0)
    scan();
  for (size_t i = 0; i < nmods; i++)
    write_module(&mods[i]);
}

void lh_modules_cover(uintptr_t addr) {
  struct lh_module *m = find(addr);
  if (!m) {
    unsigned long long adds = 0;
    dl_iterate_phdr(read_adds, &adds);
    if (adds == seen_adds && nmods > 0)
      return;
    scan();
    m = find(addr);
  }
  if (m)
    write_module(m);
}

void lh_modules_mark_unwritten(void) {
  for (size_t i = 0; i < nmods; i++)
    mods[i].written = false;
}

bool lh_modules_self_range(uintptr_t *lo, uintptr_t *hi) {
  Dl_info di;
  if (!dladdr((void *)lh_modules_self_range, &di) || !di.dli_fbase)
    return false;
  if (nmods == 0)
    scan();
  for (size_t i = 0; i < nmods; i++) {
    struct lh_module *m = &mods[i];
    if (m->base == (uintptr_t)di.dli_fbase ||
        module_contains(m, (uintptr_t)lh_modules_self_range)) {
      *lo = m->lo[0];
      *hi = m->lo[0];
      for (int s = 0; s < m->nsegs; s++) {
        if (m->lo[s] < *lo) *lo = m->lo[s];
        if (m->hi[s] > *hi) *hi = m->hi[s];
      }
      return true;
    }
  }
  return false;
}
