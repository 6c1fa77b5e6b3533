/* pointer_table.h - a growable array of pointers indexed by a dense id (lock ids, stack ids,
 * thread ids). Growth doubles the capacity and zeroes the new slots; it fails cleanly when memory
 * runs out, so the caller can drop the one new entry instead of crashing the program. Each table
 * is owned by whoever owns its module's state (the recorder lock). */
#ifndef LH_POINTER_TABLE_H
#define LH_POINTER_TABLE_H

#include <stdbool.h>
#include <stdint.h>

struct lh_pointer_table {
  void **v;
  uint32_t cap;
};

/* Makes index `need` valid; false when memory runs out. */
bool lh_pointer_table_reserve(struct lh_pointer_table *t, uint32_t need);

#endif
