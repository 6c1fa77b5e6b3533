/* frames.h - a recorded stack as the frames a report shows: function, file:line, module. */
#ifndef LH_FRAMES_H
#define LH_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "symbols/symbolize.h"

struct lh_shown_frame {
  const char *function; /* NULL when unknown; strings belong to the symbolizer or the model */
  const char *file;     /* as in the debug info; NULL when unknown */
  int line;             /* 0 when unknown */
  int function_line;    /* where the function is declared: line - function_line is a position
                         * that survives edits above the function (stable ids); 0 unknown */
  const char *module;   /* module path, NULL when the address lies in no known module */
  uint64_t offset;      /* module-relative return address (absolute without a module) */
  bool python;          /* a Python frame: function, file and line, no module */
};

/* Whether a Python program's stacks show the interpreter's C frames under its Python frames
 * (-v); off by default. */
void lh_frames_show_interpreter(bool on);

/* The frames of stack (LH_NONE gives none), innermost first, inlined calls expanded, cut after
 * main or start_thread (what lies below is the C library starting the program or the thread) and
 * after max frames. Returns how many were written to out. */
size_t lh_frames_of_stack(struct lh_symbolizer *sym, const struct lh_model *m, int32_t stack,
                          struct lh_shown_frame *out, size_t max);
/* The same, with the frames of modules `wanted` rejects left unsymbolized (module and offset
 * only, no function or file: nor is the cut after main or start_thread then seen there); a
 * check that can use only some modules' frames so never loads the others' debug information. */
size_t lh_frames_of_stack_where(struct lh_symbolizer *sym, const struct lh_model *m, int32_t stack,
                                struct lh_shown_frame *out, size_t max,
                                bool (*wanted)(const char *module_path));

/* Whether a module is a library of the system (under /lib, /lib64, /usr/lib or /usr/lib64): code
 * that the distribution built, whose source is not on this machine, not the program's. */
bool lh_module_is_system_library(const char *module_path);

/* A Python frame of Python's own library (its lib directory, not site- or dist-packages; frozen
 * modules); and the first frame of n that is not one (0 when all are). */
bool lh_frame_in_python_library(const struct lh_shown_frame *f);
size_t lh_frames_first_own(const struct lh_shown_frame *f, size_t n);

/* The part of a path after its last '/'. */
const char *lh_basename(const char *path);

#endif
