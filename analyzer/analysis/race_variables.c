/* race_variables.c - naming the memory of a data race, the way a student finds it in the source.
 *
 * Three cases, from what the run file says about the raced byte (docs/run-file-format.md):
 *  - a global or static variable: the byte lies in a PT_LOAD segment of a module (the loader
 *    placed it). The symbolizer gives the C expression of the object there from DWARF
 *    ("counter", "stats.hits", "counts[2]", the same walk that names locks, dwarf_names.c), its
 *    definition (decl_file:decl_line), or without DWARF the ELF STT_OBJECT symbol that holds it
 *    ("counter+0x4"); with neither, module basename + offset.
 *  - heap memory: the record's `block`. Named after the function that allocated it, the innermost
 *    frame of the allocation stack that is not an allocator itself ("heap:make_node"), with the
 *    offset in the block when it is not 0 in sentences ("heap:make_node+16").
 *  - anything else (a thread's stack, mmap'ed memory): only its address, "addr:0x7ffc10"; such a
 *    name changes from run to run.
 * `bytes` is the overlap of the two accesses, which both hold the raced byte. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/race_findings.h"
#include "base/grow.h"
#include "base/text_escape.h"
#include "symbols/demangle.h"
#include "symbols/frames.h"

#define ALLOC_FRAMES 16

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...) {
  va_list ap;
  char *s;
  va_start(ap, fmt);
  int rc = vasprintf(&s, fmt, ap);
  va_end(ap);
  return rc < 0 ? lh_xstrdup("?") : s;
}

/* An allocator, under its own name or the one the C library or a sanitizer's interceptor gives it
 * (__libc_malloc, __interceptor_malloc). */
static bool is_allocator(const char *function) {
  static const char *const names[] = {"malloc",        "calloc",         "realloc",  "reallocarray",
                                      "aligned_alloc", "posix_memalign", "memalign", "valloc",
                                      "pvalloc",       "strdup",         "strndup"};
  static const char *const prefixes[] = {"___interceptor_", "__interceptor_", "__libc_"};
  for (size_t p = 0; p < sizeof prefixes / sizeof *prefixes; p++)
    if (strncmp(function, prefixes[p], strlen(prefixes[p])) == 0) {
      function += strlen(prefixes[p]);
      break;
    }
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (strcmp(function, names[i]) == 0) return true;
  return strncmp(function, "operator new", 12) == 0; /* C++: new T, new T[n], their variants */
}

/* The function that allocated a block: its stack's innermost frame that is not an allocator. */
static char *allocator_caller(struct lh_symbolizer *sym, const struct lh_model *m, int32_t stack) {
  struct lh_shown_frame frames[ALLOC_FRAMES];
  size_t n = lh_frames_of_stack(sym, m, stack, frames, ALLOC_FRAMES);
  for (size_t i = 0; i < n; i++) {
    if (frames[i].function && is_allocator(frames[i].function)) continue;
    if (frames[i].function) /* a C++ name without its parameters: heap:make_meter */
      return format("%.*s", (int)lh_name_without_parameters(frames[i].function),
                    frames[i].function);
    return format("%s+0x%" PRIx64, frames[i].module ? lh_shown(lh_basename(frames[i].module)) : "?",
                  frames[i].offset);
  }
  return lh_xstrdup("unknown");
}

static uint64_t overlap(const struct lh_race *r) {
  const struct lh_access *a = &r->access[0], *b = &r->access[1];
  uint64_t lo = a->addr > b->addr ? a->addr : b->addr;
  uint64_t a_end = a->addr + a->size, b_end = b->addr + b->size;
  uint64_t hi = a_end < b_end ? a_end : b_end;
  return hi > lo ? hi - lo : 1;
}

static void global_variable(struct lh_symbolizer *sym, const struct lh_model *m,
                            const struct lh_race *r, struct lh_race_variable *v) {
  const char *path = m->modules[r->module].path;
  const char *name = sym ? lh_sym_data(sym, path, r->rel, &v->decl_file, &v->decl_line) : NULL;
  v->module = path;
  v->name = name ? lh_xstrdup(name) : format("%s+0x%" PRIx64, lh_shown(lh_basename(path)), r->rel);
  v->shown = lh_xstrdup(v->name);
}

void lh_race_variable(struct lh_symbolizer *sym, const struct lh_model *m, const struct lh_race *r,
                      struct lh_race_variable *v) {
  memset(v, 0, sizeof *v);
  v->bytes = overlap(r);
  if (r->heap) {
    char *caller = allocator_caller(sym, m, r->block_stack);
    v->memory = LH_RACE_HEAP;
    v->offset = r->addr - r->block_addr;
    v->name = format("heap:%s", caller);
    v->shown = v->offset ? format("heap:%s+%" PRIu64, caller, v->offset) : lh_xstrdup(v->name);
    free(caller);
  } else if (r->module != LH_NONE) {
    v->memory = LH_RACE_GLOBAL;
    global_variable(sym, m, r, v);
  } else {
    v->memory = LH_RACE_OTHER;
    v->name = format("addr:0x%" PRIx64, r->addr);
    v->shown = format("0x%" PRIx64, r->addr);
  }
}

void lh_race_variable_free(struct lh_race_variable *v) {
  free(v->name);
  free(v->shown);
  memset(v, 0, sizeof *v);
}
