/* frames.c - turning a recorded stack into the frames a report shows.
 *
 * Recorded pcs are return addresses; the call instruction lies just before, so the symbolizer is
 * asked about pc - 1 (otherwise a call that ends a function would be attributed to the next
 * line, or the next function). One pc can give several frames when calls were inlined. Frames
 * below main or start_thread belong to the C library and only make stacks longer. */
#include "symbols/frames.h"

#include <string.h>

#define MAX_INLINE 8

const char *lh_basename(const char *path) {
  if (!path) return NULL;
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static bool is_bottom(const char *function) {
  return function && (strcmp(function, "main") == 0 || strcmp(function, "start_thread") == 0);
}

size_t lh_frames_of_stack(struct lh_symbolizer *sym, const struct lh_model *m, int32_t stack,
                          struct lh_shown_frame *out, size_t max) {
  if (stack == LH_NONE || stack < 0 || (size_t)stack >= m->nstacks) return 0;
  const struct lh_stack *s = &m->stacks[stack];
  size_t n = 0;
  for (uint32_t i = 0; i < s->n && n < max; i++) {
    const struct lh_frame *f = &s->frames[i];
    struct lh_source_loc locs[MAX_INLINE];
    size_t nlocs = 0;
    const char *module = f->module == LH_NONE ? NULL : m->modules[f->module].path;
    if (module && sym && f->rel > 0) nlocs = lh_sym_code(sym, module, f->rel - 1, locs, MAX_INLINE);
    if (nlocs == 0) {
      out[n++] = (struct lh_shown_frame){NULL, NULL, 0, module, f->rel};
      continue;
    }
    bool bottom = false;
    for (size_t k = 0; k < nlocs && n < max; k++) {
      out[n++] =
          (struct lh_shown_frame){locs[k].function, locs[k].file, locs[k].line, module, f->rel};
      bottom |= is_bottom(locs[k].function);
    }
    if (bottom) break;
  }
  return n;
}
