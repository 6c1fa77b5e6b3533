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

#endif
