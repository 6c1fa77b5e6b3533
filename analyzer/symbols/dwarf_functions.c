/* dwarf_functions.c - the functions and inlined instances of one unit, by address.
 *
 * Algorithm: one walk of the unit's DIE tree records every function-like DIE (subprogram,
 * inlined subroutine, entry point) that has code as a node with its parent node (the nearest
 * enclosing function-like DIE), and each of its address ranges. Ranges are sorted by start,
 * deeper first among equal starts. For a pc, the candidate is the last range starting at or
 * below pc. DWARF scopes nest, so the deepest node holding pc is the candidate's node or one
 * of its ancestors: a range starting inside the deepest holder's range belongs to that node
 * or a descendant. Walking up the parents to the first node with a range holding pc finds it,
 * and the parents above it are the rest of the inline chain.
 *
 * Limits: DIEs reached through DW_TAG_imported_unit (dwz) are not walked; out-of-line code
 * nested in another function (GNU C nested functions) is reported as its own outermost
 * frame. */
#include "symbols/dwarf_functions.h"
#include "base/grow.h"

#include <dwarf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { LH_MAX_TREE_DEPTH = 256, LH_NO_PARENT = SIZE_MAX };

struct fn_node {
  Dwarf_Off die;
  size_t parent;      /* index in nodes, or LH_NO_PARENT */
  size_t first_range; /* this node's ranges: by_node[first_range .. + nranges) */
  size_t nranges;
  bool inlined;
};

struct fn_range {
  Dwarf_Addr start, end; /* [start, end) */
  size_t node;
  unsigned depth;
};

struct lh_unit_functions {
  Dwarf *dwarf;
  struct fn_node *nodes;
  size_t nnodes, node_cap;
  struct fn_range *by_node, *by_start; /* the same ranges, grouped per node / sorted */
  size_t nranges, range_cap;
};

static bool grow(void **array, size_t *cap, size_t count, size_t elem) {
  if (count < *cap) return true;
  size_t next = *cap ? *cap * 2 : 64;
  void *grown = realloc(*array, next * elem);
  if (grown == NULL) return false;
  *array = grown;
  *cap = next;
  return true;
}

static bool is_function(int tag) {
  return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine || tag == DW_TAG_entry_point;
}

/* Scopes whose children can hold functions or inlined instances. */
static bool may_nest_functions(int tag) {
  return is_function(tag) || tag == DW_TAG_lexical_block || tag == DW_TAG_namespace ||
         tag == DW_TAG_module || tag == DW_TAG_compile_unit;
}

/* Adds die as a node when it has code; returns its index, or LH_NO_PARENT when it has none.
 * *ok turns false when out of memory. */
static size_t add_node(struct lh_unit_functions *f, Dwarf_Die *die, size_t parent, unsigned depth,
                       bool *ok) {
  size_t index = f->nnodes, first = f->nranges;
  Dwarf_Addr base, start, end;
  ptrdiff_t next = 0;
  while ((next = dwarf_ranges(die, next, &base, &start, &end)) > 0) {
    if (start >= end) continue;
    if (!grow((void **)&f->by_node, &f->range_cap, f->nranges, sizeof *f->by_node)) {
      *ok = false;
      return LH_NO_PARENT;
    }
    f->by_node[f->nranges++] = (struct fn_range){start, end, index, depth};
  }
  if (f->nranges == first) return LH_NO_PARENT; /* an abstract instance or a declaration: no code */
  if (!grow((void **)&f->nodes, &f->node_cap, f->nnodes, sizeof *f->nodes)) {
    *ok = false;
    return LH_NO_PARENT;
  }
  f->nodes[f->nnodes++] = (struct fn_node){dwarf_dieoffset(die), parent, first, f->nranges - first,
                                           dwarf_tag(die) == DW_TAG_inlined_subroutine};
  return index;
}

static bool walk(struct lh_unit_functions *f, Dwarf_Die *scope, size_t parent, unsigned depth) {
  Dwarf_Die child;
  if (depth > LH_MAX_TREE_DEPTH || dwarf_child(scope, &child) != 0) return true;
  do {
    int tag = dwarf_tag(&child);
    if (!may_nest_functions(tag)) continue;
    bool ok = true;
    size_t inner = parent;
    if (is_function(tag)) {
      size_t node = add_node(f, &child, parent, depth, &ok);
      if (node != LH_NO_PARENT) inner = node;
    }
    if (!ok || !walk(f, &child, inner, depth + 1)) return false;
  } while (dwarf_siblingof(&child, &child) == 0);
  return true;
}

static int range_order(const void *a, const void *b) {
  const struct fn_range *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return x->depth < y->depth ? -1 : x->depth > y->depth;
}

struct lh_unit_functions *lh_unit_functions_new(Dwarf_Die *cudie) {
  struct lh_unit_functions *f = calloc(1, sizeof *f);
  if (f == NULL) return NULL;
  f->dwarf = dwarf_cu_getdwarf(cudie->cu);
  if (!walk(f, cudie, LH_NO_PARENT, 0) ||
      (f->nranges > 0 && (f->by_start = malloc(f->nranges * sizeof *f->by_start)) == NULL)) {
    lh_unit_functions_free(f);
    return NULL;
  }
  if (f->nranges > 0) {
    memcpy(f->by_start, f->by_node, f->nranges * sizeof *f->by_start);
    lh_sort(f->by_start, f->nranges, sizeof *f->by_start, range_order);
  }
  return f;
}

void lh_unit_functions_free(struct lh_unit_functions *f) {
  if (f == NULL) return;
  free(f->nodes);
  free(f->by_node);
  free(f->by_start);
  free(f);
}

static bool node_holds(const struct lh_unit_functions *f, size_t node, Dwarf_Addr pc) {
  const struct fn_node *n = &f->nodes[node];
  for (size_t i = n->first_range; i < n->first_range + n->nranges; i++)
    if (pc >= f->by_node[i].start && pc < f->by_node[i].end) return true;
  return false;
}

/* The deepest node holding pc, or LH_NO_PARENT. */
static size_t innermost(const struct lh_unit_functions *f, Dwarf_Addr pc) {
  size_t lo = 0, hi = f->nranges;
  while (lo < hi) { /* first range starting above pc */
    size_t mid = lo + (hi - lo) / 2;
    if (f->by_start[mid].start <= pc)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0) return LH_NO_PARENT;
  size_t node = f->by_start[lo - 1].node;
  while (node != LH_NO_PARENT && !node_holds(f, node, pc)) node = f->nodes[node].parent;
  return node;
}

size_t lh_unit_functions_at(const struct lh_unit_functions *f, Dwarf_Addr pc, Dwarf_Die *chain,
                            size_t max) {
  size_t count = 0;
  for (size_t node = innermost(f, pc); node != LH_NO_PARENT && count < max;
       node = f->nodes[node].parent) {
    if (dwarf_offdie(f->dwarf, f->nodes[node].die, &chain[count]) == NULL) break;
    count++;
    if (!f->nodes[node].inlined) break; /* the out-of-line function: outermost frame */
  }
  return count;
}
