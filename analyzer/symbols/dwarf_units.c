/* dwarf_units.c - which compilation unit's code covers an address.
 *
 * Algorithm: every address range of every compile unit (dwarf_ranges on the unit DIE, which
 * reads low/high pc or the range list of any DWARF version) goes into one array sorted by
 * start; a lookup is a binary search. Ranges of different units do not overlap in a linked
 * program, so the nearest range starting at or below the address is the only candidate.
 *
 * Limits: type units and partial units hold no code and are skipped. */
#include "symbols/dwarf_units.h"
#include "base/grow.h"

#include <dwarf.h>
#include <stdint.h>
#include <stdlib.h>

struct unit_range {
  Dwarf_Addr start, end; /* [start, end) */
  Dwarf_Off unit;        /* offset of the unit DIE */
};

struct lh_dwarf_units {
  struct unit_range *ranges;
  size_t count, capacity;
};

static bool add_range(struct lh_dwarf_units *units, Dwarf_Addr start, Dwarf_Addr end,
                      Dwarf_Off unit) {
  if (units->count == units->capacity) {
    size_t cap = units->capacity ? units->capacity * 2 : 64;
    struct unit_range *grown = realloc(units->ranges, cap * sizeof *grown);
    if (grown == NULL) return false;
    units->ranges = grown;
    units->capacity = cap;
  }
  units->ranges[units->count++] = (struct unit_range){start, end, unit};
  return true;
}

static bool add_unit(struct lh_dwarf_units *units, Dwarf_Die *cudie) {
  Dwarf_Addr base, start, end;
  ptrdiff_t next = 0;
  while ((next = dwarf_ranges(cudie, next, &base, &start, &end)) > 0) {
    if (start < end && !add_range(units, start, end, dwarf_dieoffset(cudie))) return false;
  }
  return true;
}

static int range_order(const void *a, const void *b) {
  const struct unit_range *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start;
}

struct lh_dwarf_units *lh_dwarf_units_new(Dwarf *dwarf) {
  struct lh_dwarf_units *units = calloc(1, sizeof *units);
  if (units == NULL) return NULL;
  Dwarf_CU *cu = NULL;
  Dwarf_Die cudie;
  while (dwarf_get_units(dwarf, cu, &cu, NULL, NULL, &cudie, NULL) == 0) {
    if (dwarf_tag(&cudie) != DW_TAG_compile_unit) continue;
    if (!add_unit(units, &cudie)) {
      lh_dwarf_units_free(units);
      return NULL;
    }
  }
  if (units->count > 1) lh_sort(units->ranges, units->count, sizeof *units->ranges, range_order);
  return units;
}

void lh_dwarf_units_free(struct lh_dwarf_units *units) {
  if (units == NULL) return;
  free(units->ranges);
  free(units);
}

bool lh_dwarf_units_find(const struct lh_dwarf_units *units, Dwarf *dwarf, Dwarf_Addr addr,
                         Dwarf_Die *cudie) {
  size_t lo = 0, hi = units->count;
  while (lo < hi) { /* first range starting above addr */
    size_t mid = lo + (hi - lo) / 2;
    if (units->ranges[mid].start <= addr)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0) return false;
  const struct unit_range *r = &units->ranges[lo - 1];
  return addr < r->end && dwarf_offdie(dwarf, r->unit, cudie) != NULL;
}
