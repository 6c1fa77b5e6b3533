/* dwarf_units.h - which compilation unit's code covers an address.
 *
 * libdw finds a unit through .debug_aranges (dwfl_module_addrdie); clang does not emit that
 * section and libdw 0.188 then finds nothing. This index is built from the units' own
 * DW_AT_low_pc/DW_AT_high_pc/DW_AT_ranges instead. Addresses are DWARF addresses. */
#ifndef LH_DWARF_UNITS_H
#define LH_DWARF_UNITS_H

#include <elfutils/libdw.h>
#include <stdbool.h>

struct lh_dwarf_units;

/* Walks every unit once. Returns NULL only when out of memory. */
struct lh_dwarf_units *lh_dwarf_units_new(Dwarf *dwarf);
void lh_dwarf_units_free(struct lh_dwarf_units *units);

/* The unit DIE whose ranges contain addr. */
bool lh_dwarf_units_find(const struct lh_dwarf_units *units, Dwarf *dwarf, Dwarf_Addr addr,
                         Dwarf_Die *cudie);

#endif
