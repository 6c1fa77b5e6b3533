/* dwarf_names.h - C expressions for addresses inside global and static variables, from DWARF.
 *
 * Used by the symbolizer (symbolize.c) to turn "this lock lives at module address A" into
 * "accounts[3].lock". Addresses here are in the DWARF file's own address space (ELF virtual
 * addresses); the caller converts. */
#ifndef LH_DWARF_NAMES_H
#define LH_DWARF_NAMES_H

#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Index of every variable with a static address (globals, file-scope and function-local
 * statics) of one Dwarf, sorted by address. */
struct lh_dwarf_vars;

/* Builds the index by walking every unit once. Returns NULL only when out of memory; an index
 * of a Dwarf without variables is empty. */
struct lh_dwarf_vars *lh_dwarf_vars_new(Dwarf *dwarf);
void lh_dwarf_vars_free(struct lh_dwarf_vars *vars);

/* Finds the variable starting exactly at start. */
bool lh_dwarf_vars_at(const struct lh_dwarf_vars *vars, Dwarf *dwarf, uint64_t start,
                      Dwarf_Die *var);

/* Finds the variable whose storage (start, size of its type) contains addr; *start receives
 * where it begins. */
bool lh_dwarf_vars_containing(const struct lh_dwarf_vars *vars, Dwarf *dwarf, uint64_t addr,
                              Dwarf_Die *var, uint64_t *start);

/* The variable's source name (following DW_AT_specification / DW_AT_abstract_origin). */
const char *lh_dwarf_var_name(Dwarf_Die *var);

/* The file where die is declared: dwarf_decl_file, and also the DWARF 5 file number 0 (the
 * unit's primary file, as clang records it) which libdw 0.188 rejects. NULL when unknown. */
const char *lh_dwarf_decl_file(Dwarf_Die *die);

/* Writes into buf (NUL-terminated, truncated to size) a C expression for the object at byte
 * offset inside var: "bank.lock", "forks[2]", "table.buckets[2].mutex". Descends through
 * arrays, structures and unions while the offset lies inside an element or member, and stops
 * at offset 0 on a lock typedef (pthread_*, mtx_t, cnd_t, sem_t) or a scalar. When the offset
 * lands where no member is (padding, unknown types), the deepest expression found is followed
 * by "+0xOFF". Returns false when var has no name. */
bool lh_dwarf_var_expression(Dwarf_Die *var, uint64_t offset, char *buf, size_t size);

#endif
