/* symbolize.c - turning module-relative addresses into source locations and variable names.
 *
 * One libdw Dwfl session per module path, opened on first use with the offline callbacks: the
 * file is reported with dwfl_report_elf at base 0 (relative to its own p_vaddr), so a
 * module-relative address is the ELF virtual address, whether the module is an executable, a
 * PIE or a shared library. dwfl_standard_find_debuginfo finds separate debug info
 * (/usr/lib/debug/.build-id/xx/yyyy.debug, .gnu_debuglink; debuginfod when the user set
 * DEBUGINFOD_URLS). A module that cannot be opened (missing, not ELF, not a regular file)
 * is remembered as unavailable and never retried.
 *
 * Code: the unit holding pc (dwfl_module_addrdie, else dwarf_units.c) is indexed once
 * (dwarf_functions.c) to give the inlined instances holding pc and the function they were
 * inlined into; each is one frame, whose caller's line is the DW_AT_call_file/DW_AT_call_line
 * of the inlined DIE; the innermost line comes from the line table. Without DWARF, the
 * function is the ELF symbol (STT_FUNC) holding pc.
 *
 * Data: the STT_OBJECT symbol holding the address gives the object's start; the DWARF
 * variable at that start (dwarf_names.c) gives its source name and the type walk
 * ("accounts[3].lock"); when no symbol holds the address, the DWARF variable alone. Without
 * DWARF: "symbol+0xOFF", with the compiler's decoration of local statics removed.
 *
 * Every answer is cached per (module, address) and every string interned, so repeated frames
 * cost one hash lookup and strings stay valid until lh_sym_free. Not thread-safe. */
#include "symbols/symbolize.h"
#include "base/grow.h"
#include "base/text_escape.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uthash.h>

#include "base/input_file.h"
#include "symbols/demangle.h"
#include "symbols/dwarf_functions.h"
#include "symbols/dwarf_names.h"
#include "symbols/dwarf_units.h"

enum { LH_MAX_INLINE_DEPTH = 32, LH_EXPR_MAX = 512 };

struct interned {
  UT_hash_handle hh;
  char text[]; /* key */
};

struct code_entry {
  uint64_t pc; /* key: module-relative */
  size_t count;
  struct lh_source_loc *locs;
  UT_hash_handle hh;
};

struct data_entry {
  uint64_t addr; /* key: module-relative */
  const char *name, *decl_file;
  int decl_line;
  UT_hash_handle hh;
};

struct unit_entry {
  Dwarf_Off cu; /* key: offset of the unit DIE */
  struct lh_unit_functions *functions;
  UT_hash_handle hh;
};

struct object_symbol {
  uint64_t start, size; /* Dwfl addresses */
  const char *name;     /* interned */
  bool local;
};

struct sym_module {
  char *path; /* key */
  Dwfl *dwfl; /* NULL: the module could not be opened */
  Dwfl_Module *mod;
  GElf_Addr bias; /* Dwfl address = module-relative address + bias */
  struct code_entry *code;
  struct data_entry *data;
  bool objects_loaded, dwarf_loaded, vars_loaded, units_loaded, dirs_loaded;
  const char **source_dirs; /* lh_sym_source_dirs: interned, resolved */
  size_t nsource_dirs;
  struct object_symbol *objects; /* STT_OBJECT symbols, sorted by start */
  size_t nobjects;
  struct lh_dwarf_vars *vars;   /* NULL when there is no DWARF */
  struct lh_dwarf_units *units; /* NULL when there is no DWARF */
  struct unit_entry *unit_functions;
  Dwarf *dwarf;
  Dwarf_Addr dwarf_bias; /* Dwfl address = DWARF address + dwarf_bias */
  UT_hash_handle hh;
};

struct lh_symbolizer {
  struct sym_module *modules;
  struct interned *strings;
  const char **roots; /* --source-root, interned; replaces every module's source dirs */
  size_t nroots;
};

/* ---- strings ---------------------------------------------------------------------------- */

/* Every name the symbolizer gives (functions, files, variables) is interned with its control
 * characters escaped (text_escape.h): the debug information is the program's, and a newline in a
 * name must not start a line of the report. Every output shows the same escaped name, and a
 * suppression pattern matches what the report shows. */
static const char *intern(struct lh_symbolizer *sym, const char *raw) {
  if (raw == NULL) return NULL;
  char *escaped = lh_text_needs_escape(raw) ? lh_text_escaped(raw) : NULL;
  const char *s = escaped ? escaped : raw;
  struct interned *found;
  HASH_FIND_STR(sym->strings, s, found);
  if (found == NULL) {
    size_t len = strlen(s);
    found = malloc(sizeof *found + len + 1);
    if (found != NULL) {
      memcpy(found->text, s, len + 1);
      HASH_ADD_KEYPTR(hh, sym->strings, found->text, len, found);
    }
  }
  free(escaped);
  return found ? found->text : NULL;
}

/* ---- modules ---------------------------------------------------------------------------- */

/* The CRC-32 (the one .gnu_debuglink records: reflected, polynomial 0xedb88320) of the rest of
 * fd, or false when it cannot be read. */
static bool file_crc32(int fd, uint32_t *crc_out) {
  static uint32_t table[256]; /* filled once; the symbolizer is not thread-safe anyway */
  if (table[1] == 0)
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
  uint32_t crc = 0xffffffffu;
  unsigned char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    for (ssize_t i = 0; i < n; i++) crc = table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
  }
  *crc_out = crc ^ 0xffffffffu;
  return true;
}

/* name in dir, opened as separate debug info when it is a regular file (input_file.c: never a
 * FIFO or device, which would block libdw's open), is not the main file itself, and has the CRC
 * the debuglink records (0: not recorded). */
static int try_debug_file(const char *dir, const char *name, const struct stat *main_st,
                          GElf_Word crc, char **found) {
  char path[PATH_MAX], why[LH_INPUT_WHY_SIZE];
  if (snprintf(path, sizeof path, "%s%s%s", dir, *dir ? "/" : "", name) >= (int)sizeof path)
    return -1;
  int fd = lh_input_open_fd(path, LH_INPUT_DEBUG_INFO, why);
  struct stat st;
  uint32_t got;
  if (fd < 0) return -1;
  if (fstat(fd, &st) != 0 ||
      (main_st && st.st_dev == main_st->st_dev && st.st_ino == main_st->st_ino) ||
      (crc != 0 && (!file_crc32(fd, &got) || got != crc)) || lseek(fd, 0, SEEK_SET) != 0) {
    close(fd);
    return -1;
  }
  *found = strdup(path);
  return fd;
}

/* The search by name for the debug info of file_name (see find_debuginfo); -1 when not found. */
static int debug_file_by_name(const char *file_name, const char *debuglink_file,
                              GElf_Word debuglink_crc, char **found) {
  char name[PATH_MAX], dir[PATH_MAX], debug_dir[PATH_MAX + 32];
  const char *slash = strrchr(file_name, '/');
  if (debuglink_file != NULL)
    snprintf(name, sizeof name, "%s", debuglink_file);
  else
    snprintf(name, sizeof name, "%s.debug", slash ? slash + 1 : file_name);
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - file_name) : 0, file_name);
  struct stat main_st;
  const struct stat *self = stat(file_name, &main_st) == 0 ? &main_st : NULL;
  if (name[0] == '/') return try_debug_file("", name, self, debuglink_crc, found);
  const char *main_dir = !slash ? "." : slash == file_name ? "/" : dir;
  int fd = try_debug_file(main_dir, name, self, debuglink_crc, found);
  if (fd < 0) {
    snprintf(debug_dir, sizeof debug_dir, "%s/.debug", main_dir);
    fd = try_debug_file(debug_dir, name, self, debuglink_crc, found);
  }
  /* /usr/lib/debug/opt/x, then /usr/lib/debug/x, then /usr/lib/debug, for /opt/x/prog. */
  for (const char *tail = dir; fd < 0 && dir[0] == '/'; tail = strchr(tail + 1, '/')) {
    snprintf(debug_dir, sizeof debug_dir, "/usr/lib/debug%s", tail ? tail : "");
    fd = try_debug_file(debug_dir, name, self, debuglink_crc, found);
    if (tail == NULL) break;
  }
  return fd;
}

/* find_debuginfo for libdwfl. libdw's standard search opens every place a .gnu_debuglink name
 * can be with a plain open(), which blocks for ever on a FIFO; so the search by name is ours,
 * through try_debug_file, in the standard order (libdwfl.h: the main file's directory, its .debug
 * subdirectory, then /usr/lib/debug + that directory and each shorter tail of it, down to
 * /usr/lib/debug itself), for the debuglink name or else <file>.debug, and again from the file's
 * real path when it is a symbolic link. Before it, the build ID (only under
 * /usr/lib/debug/.build-id); after it, when DEBUGINFOD_URLS names a server, the standard function
 * without any name, which then only does the build-ID look-up again and debuginfod. Without a
 * server it is not called: Debian 12's libdw (0.188) dlopens libdebuginfod there whether or not
 * a server is set, and with it libcurl, GnuTLS and Kerberos, a dozen libraries that took 15 ms of
 * every report that met a module without debug information (python3.11: 22 ms in all). */
static int find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
                          const char *file_name, const char *debuglink_file,
                          GElf_Word debuglink_crc, char **debuginfo_file_name) {
  int fd = dwfl_build_id_find_debuginfo(mod, userdata, modname, base, file_name, debuglink_file,
                                        debuglink_crc, debuginfo_file_name);
  char real[PATH_MAX];
  if (fd < 0 && file_name != NULL)
    fd = debug_file_by_name(file_name, debuglink_file, debuglink_crc, debuginfo_file_name);
  if (fd < 0 && file_name != NULL && realpath(file_name, real) && strcmp(real, file_name) != 0)
    fd = debug_file_by_name(real, debuglink_file, debuglink_crc, debuginfo_file_name);
  if (fd >= 0) return fd;
  const char *servers = getenv("DEBUGINFOD_URLS");
  if (!servers || !*servers) return -1;
  return dwfl_standard_find_debuginfo(mod, userdata, modname, base, NULL, NULL, 0,
                                      debuginfo_file_name);
}

static const Dwfl_Callbacks offline_callbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = find_debuginfo,
    .section_address = dwfl_offline_section_address,
};

static void open_module(struct sym_module *m) {
  /* Only regular files (input_file.c): a FIFO or device named by a damaged run file would block
   * or never end. The descriptor checked is the one libdw reads, and it keeps it. */
  char why[LH_INPUT_WHY_SIZE];
  int fd = lh_input_open_fd(m->path, LH_INPUT_DEBUG_INFO, why);
  if (fd < 0) return;
  m->dwfl = dwfl_begin(&offline_callbacks);
  if (m->dwfl == NULL) {
    close(fd);
    return;
  }
  dwfl_report_begin(m->dwfl);
  m->mod = dwfl_report_elf(m->dwfl, m->path, m->path, fd, 0, true);
  if (m->mod == NULL) close(fd); /* consumed only on success */
  if (m->mod == NULL || dwfl_report_end(m->dwfl, NULL, NULL) != 0 ||
      dwfl_module_getelf(m->mod, &m->bias) == NULL) {
    dwfl_end(m->dwfl);
    m->dwfl = NULL;
    m->mod = NULL;
  }
}

static struct sym_module *module_for(struct lh_symbolizer *sym, const char *path) {
  if (sym == NULL || path == NULL) return NULL;
  struct sym_module *m;
  HASH_FIND_STR(sym->modules, path, m);
  if (m == NULL) {
    m = calloc(1, sizeof *m);
    if (m == NULL || (m->path = strdup(path)) == NULL) {
      free(m);
      return NULL;
    }
    open_module(m);
    HASH_ADD_KEYPTR(hh, sym->modules, m->path, strlen(m->path), m);
  }
  return m->dwfl != NULL ? m : NULL;
}

static void free_module(struct sym_module *m) {
  struct code_entry *c, *ctmp;
  HASH_ITER(hh, m->code, c, ctmp) {
    HASH_DEL(m->code, c);
    free(c->locs);
    free(c);
  }
  struct data_entry *d, *dtmp;
  HASH_ITER(hh, m->data, d, dtmp) {
    HASH_DEL(m->data, d);
    free(d);
  }
  free(m->objects);
  free(m->source_dirs);
  lh_dwarf_vars_free(m->vars);
  lh_dwarf_units_free(m->units);
  struct unit_entry *u, *utmp;
  HASH_ITER(hh, m->unit_functions, u, utmp) {
    HASH_DEL(m->unit_functions, u);
    lh_unit_functions_free(u->functions);
    free(u);
  }
  if (m->dwfl != NULL) dwfl_end(m->dwfl);
  free(m->path);
  free(m);
}

struct lh_symbolizer *lh_sym_new(void) {
  return calloc(1, sizeof(struct lh_symbolizer));
}

void lh_sym_free(struct lh_symbolizer *sym) {
  if (sym == NULL) return;
  struct sym_module *m, *mtmp;
  HASH_ITER(hh, sym->modules, m, mtmp) {
    HASH_DEL(sym->modules, m);
    free_module(m);
  }
  free(sym->roots);
  struct interned *s, *stmp;
  HASH_ITER(hh, sym->strings, s, stmp) {
    HASH_DEL(sym->strings, s);
    free(s);
  }
  free(sym);
}

/* The module's DWARF (from the file itself or separate debug info), or NULL. */
static Dwarf *module_dwarf(struct sym_module *m) {
  if (!m->dwarf_loaded) {
    m->dwarf_loaded = true;
    m->dwarf = dwfl_module_getdwarf(m->mod, &m->dwarf_bias);
  }
  return m->dwarf;
}

/* The unit whose code holds addr (a Dwfl address); *bias converts to DWARF addresses. */
static bool unit_at(struct sym_module *m, Dwarf_Addr addr, Dwarf_Die *cudie, Dwarf_Addr *bias) {
  Dwarf_Die *found = dwfl_module_addrdie(m->mod, addr, bias);
  if (found != NULL) {
    *cudie = *found;
    return true;
  }
  if (module_dwarf(m) == NULL) return false;
  if (!m->units_loaded) {
    m->units_loaded = true;
    m->units = lh_dwarf_units_new(m->dwarf);
  }
  *bias = m->dwarf_bias;
  return m->units != NULL && lh_dwarf_units_find(m->units, m->dwarf, addr - *bias, cudie);
}

/* ---- code ------------------------------------------------------------------------------- */

/* Source name of a function DIE; abstract origins and specifications are followed. A C++
 * function's linkage name comes first: demangled (intern_function), it is the qualified name
 * (PeakMeter::record()), where DW_AT_name is only "record". */
static const char *function_name(Dwarf_Die *die) {
  Dwarf_Attribute attr;
  const char *name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &attr));
  if (name == NULL)
    name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr));
  if (name != NULL && strncmp(name, "_Z", 2) == 0) return name;
  const char *plain = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));
  return plain != NULL ? plain : name;
}

/* A function's name, interned: a mangled C++ name demangled (symbols/demangle.c). */
static const char *intern_function(struct lh_symbolizer *sym, const char *raw) {
  char *demangled = lh_demangle(raw);
  const char *s = intern(sym, demangled ? demangled : raw);
  free(demangled);
  return s;
}

/* The ELF function symbol holding addr, or NULL. */
static const char *function_symbol(Dwfl_Module *mod, Dwarf_Addr addr) {
  GElf_Off off;
  GElf_Sym symbol;
  const char *name = dwfl_module_addrinfo(mod, addr, &off, &symbol, NULL, NULL, NULL);
  if (name == NULL) return NULL;
  int type = GELF_ST_TYPE(symbol.st_info);
  if (type != STT_FUNC && type != STT_GNU_IFUNC) return NULL;
  if (symbol.st_size != 0 && off >= symbol.st_size) return NULL;
  return name;
}

static int udata(Dwarf_Die *die, unsigned int name) {
  Dwarf_Attribute attr;
  Dwarf_Word w;
  if (dwarf_formudata(dwarf_attr(die, name, &attr), &w) != 0 || w > INT32_MAX) return 0;
  return (int)w;
}

/* The caller's position of an inlined call: DW_AT_call_file indexes the unit's file table. */
static void call_site(struct lh_symbolizer *sym, Dwarf_Die *inlined, Dwarf_Files *files,
                      size_t nfiles, struct lh_source_loc *caller) {
  Dwarf_Attribute attr;
  Dwarf_Word index;
  caller->file = NULL;
  if (files != NULL && dwarf_formudata(dwarf_attr(inlined, DW_AT_call_file, &attr), &index) == 0 &&
      index < nfiles)
    caller->file = intern(sym, dwarf_filesrc(files, index, NULL, NULL));
  caller->line = udata(inlined, DW_AT_call_line);
  caller->column = udata(inlined, DW_AT_call_column);
}

/* The function DIEs holding pc (a DWARF address) in the unit, innermost first. */
static size_t function_chain(struct sym_module *m, Dwarf_Die *cudie, Dwarf_Addr pc,
                             Dwarf_Die *chain, size_t max) {
  Dwarf_Off key = dwarf_dieoffset(cudie);
  struct unit_entry *u;
  HASH_FIND(hh, m->unit_functions, &key, sizeof key, u);
  if (u == NULL) {
    if ((u = calloc(1, sizeof *u)) == NULL) return 0;
    u->cu = key;
    u->functions = lh_unit_functions_new(cudie);
    HASH_ADD(hh, m->unit_functions, cu, sizeof u->cu, u);
  }
  return u->functions != NULL ? lh_unit_functions_at(u->functions, pc, chain, max) : 0;
}

/* Innermost position, from the unit's line table (pc is a DWARF address). */
static void line_of(struct lh_symbolizer *sym, Dwarf_Die *cudie, Dwarf_Addr pc,
                    struct lh_source_loc *loc) {
  Dwarf_Line *line = dwarf_getsrc_die(cudie, pc);
  int lineno = 0, col = 0;
  if (line == NULL) return;
  loc->file = intern(sym, dwarf_linesrc(line, NULL, NULL));
  loc->line = dwarf_lineno(line, &lineno) == 0 ? lineno : 0;
  loc->column = dwarf_linecol(line, &col) == 0 ? col : 0;
}

static size_t resolve_code(struct lh_symbolizer *sym, struct sym_module *m, Dwarf_Addr addr,
                           struct lh_source_loc *locs) {
  Dwarf_Die chain[LH_MAX_INLINE_DEPTH];
  size_t count = 0;
  Dwarf_Addr cubias;
  Dwarf_Die cudie;
  bool have_unit = unit_at(m, addr, &cudie, &cubias);
  if (have_unit) count = function_chain(m, &cudie, addr - cubias, chain, LH_MAX_INLINE_DEPTH);

  memset(locs, 0, sizeof *locs * (count ? count : 1));
  if (have_unit) line_of(sym, &cudie, addr - cubias, &locs[0]);
  if (count == 0) {
    locs[0].function = intern_function(sym, function_symbol(m->mod, addr));
    return locs[0].function != NULL || locs[0].file != NULL ? 1 : 0;
  }
  Dwarf_Files *files = NULL;
  size_t nfiles = 0;
  if (dwarf_getsrcfiles(&cudie, &files, &nfiles) != 0) files = NULL;
  for (size_t i = 0; i < count; i++) {
    bool inlined = dwarf_tag(&chain[i]) == DW_TAG_inlined_subroutine;
    locs[i].function = intern_function(sym, function_name(&chain[i]));
    int decl = 0;
    locs[i].function_line = dwarf_decl_line(&chain[i], &decl) == 0 && decl > 0 ? decl : 0;
    locs[i].inlined = inlined && i + 1 < count;
    if (inlined && i + 1 < count) call_site(sym, &chain[i], files, nfiles, &locs[i + 1]);
  }
  if (locs[count - 1].function == NULL)
    locs[count - 1].function = intern_function(sym, function_symbol(m->mod, addr));
  return count;
}

static struct code_entry *code_entry_for(struct lh_symbolizer *sym, struct sym_module *m,
                                         uint64_t rel_pc) {
  struct code_entry *e;
  HASH_FIND(hh, m->code, &rel_pc, sizeof rel_pc, e);
  if (e != NULL) return e;
  struct lh_source_loc locs[LH_MAX_INLINE_DEPTH];
  size_t count = resolve_code(sym, m, rel_pc + m->bias, locs);
  e = calloc(1, sizeof *e);
  if (e == NULL) return NULL;
  if (count > 0 && (e->locs = malloc(count * sizeof *e->locs)) == NULL) {
    free(e);
    return NULL;
  }
  if (count > 0) memcpy(e->locs, locs, count * sizeof *locs);
  e->pc = rel_pc;
  e->count = count;
  HASH_ADD(hh, m->code, pc, sizeof e->pc, e);
  return e;
}

size_t lh_sym_code(struct lh_symbolizer *sym, const char *module_path, uint64_t rel_pc,
                   struct lh_source_loc *out, size_t max) {
  struct sym_module *m = module_for(sym, module_path);
  if (m == NULL || out == NULL || max == 0) return 0;
  struct code_entry *e = code_entry_for(sym, m, rel_pc);
  if (e == NULL) return 0;
  size_t n = e->count < max ? e->count : max;
  if (n > 0) /* e->locs is NULL when nothing is known */
    memcpy(out, e->locs, n * sizeof *out);
  return n;
}

/* ---- data ------------------------------------------------------------------------------- */

static int object_order(const void *a, const void *b) {
  const struct object_symbol *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->local != y->local)
    return x->local ? 1 : -1; /* the global name of an aliased object first */
  return 0;
}

static void load_objects(struct lh_symbolizer *sym, struct sym_module *m) {
  m->objects_loaded = true;
  int n = dwfl_module_getsymtab(m->mod);
  if (n <= 0 || (m->objects = calloc((size_t)n, sizeof *m->objects)) == NULL) return;
  for (int i = 1; i < n; i++) {
    GElf_Sym s;
    GElf_Addr addr;
    GElf_Word shndx;
    const char *name = dwfl_module_getsym_info(m->mod, i, &s, &addr, &shndx, NULL, NULL);
    if (name == NULL || *name == '\0' || GELF_ST_TYPE(s.st_info) != STT_OBJECT || s.st_size == 0 ||
        shndx == SHN_UNDEF)
      continue;
    m->objects[m->nobjects++] = (struct object_symbol){addr, s.st_size, intern(sym, name),
                                                       GELF_ST_BIND(s.st_info) == STB_LOCAL};
  }
  if (m->nobjects > 1) lh_sort(m->objects, m->nobjects, sizeof *m->objects, object_order);
}

static const struct object_symbol *object_at(struct lh_symbolizer *sym, struct sym_module *m,
                                             Dwarf_Addr addr) {
  if (!m->objects_loaded) load_objects(sym, m);
  size_t lo = 0, hi = m->nobjects;
  while (lo < hi) { /* first symbol starting after addr */
    size_t mid = lo + (hi - lo) / 2;
    if (m->objects[mid].start <= addr)
      lo = mid + 1;
    else
      hi = mid;
  }
  /* Walk back to the first of the symbols sharing the nearest start (the global alias),
   * then further back in case a larger object encloses addr. */
  const struct object_symbol *best = NULL;
  for (size_t i = lo, looked = 0; i > 0 && looked < 16; i--, looked++) {
    const struct object_symbol *o = &m->objects[i - 1];
    if (addr - o->start < o->size)
      best = o;
    else if (best != NULL)
      break;
  }
  return best;
}

size_t lh_sym_variable_indexes(const struct lh_symbolizer *sym) {
  size_t n = 0;
  for (const struct sym_module *m = sym->modules; m; m = m->hh.next) n += m->vars_loaded;
  return n;
}

static void load_vars(struct sym_module *m) {
  m->vars_loaded = true;
  if (module_dwarf(m) != NULL) m->vars = lh_dwarf_vars_new(m->dwarf);
}

/* The source name of a function-local static from its symbol: gcc calls "counter" in f
 * "counter.0", clang "f.counter". */
static void local_source_name(char *name) {
  char *dot = strrchr(name, '.');
  if (dot != NULL && dot != name && dot[1] != '\0' &&
      strspn(dot + 1, "0123456789") == strlen(dot + 1))
    *dot = '\0';
  dot = strrchr(name, '.');
  if (dot != NULL && dot[1] != '\0') memmove(name, dot + 1, strlen(dot + 1) + 1);
}

static void name_from_symbol(const struct object_symbol *o, Dwarf_Addr addr, char *buf,
                             size_t size) {
  snprintf(buf, size, "%s", o->name);
  if (o->local) local_source_name(buf);
  if (addr != o->start) {
    size_t len = strlen(buf);
    snprintf(buf + len, size - len, "+0x%" PRIx64, (uint64_t)(addr - o->start));
  }
}

static void resolve_data(struct lh_symbolizer *sym, struct sym_module *m, Dwarf_Addr addr,
                         struct data_entry *e) {
  const struct object_symbol *o = object_at(sym, m, addr);
  if (!m->vars_loaded) load_vars(m);
  Dwarf_Die var;
  bool found = false;
  uint64_t start = 0;
  if (m->vars != NULL) {
    if (o != NULL) {
      start = o->start;
      found = lh_dwarf_vars_at(m->vars, m->dwarf, o->start - m->dwarf_bias, &var);
    } else if (lh_dwarf_vars_containing(m->vars, m->dwarf, addr - m->dwarf_bias, &var, &start)) {
      start += m->dwarf_bias;
      found = true;
    }
  }
  char buf[LH_EXPR_MAX];
  if (found && lh_dwarf_var_expression(&var, addr - start, buf, sizeof buf)) {
    int line = 0;
    e->name = intern(sym, buf);
    e->decl_file = intern(sym, lh_dwarf_decl_file(&var));
    e->decl_line = dwarf_decl_line(&var, &line) == 0 ? line : 0;
  } else if (o != NULL) {
    name_from_symbol(o, addr, buf, sizeof buf);
    e->name = intern(sym, buf);
  }
}

const char *lh_sym_data(struct lh_symbolizer *sym, const char *module_path, uint64_t rel_addr,
                        const char **decl_file, int *decl_line) {
  if (decl_file != NULL) *decl_file = NULL;
  if (decl_line != NULL) *decl_line = 0;
  struct sym_module *m = module_for(sym, module_path);
  if (m == NULL) return NULL;
  struct data_entry *e;
  HASH_FIND(hh, m->data, &rel_addr, sizeof rel_addr, e);
  if (e == NULL) {
    if ((e = calloc(1, sizeof *e)) == NULL) return NULL;
    e->addr = rel_addr;
    resolve_data(sym, m, rel_addr + m->bias, e);
    HASH_ADD(hh, m->data, addr, sizeof e->addr, e);
  }
  if (decl_file != NULL) *decl_file = e->decl_file;
  if (decl_line != NULL) *decl_line = e->decl_line;
  return e->name;
}

/* ---- source directories ------------------------------------------------------------------ */

bool lh_path_under(const char *path, const char *const *dirs, size_t count) {
  for (size_t i = 0; i < count; i++) {
    size_t n = strlen(dirs[i]);
    if (strncmp(path, dirs[i], n) == 0 && (path[n] == '/' || path[n] == '\0')) return true;
  }
  return false;
}

bool lh_path_is_pseudo(const char *path) {
  static const char *const pseudo[] = {"/proc", "/sys", "/dev"};
  return lh_path_under(path, pseudo, sizeof pseudo / sizeof *pseudo);
}

/* Adds dir (resolved) to the module's source directories, once. */
static void add_source_dir(struct lh_symbolizer *sym, struct sym_module *m, const char *dir) {
  char real[PATH_MAX];
  if (dir == NULL || realpath(dir, real) == NULL || strcmp(real, "/") == 0 ||
      lh_path_is_pseudo(real))
    return;
  const char *s = intern(sym, real);
  for (size_t i = 0; i < m->nsource_dirs; i++)
    if (m->source_dirs[i] == s) /* interned: equal strings are the same pointer */
      return;
  const char **bigger = realloc(m->source_dirs, (m->nsource_dirs + 1) * sizeof *bigger);
  if (bigger == NULL) return;
  m->source_dirs = bigger;
  m->source_dirs[m->nsource_dirs++] = s;
}

static void load_source_dirs(struct lh_symbolizer *sym, struct sym_module *m) {
  m->dirs_loaded = true;
  Dwarf *dw = module_dwarf(m);
  if (dw == NULL) return;
  /* Units with the same directories are common (every unit of a program): resolve each
   * distinct string once. */
  const char *last_comp = NULL, *last_name_dir = NULL;
  Dwarf_CU *cu = NULL;
  Dwarf_Die cudie;
  uint8_t unit_type;
  while (dwarf_get_units(dw, cu, &cu, NULL, &unit_type, &cudie, NULL) == 0) {
    Dwarf_Attribute attr;
    const char *comp = dwarf_formstring(dwarf_attr(&cudie, DW_AT_comp_dir, &attr));
    const char *name = dwarf_diename(&cudie);
    comp = intern(sym, comp);
    if (comp != NULL && comp != last_comp) {
      add_source_dir(sym, m, comp);
      last_comp = comp;
    }
    if (name == NULL || strrchr(name, '/') == NULL) name = NULL;
    char dir[PATH_MAX];
    if (name != NULL && name[0] == '/')
      snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(name, '/') - name), name);
    else if (name != NULL && comp != NULL)
      snprintf(dir, sizeof dir, "%s/%.*s", comp, (int)(strrchr(name, '/') - name), name);
    else
      continue;
    const char *d = intern(sym, dir[0] ? dir : "/");
    if (d != last_name_dir) {
      add_source_dir(sym, m, d);
      last_name_dir = d;
    }
  }
}

void lh_sym_set_source_roots(struct lh_symbolizer *sym, const char *const *roots, size_t count) {
  free(sym->roots);
  sym->roots = count ? calloc(count, sizeof *sym->roots) : NULL;
  sym->nroots = 0;
  for (size_t i = 0; sym->roots != NULL && i < count; i++)
    sym->roots[sym->nroots++] = intern(sym, roots[i]);
}

const char *const *lh_sym_source_dirs(struct lh_symbolizer *sym, const char *module_path,
                                      size_t *count) {
  *count = 0;
  if (sym != NULL && sym->nroots > 0) {
    *count = sym->nroots;
    return sym->roots;
  }
  struct sym_module *m = module_for(sym, module_path);
  if (m == NULL) return NULL;
  if (!m->dirs_loaded) load_source_dirs(sym, m);
  *count = m->nsource_dirs;
  return m->source_dirs;
}
