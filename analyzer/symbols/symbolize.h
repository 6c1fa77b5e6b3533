/* symbolize.h - turning recorded addresses into source locations and variable names.
 *
 * The run file holds raw addresses plus the module map; the analyzer converts each address to
 * (module path, module-relative address = address - load bias) and asks this module what is
 * there. Implemented with libdw (elfutils): Dwfl modules reported offline at bias 0, one per
 * module path, cached for the life of the symbolizer. */
#ifndef LH_SYMBOLIZE_H
#define LH_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lh_symbolizer;

/* One source location. Strings are owned by the symbolizer and live until lh_sym_free. Any
 * field may be NULL/0 when unknown (no debug info: function from the symbol table only). */
struct lh_source_loc {
  const char *function; /* function name; for an inlined frame, the inlined function */
  const char *file;     /* source file as recorded in DWARF (may be relative to comp_dir) */
  int line;             /* 0 when unknown */
  int column;           /* 0 when unknown */
  int function_line;    /* the line the function is declared on (DW_AT_decl_line); 0 unknown */
  bool inlined;         /* this frame was inlined into the next one */
};

struct lh_symbolizer *lh_sym_new(void);
void lh_sym_free(struct lh_symbolizer *sym);

/* Locations for the code address rel_pc of the module at module_path. rel_pc is the
 * instruction's own address (callers pass return address - 1 for call sites). Writes at most
 * max locations, innermost first (inlined frames, then the function they were inlined into)
 * and returns how many; 0 when the module cannot be read or the address is not code. */
size_t lh_sym_code(struct lh_symbolizer *sym, const char *module_path, uint64_t rel_pc,
                   struct lh_source_loc *out, size_t max);

/* Name of the data at module-relative address rel_addr: a C expression for the object that
 * starts there when DWARF types allow it ("lock_a", "forks[2]", "bank.lock",
 * "accounts[3].lock"), else "symbol+0xOFF" from the ELF symbol table (STT_OBJECT symbols),
 * else NULL. Also returns, when wanted, where the variable is defined (decl file and line; NULL/0
 * when unknown). The returned strings live until lh_sym_free. */
const char *lh_sym_data(struct lh_symbolizer *sym, const char *module_path, uint64_t rel_addr,
                        const char **decl_file, int *decl_line);

/* The directories whose files a report may show source lines of, for frames of the module
 * (report_html.c). The --source-root directories when any were set (lh_sym_set_source_roots),
 * else the directories the module was built from: each unit's DW_AT_comp_dir and the directory
 * of its primary source file (DW_AT_name, against comp_dir: a CMake build compiles a file of the
 * source tree in the build tree), each resolved with realpath; directories that do not exist
 * here, "/", and anything under /proc, /sys or /dev are left out. Computed once per module;
 * *count 0 when the module has no DWARF. The strings live until lh_sym_free. */
const char *const *lh_sym_source_dirs(struct lh_symbolizer *sym, const char *module_path,
                                      size_t *count);

/* Sets the --source-root directories (resolved by realpath; copied). */
void lh_sym_set_source_roots(struct lh_symbolizer *sym, const char *const *roots, size_t count);
/* How many modules have had their DWARF variables indexed (for lh_sym_data): the costly part of
 * naming a lock or an object, which a report without findings never needs. */
size_t lh_sym_variable_indexes(const struct lh_symbolizer *sym);

/* Whether path (already resolved by realpath) lies under one of dirs (resolved too). */
bool lh_path_under(const char *path, const char *const *dirs, size_t count);
/* Whether a resolved path is on a pseudo file system whose files are never shown as sources
 * (/proc, /sys, /dev). */
bool lh_path_is_pseudo(const char *path);

#endif
