/* module_map.c - see module_map.h. Modules live in a growing array in load order, retired ones
 * included; lookups are linear, which is fine because they happen only when a stack is written
 * or the set of loaded objects changed.
 *
 * An object is the same module as a known live one when it has the same load bias, path, device
 * and inode (the file of the main program is /proc/self/exe); a library rebuilt in place and
 * loaded again at the same address is thus a new module too. Limits: objects without a file
 * (the vDSO) are compared by bias and name only; a stack captured by the race detector is
 * symbolised with the modules live when it is reported, not when its frames ran. */
#include "registry/module_map.h"

#include <link.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runfile/run_file.h"

#define LH_MAX_SEGS 16
#define LIVE UINT32_MAX

struct lh_module {
  uintptr_t base;
  uintptr_t lo[LH_MAX_SEGS], hi[LH_MAX_SEGS];
  int nsegs;
  char *path;
  dev_t dev;
  ino_t ino;
  uint32_t born, gone; /* live in generations [born, gone); gone is LIVE while loaded */
  uint64_t written;    /* order of its latest record in the run file (0: none yet) */
  bool seen;           /* found by the scan in progress */
};

uint32_t lh_module_generation;
/* Owned by the recorder lock. */
static struct lh_module *mods;
static size_t nmods, capmods;
static unsigned long long seen_adds, seen_subs; /* the loader's counters at the last scan */
static uint64_t records;                        /* module records written to this run file */
static uint32_t next_id;                        /* the next module record's id */

static bool module_contains(const struct lh_module *m, uintptr_t addr) {
  for (int i = 0; i < m->nsegs; i++)
    if (addr >= m->lo[i] && addr < m->hi[i]) return true;
  return false;
}

static bool live_in(const struct lh_module *m, uint32_t gen) {
  return m->born <= gen && gen < m->gone;
}

static struct lh_module *find(uintptr_t addr, uint32_t gen) {
  for (size_t i = nmods; i-- > 0;)
    if (live_in(&mods[i], gen) && module_contains(&mods[i], addr)) return &mods[i];
  return NULL;
}

static struct lh_module *live_match(uintptr_t base, const char *path, const struct stat *st) {
  for (size_t i = 0; i < nmods; i++) {
    struct lh_module *m = &mods[i];
    if (m->gone == LIVE && m->base == base && strcmp(m->path, path) == 0 &&
        (!st || (m->dev == st->st_dev && m->ino == st->st_ino)))
      return m;
  }
  return NULL;
}

static int add_one(struct dl_phdr_info *info, size_t size, void *data) {
  (void)data;
  seen_adds = info->dlpi_adds;
  if (size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof info->dlpi_subs)
    seen_subs = info->dlpi_subs;
  char exe[4096];
  const char *path = info->dlpi_name;
  const char *file = path;
  if (!path || !*path) { /* the main program */
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    path = exe;
    file = "/proc/self/exe";
  }
  struct stat st;
  bool has_file = stat(file, &st) == 0;
  struct lh_module *known = live_match(info->dlpi_addr, path, has_file ? &st : NULL);
  if (known) {
    known->seen = true;
    return 0;
  }
  if (nmods == capmods) {
    size_t cap = capmods ? capmods * 2 : 32;
    struct lh_module *m = realloc(mods, cap * sizeof *m);
    if (!m) return 1;
    mods = m;
    capmods = cap;
  }
  struct lh_module *m = &mods[nmods];
  memset(m, 0, sizeof *m);
  m->base = info->dlpi_addr;
  for (int i = 0; i < info->dlpi_phnum && m->nsegs < LH_MAX_SEGS; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD) continue;
    m->lo[m->nsegs] = info->dlpi_addr + ph->p_vaddr;
    m->hi[m->nsegs] = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
    m->nsegs++;
  }
  m->path = strdup(path);
  if (!m->path) return 1;
  if (has_file) {
    m->dev = st.st_dev;
    m->ino = st.st_ino;
  }
  m->born = lh_module_generation;
  m->gone = LIVE;
  m->seen = true;
  nmods++;
  return 0;
}

/* Reads the loaded objects: new ones are added, live ones no longer there are retired. Returns
 * true when one was retired: the modules added by this scan then start a new generation, so that
 * no generation has two live modules at one address. */
static bool scan(void) {
  size_t first_new = nmods;
  for (size_t i = 0; i < nmods; i++) mods[i].seen = false;
  dl_iterate_phdr(add_one, NULL);
  bool retired = false;
  uint32_t next = lh_module_generation + 1;
  for (size_t i = 0; i < first_new; i++)
    if (mods[i].gone == LIVE && !mods[i].seen) {
      mods[i].gone = next;
      retired = true;
    }
  if (retired) {
    for (size_t i = first_new; i < nmods; i++) mods[i].born = next;
    __atomic_store_n(&lh_module_generation, next, __ATOMIC_RELEASE);
  }
  return retired;
}

/* The loader's counters of objects ever added and removed, from the first object. */
static int read_counters(struct dl_phdr_info *info, size_t size, void *data) {
  unsigned long long *c = data;
  c[0] = info->dlpi_adds;
  if (size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof info->dlpi_subs)
    c[1] = info->dlpi_subs;
  return 1;
}

bool lh_modules_refresh(void) {
  unsigned long long c[2] = {0, 0};
  dl_iterate_phdr(read_counters, c);
  if (nmods > 0 && c[0] == seen_adds && c[1] == seen_subs) return false;
  return scan();
}

bool lh_modules_contains(uintptr_t addr) { return find(addr, lh_module_generation) != NULL; }

bool lh_modules_just_retired(uintptr_t addr) {
  for (size_t i = 0; i < nmods; i++)
    if (mods[i].gone == lh_module_generation && module_contains(&mods[i], addr)) return true;
  return false;
}

static void fill_module(struct lh_json_line *jl, const void *p) {
  const struct lh_module *m = p;
  lh_jl_kv_int(jl, "id", next_id);
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
  /* first: lh_run_write may open the file, which writes every live module */
  m->written = ++records;
  lh_run_write("module", fill_module, m);
  next_id++;
}

/* Whether a record of another module that overlaps m came after m's latest record. */
static bool superseded(const struct lh_module *m) {
  for (size_t i = 0; i < nmods; i++) {
    const struct lh_module *o = &mods[i];
    if (o == m || o->written <= m->written) continue;
    for (int s = 0; s < o->nsegs; s++)
      for (int t = 0; t < m->nsegs; t++)
        if (o->lo[s] < m->hi[t] && m->lo[t] < o->hi[s]) return true;
  }
  return false;
}

void lh_modules_write_all(void) {
  if (nmods == 0) scan();
  for (size_t i = 0; i < nmods; i++)
    if (mods[i].gone == LIVE && !mods[i].written) write_module(&mods[i]);
}

void lh_modules_cover(uintptr_t addr, uint32_t gen) {
  struct lh_module *m = find(addr, gen);
  if (!m && gen == lh_module_generation) {
    unsigned long long c[2] = {0, 0};
    dl_iterate_phdr(read_counters, c);
    if (c[0] == seen_adds && c[1] == seen_subs && nmods > 0) return;
    scan();
    m = find(addr, gen);
  }
  if (m && (!m->written || superseded(m))) write_module(m);
}

void lh_modules_mark_unwritten(void) {
  for (size_t i = 0; i < nmods; i++) mods[i].written = 0;
  records = 0;
}

bool lh_modules_self_range(uintptr_t *lo, uintptr_t *hi) {
  struct lh_module_span self;
  if (!lh_module_span_of((uintptr_t)lh_modules_self_range, NULL, &self)) return false;
  *lo = self.lo;
  *hi = self.hi;
  return true;
}

struct span_search {
  uintptr_t addr;
  const char *part;
  struct lh_module_span *out;
  bool found;
};

static int span_one(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct span_search *q = data;
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  bool inside = false;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD) continue;
    uintptr_t a = info->dlpi_addr + ph->p_vaddr, b = a + ph->p_memsz;
    if (a < lo) lo = a;
    if (b > hi) hi = b;
    inside = inside || (q->addr >= a && q->addr < b);
  }
  if (!inside) return 0;
  q->out->lo = lo;
  q->out->hi = hi;
  q->out->has_part = q->part && info->dlpi_name && strstr(info->dlpi_name, q->part);
  q->found = true;
  return 1;
}

bool lh_module_span_of(uintptr_t addr, const char *part, struct lh_module_span *out) {
  struct span_search q = {addr, part, out, false};
  dl_iterate_phdr(span_one, &q);
  return q.found;
}
