/* frames.c - turning a recorded stack into the frames a report shows.
 *
 * A Python program's stack starts with its Python frames (innermost first), then the
 * interpreter's C frame that made the call lockhound saw (the library walks no further:
 * stack_capture.c); only the Python frames are shown, unless -v asks for the interpreter's too.
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

bool lh_frame_in_python_library(const struct lh_shown_frame *f) {
  if (!f->python) return false;
  if (!f->file || f->file[0] == '<') return true; /* frozen modules */
  const char *lib = strstr(f->file, "/lib/python");
  return lib && !strstr(lib, "-packages/");
}

size_t lh_frames_first_own(const struct lh_shown_frame *f, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!lh_frame_in_python_library(&f[i])) return i;
  return 0;
}

/* Set once from the command line (-v), before any report. */
static bool show_interpreter;

void lh_frames_show_interpreter(bool on) { show_interpreter = on; }

static bool has_python(const struct lh_stack *s) {
  return s->n > 0 && s->frames[0].module == LH_PYFRAME_MODULE;
}

bool lh_module_is_system_library(const char *module_path) {
  static const char *const dirs[] = {"/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/"};
  for (size_t i = 0; module_path && i < sizeof dirs / sizeof *dirs; i++)
    if (strncmp(module_path, dirs[i], strlen(dirs[i])) == 0) return true;
  return false;
}

size_t lh_frames_of_stack(struct lh_symbolizer *sym, const struct lh_model *m, int32_t stack,
                          struct lh_shown_frame *out, size_t max) {
  return lh_frames_of_stack_where(sym, m, stack, out, max, NULL);
}

size_t lh_frames_of_stack_where(struct lh_symbolizer *sym, const struct lh_model *m, int32_t stack,
                                struct lh_shown_frame *out, size_t max,
                                bool (*wanted)(const char *module_path)) {
  if (stack == LH_NONE || stack < 0 || (size_t)stack >= m->nstacks) return 0;
  const struct lh_stack *s = &m->stacks[stack];
  bool python_only = has_python(s) && !show_interpreter;
  size_t n = 0;
  for (uint32_t i = 0; i < s->n && n < max; i++) {
    const struct lh_frame *f = &s->frames[i];
    if (f->module == LH_PYFRAME_MODULE && f->rel < m->npyframes) {
      const struct lh_pyframe *p = &m->pyframes[f->rel];
      out[n++] = (struct lh_shown_frame){p->function, p->file, p->line, 0, NULL, 0, true};
      continue;
    }
    if (python_only) break; /* the interpreter's own C frames follow */
    struct lh_source_loc locs[MAX_INLINE];
    size_t nlocs = 0;
    const char *module = f->module == LH_NONE ? NULL : m->modules[f->module].path;
    if (module && sym && f->rel > 0 && (!wanted || wanted(module)))
      nlocs = lh_sym_code(sym, module, f->rel - 1, locs, MAX_INLINE);
    if (nlocs == 0) {
      out[n++] = (struct lh_shown_frame){NULL, NULL, 0, 0, module, f->rel, false};
      continue;
    }
    bool bottom = false;
    for (size_t k = 0; k < nlocs && n < max; k++) {
      out[n++] = (struct lh_shown_frame){
          locs[k].function, locs[k].file, locs[k].line, locs[k].function_line,
          module,           f->rel,       false};
      bottom |= is_bottom(locs[k].function);
    }
    if (bottom) break;
  }
  return n;
}
