/* dwarf_names.c - C expressions for addresses inside global and static variables, from DWARF.
 *
 * Algorithm: index once, per Dwarf, every DW_TAG_variable whose DW_AT_location is a single
 * static address (DW_OP_addr, or DW_OP_addrx for split units): globals, file-scope statics and
 * function-local statics alike. Matching by address rather than by name is what keeps two
 * file-scope statics called "lock" in different units apart, and finds "counter" when the
 * symbol table calls it "counter.0". To name an offset inside a variable, walk its type:
 * typedefs and qualifiers are peeled, arrays turn the offset into one index per dimension,
 * structures and unions into the member whose bytes hold it, until the offset is 0 on a lock
 * typedef or a scalar.
 *
 * Limits: thread-local variables (their address is per thread) and variables with location
 * lists are not indexed; bit-fields are never chosen as members; in a union the first member
 * holding the offset wins; C++ base classes are not named. */
#include "symbols/dwarf_names.h"
#include "base/grow.h"

#include <dwarf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LH_MAX_SCOPE_DEPTH = 64, LH_MAX_TYPE_DEPTH = 64, LH_MAX_ARRAY_DIMS = 16 };

struct var_entry {
  uint64_t addr;
  uint64_t size; /* 0 when the type's size is unknown */
  Dwarf_Off die; /* global DIE offset, for dwarf_offdie */
};

struct lh_dwarf_vars {
  struct var_entry *entries;
  size_t count, capacity;
};

/* ---- index ------------------------------------------------------------------------------ */

static bool follow_type(Dwarf_Die *die, Dwarf_Die *type) {
  Dwarf_Attribute attr;
  return dwarf_attr_integrate(die, DW_AT_type, &attr) != NULL &&
         dwarf_formref_die(&attr, type) != NULL;
}

static uint64_t type_size_of(Dwarf_Die *var) {
  Dwarf_Die type;
  Dwarf_Word size;
  if (!follow_type(var, &type) || dwarf_aggregate_size(&type, &size) != 0) return 0;
  return size;
}

/* A location that is one fixed address; anything computed (registers, TLS, lists) is not. */
static bool static_address(Dwarf_Die *var, uint64_t *addr) {
  Dwarf_Attribute attr;
  Dwarf_Op *ops;
  size_t nops;
  if (dwarf_attr(var, DW_AT_location, &attr) == NULL ||
      dwarf_getlocation(&attr, &ops, &nops) != 0 || nops != 1)
    return false;
  if (ops[0].atom == DW_OP_addr) {
    *addr = ops[0].number;
    return true;
  }
  if (ops[0].atom == DW_OP_addrx || ops[0].atom == DW_OP_GNU_addr_index) {
    Dwarf_Attribute resolved;
    Dwarf_Addr a;
    if (dwarf_getlocation_attr(&attr, &ops[0], &resolved) == 0 &&
        dwarf_formaddr(&resolved, &a) == 0) {
      *addr = a;
      return true;
    }
  }
  return false;
}

static bool add_entry(struct lh_dwarf_vars *vars, uint64_t addr, uint64_t size, Dwarf_Off die) {
  if (vars->count == vars->capacity) {
    size_t cap = vars->capacity ? vars->capacity * 2 : 64;
    struct var_entry *grown = realloc(vars->entries, cap * sizeof *grown);
    if (grown == NULL) return false;
    vars->entries = grown;
    vars->capacity = cap;
  }
  vars->entries[vars->count++] = (struct var_entry){addr, size, die};
  return true;
}

/* Scopes that can hold a static variable: units, functions, blocks, namespaces. Types are
 * skipped, which is most of the DIEs. */
static bool holds_variables(int tag) {
  return tag == DW_TAG_compile_unit || tag == DW_TAG_partial_unit || tag == DW_TAG_subprogram ||
         tag == DW_TAG_lexical_block || tag == DW_TAG_namespace;
}

static bool index_scope(struct lh_dwarf_vars *vars, Dwarf_Die *scope, int depth) {
  Dwarf_Die child;
  if (depth > LH_MAX_SCOPE_DEPTH || dwarf_child(scope, &child) != 0) return true;
  do {
    int tag = dwarf_tag(&child);
    uint64_t addr;
    if (tag == DW_TAG_variable && static_address(&child, &addr)) {
      if (!add_entry(vars, addr, type_size_of(&child), dwarf_dieoffset(&child))) return false;
    } else if (holds_variables(tag) && !index_scope(vars, &child, depth + 1)) {
      return false;
    }
  } while (dwarf_siblingof(&child, &child) == 0);
  return true;
}

/* By address; at one address the largest object first, so that it wins over a zero-sized
 * neighbour. */
static int entry_order(const void *a, const void *b) {
  const struct var_entry *x = a, *y = b;
  if (x->addr != y->addr) return x->addr < y->addr ? -1 : 1;
  if (x->size != y->size) return x->size > y->size ? -1 : 1;
  return 0;
}

struct lh_dwarf_vars *lh_dwarf_vars_new(Dwarf *dwarf) {
  struct lh_dwarf_vars *vars = calloc(1, sizeof *vars);
  if (vars == NULL) return NULL;
  Dwarf_CU *cu = NULL;
  Dwarf_Die cudie;
  while (dwarf_get_units(dwarf, cu, &cu, NULL, NULL, &cudie, NULL) == 0) {
    if (!index_scope(vars, &cudie, 0)) {
      lh_dwarf_vars_free(vars);
      return NULL;
    }
  }
  if (vars->count > 1) lh_sort(vars->entries, vars->count, sizeof *vars->entries, entry_order);
  return vars;
}

void lh_dwarf_vars_free(struct lh_dwarf_vars *vars) {
  if (vars == NULL) return;
  free(vars->entries);
  free(vars);
}

/* Index of the first entry with addr > key (the upper bound). */
static size_t upper_bound(const struct lh_dwarf_vars *vars, uint64_t key) {
  size_t lo = 0, hi = vars->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (vars->entries[mid].addr <= key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static bool entry_die(Dwarf *dwarf, const struct var_entry *e, Dwarf_Die *var) {
  return dwarf_offdie(dwarf, e->die, var) != NULL;
}

bool lh_dwarf_vars_at(const struct lh_dwarf_vars *vars, Dwarf *dwarf, uint64_t start,
                      Dwarf_Die *var) {
  size_t i = upper_bound(vars, start);
  while (i > 0 && vars->entries[i - 1].addr == start) i--;
  return i < vars->count && vars->entries[i].addr == start &&
         entry_die(dwarf, &vars->entries[i], var);
}

bool lh_dwarf_vars_containing(const struct lh_dwarf_vars *vars, Dwarf *dwarf, uint64_t addr,
                              Dwarf_Die *var, uint64_t *start) {
  /* Look back a few entries: objects nested in a larger one's range are rare (aliases). */
  size_t end = upper_bound(vars, addr);
  for (size_t i = end, looked = 0; i > 0 && looked < 16; i--, looked++) {
    const struct var_entry *e = &vars->entries[i - 1];
    bool inside = e->size > 0 ? addr - e->addr < e->size : addr == e->addr;
    if (inside && entry_die(dwarf, e, var)) {
      *start = e->addr;
      return true;
    }
  }
  return false;
}

/* ---- naming ----------------------------------------------------------------------------- */

const char *lh_dwarf_var_name(Dwarf_Die *var) {
  Dwarf_Attribute attr;
  return dwarf_formstring(dwarf_attr_integrate(var, DW_AT_name, &attr));
}

const char *lh_dwarf_decl_file(Dwarf_Die *die) {
  const char *file = dwarf_decl_file(die);
  if (file != NULL) return file;
  /* The file table to use is that of the unit the attribute was found in, which
   * dwarf_attr_integrate may have reached through DW_AT_specification. */
  Dwarf_Attribute attr;
  Dwarf_Word index;
  Dwarf_Half version;
  Dwarf_Die cudie;
  Dwarf_Files *files;
  size_t nfiles;
  if (dwarf_attr_integrate(die, DW_AT_decl_file, &attr) == NULL ||
      dwarf_formudata(&attr, &index) != 0 || index != 0 ||
      dwarf_cu_info(attr.cu, &version, NULL, &cudie, NULL, NULL, NULL, NULL) != 0 || version < 5 ||
      dwarf_getsrcfiles(&cudie, &files, &nfiles) != 0 || nfiles == 0)
    return NULL;
  return dwarf_filesrc(files, 0, NULL, NULL);
}

struct expr {
  char *buf;
  size_t size, len;
};

static void expr_append(struct expr *e, const char *fmt, ...) {
  if (e->len + 1 >= e->size) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(e->buf + e->len, e->size - e->len, fmt, ap);
  va_end(ap);
  if (n > 0) e->len = e->len + (size_t)n < e->size ? e->len + (size_t)n : e->size - 1;
}

/* The typedefs by which C code names a synchronisation object: the walk stops there rather
 * than naming glibc's internals ("lock_a.__data.__lock"). */
static bool is_lock_typedef(const char *name) {
  return name != NULL && (strncmp(name, "pthread_", 8) == 0 || strcmp(name, "mtx_t") == 0 ||
                          strcmp(name, "cnd_t") == 0 || strcmp(name, "sem_t") == 0);
}

static bool is_qualifier(int tag) {
  return tag == DW_TAG_const_type || tag == DW_TAG_volatile_type || tag == DW_TAG_restrict_type ||
         tag == DW_TAG_atomic_type;
}

static bool udata_attr(Dwarf_Die *die, unsigned int name, uint64_t *value) {
  Dwarf_Attribute attr;
  Dwarf_Word w;
  if (dwarf_attr_integrate(die, name, &attr) == NULL || dwarf_formudata(&attr, &w) != 0)
    return false;
  *value = w;
  return true;
}

/* Number of elements of one array dimension; 0 when unknown (int a[] declared extern). */
static uint64_t subrange_count(Dwarf_Die *subrange) {
  uint64_t count, upper, lower = 0;
  if (udata_attr(subrange, DW_AT_count, &count)) return count;
  if (!udata_attr(subrange, DW_AT_upper_bound, &upper)) return 0;
  udata_attr(subrange, DW_AT_lower_bound, &lower);
  return upper >= lower ? upper - lower + 1 : 0;
}

/* Appends "[i]" per dimension and moves *type to the element type. */
static bool step_into_array(Dwarf_Die *type, uint64_t *offset, struct expr *e) {
  Dwarf_Die elem, child;
  Dwarf_Word elem_size;
  if (!follow_type(type, &elem) || dwarf_aggregate_size(&elem, &elem_size) != 0 || elem_size == 0)
    return false;
  uint64_t counts[LH_MAX_ARRAY_DIMS];
  size_t dims = 0;
  if (dwarf_child(type, &child) == 0) {
    do {
      if (dwarf_tag(&child) == DW_TAG_subrange_type && dims < LH_MAX_ARRAY_DIMS)
        counts[dims++] = subrange_count(&child);
    } while (dwarf_siblingof(&child, &child) == 0);
  }
  if (dims == 0) counts[dims++] = 0;
  /* stride[k] = element size times the counts of the inner dimensions. */
  uint64_t strides[LH_MAX_ARRAY_DIMS];
  uint64_t stride = elem_size;
  for (size_t k = dims; k-- > 0;) {
    strides[k] = stride;
    if (k > 0 && counts[k] == 0) return false; /* only the outermost dimension may be unknown */
    stride *= counts[k] ? counts[k] : 1;
  }
  for (size_t k = 0; k < dims; k++) {
    uint64_t index = *offset / strides[k];
    if (counts[k] != 0 && index >= counts[k]) return false;
    expr_append(e, "[%" PRIu64 "]", index);
    *offset -= index * strides[k];
  }
  *type = elem;
  return true;
}

static bool member_offset(Dwarf_Die *member, uint64_t *offset) {
  Dwarf_Attribute attr;
  if (dwarf_attr(member, DW_AT_data_member_location, &attr) == NULL) {
    *offset = 0; /* union members, and structure members of some producers */
    return true;
  }
  Dwarf_Word w;
  if (dwarf_formudata(&attr, &w) == 0) {
    *offset = w;
    return true;
  }
  /* DWARF 2 style: a location expression adding a constant. */
  Dwarf_Op *ops;
  size_t nops;
  if (dwarf_getlocation(&attr, &ops, &nops) == 0 && nops == 1 && ops[0].atom == DW_OP_plus_uconst) {
    *offset = ops[0].number;
    return true;
  }
  return false;
}

/* Appends ".member" for the member whose bytes hold *offset and moves *type to its type. */
static bool step_into_member(Dwarf_Die *type, uint64_t *offset, struct expr *e) {
  Dwarf_Die member;
  if (dwarf_child(type, &member) != 0) return false;
  do {
    Dwarf_Die mtype;
    Dwarf_Word msize;
    uint64_t moff;
    if (dwarf_tag(&member) != DW_TAG_member || dwarf_hasattr(&member, DW_AT_bit_size) ||
        !member_offset(&member, &moff) || !follow_type(&member, &mtype) ||
        dwarf_aggregate_size(&mtype, &msize) != 0)
      continue;
    if (*offset >= moff && *offset - moff < msize) {
      const char *name = dwarf_diename(&member);
      if (name != NULL) /* anonymous structures and unions add no name */
        expr_append(e, ".%s", name);
      *offset -= moff;
      *type = mtype;
      return true;
    }
  } while (dwarf_siblingof(&member, &member) == 0);
  return false;
}

/* Peels typedefs and qualifiers. Returns false at a lock typedef (the walk ends there) or
 * when the type cannot be followed. */
static bool peel(Dwarf_Die *type) {
  for (int i = 0; i < LH_MAX_TYPE_DEPTH; i++) {
    int tag = dwarf_tag(type);
    if (tag == DW_TAG_typedef && is_lock_typedef(dwarf_diename(type))) return false;
    if (tag != DW_TAG_typedef && !is_qualifier(tag)) return true;
    if (!follow_type(type, type)) return false;
  }
  return false;
}

static void describe_offset(Dwarf_Die *var, uint64_t offset, struct expr *e) {
  Dwarf_Die type;
  bool typed = follow_type(var, &type);
  for (int depth = 0; typed && depth < LH_MAX_TYPE_DEPTH; depth++) {
    if (!peel(&type)) break;
    int tag = dwarf_tag(&type);
    bool stepped = false;
    if (tag == DW_TAG_array_type)
      stepped = step_into_array(&type, &offset, e);
    else if (tag == DW_TAG_structure_type || tag == DW_TAG_union_type || tag == DW_TAG_class_type)
      stepped = step_into_member(&type, &offset, e);
    if (!stepped) break;
  }
  if (offset != 0) expr_append(e, "+0x%" PRIx64, offset);
}

bool lh_dwarf_var_expression(Dwarf_Die *var, uint64_t offset, char *buf, size_t size) {
  const char *name = lh_dwarf_var_name(var);
  if (name == NULL || size == 0) return false;
  struct expr e = {buf, size, 0};
  buf[0] = '\0';
  expr_append(&e, "%s", name);
  describe_offset(var, offset, &e);
  return true;
}
