/* dwarf_functions.h - the functions and inlined instances of one unit, by address.
 *
 * dwarf_getscopes answers "which scopes hold pc" by walking the unit's DIE tree from its
 * root on every call; symbolising thousands of frames that way costs tens of microseconds
 * each. This index walks the tree once per unit and answers with a binary search.
 * Addresses are DWARF addresses. */
#ifndef LH_DWARF_FUNCTIONS_H
#define LH_DWARF_FUNCTIONS_H

#include <elfutils/libdw.h>
#include <stddef.h>

struct lh_unit_functions;

/* Indexes the unit of cudie. Returns NULL only when out of memory. */
struct lh_unit_functions *lh_unit_functions_new(Dwarf_Die *cudie);
void lh_unit_functions_free(struct lh_unit_functions *functions);

/* Writes into chain, innermost first, the DW_TAG_inlined_subroutine DIEs holding pc and then
 * the out-of-line function (DW_TAG_subprogram) they were inlined into; at most max. Returns
 * how many; 0 when no function of the unit holds pc. */
size_t lh_unit_functions_at(const struct lh_unit_functions *functions, Dwarf_Addr pc,
                            Dwarf_Die *chain, size_t max);

#endif
