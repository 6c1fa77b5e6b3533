/* python_frames.c - see python_frames.h. */
#include "registry/python_frames.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/read_mostly.h"
#include "base/warnings.h"
#include "registry/module_map.h"
#include "registry/recorder_lock.h"
#include "registry/thread_state.h"

bool lh_python_on LH_READ_MOSTLY;
bool lh_python_interpreter LH_READ_MOSTLY;
uintptr_t lh_python_key_pc;
/* The interpreter's object (the module holding PyThread_allocate_lock): where it is loaded. */
static struct lh_module_span interpreter;

static bool in_interpreter(uintptr_t pc) { return pc >= interpreter.lo && pc < interpreter.hi; }

bool lh_python_code(uintptr_t pc) { return lh_python_interpreter && in_interpreter(pc); }

/* CPython's API, as this file uses it (PyObject is opaque here). Filled once by the probe. */
typedef struct py_object py_object;
static struct {
  void *(*current)(void);     /* the thread state holding the GIL (NULL: none) */
  void *(*this_thread)(void); /* the calling thread's own (main interpreter) thread state */
  int (*is_initialized)(void);
  int (*is_finalizing)(void);
  py_object *(*get_frame)(void);
  py_object *(*get_attr)(py_object *, const char *);
  long (*as_long)(py_object *);
  const char *(*as_utf8)(py_object *);
  void (*incref)(py_object *);
  void (*decref)(py_object *);
  void (*err_fetch)(py_object **, py_object **, py_object **);
  void (*err_restore)(py_object *, py_object *, py_object *);
  void (*err_clear)(void);
  py_object *(*seq_item)(py_object *, long);
  py_object *(*dict_item)(py_object *, const char *);
  py_object *(*type_of)(py_object *);
  int (*gc_disable)(void);
  int (*gc_enable)(void);
  /* 3.9 and later: a frame's parts without looking up attributes by name (PyObject_GetAttrString
   * makes a string of the name at every call: 30,000 instructions a walk of importlib's frames,
   * 110 walks as python3 starts). Code attributes by names made once (intern). */
  py_object *(*frame_code)(py_object *);
  py_object *(*frame_back)(py_object *);
  int (*frame_line)(py_object *);
  py_object *(*get_attr_obj)(py_object *, py_object *);
  py_object *(*intern)(const char *);
  py_object *co_qualname, *co_filename; /* interned names, made at the first walk */
  py_object *none;
  bool usable;
} py;

#define RESOLVE(field, name) (*(void **)&py.field = dlsym(RTLD_DEFAULT, name))

void lh_python_probe(void) {
  void *allocate = dlsym(RTLD_DEFAULT, "PyThread_allocate_lock");
  if (!allocate || !lh_module_span_of((uintptr_t)allocate, NULL, &interpreter)) return;
  lh_python_interpreter = true;
  if (dlsym(RTLD_DEFAULT, "PyMutex_Lock")) { /* 3.13 and later: locks are PyMutex */
    lh_warn("this Python (3.13 or later) takes its locks inside the interpreter, where a "
            "preloaded library cannot see them: lock-order inversions, deadlocks and Python stacks "
            "will be missing (a stall is still seen); run the program with Python 3.8 to 3.12 "
            "(Debian 12's python3 is 3.11)");
    return;
  }
  RESOLVE(current, "_PyThreadState_UncheckedGet");
  RESOLVE(this_thread, "PyGILState_GetThisThreadState");
  RESOLVE(is_initialized, "Py_IsInitialized");
  if (!RESOLVE(is_finalizing, "Py_IsFinalizing")) RESOLVE(is_finalizing, "_Py_IsFinalizing");
  RESOLVE(get_frame, "PyEval_GetFrame");
  RESOLVE(get_attr, "PyObject_GetAttrString");
  RESOLVE(as_long, "PyLong_AsLong");
  RESOLVE(as_utf8, "PyUnicode_AsUTF8");
  RESOLVE(incref, "Py_IncRef");
  RESOLVE(decref, "Py_DecRef");
  RESOLVE(err_fetch, "PyErr_Fetch");
  RESOLVE(err_restore, "PyErr_Restore");
  RESOLVE(err_clear, "PyErr_Clear");
  RESOLVE(seq_item, "PySequence_GetItem");
  RESOLVE(dict_item, "PyDict_GetItemString");
  RESOLVE(type_of, "PyObject_Type");
  RESOLVE(gc_disable, "PyGC_Disable"); /* 3.10 and later; before, no walk allocates */
  RESOLVE(gc_enable, "PyGC_Enable");
  RESOLVE(frame_code, "PyFrame_GetCode");
  RESOLVE(frame_back, "PyFrame_GetBack");
  RESOLVE(frame_line, "PyFrame_GetLineNumber");
  RESOLVE(get_attr_obj, "PyObject_GetAttr");
  RESOLVE(intern, "PyUnicode_InternFromString");
  py.none = dlsym(RTLD_DEFAULT, "_Py_NoneStruct");
  py.usable = py.current && py.this_thread && py.is_initialized && py.get_frame && py.get_attr &&
              py.as_long && py.as_utf8 && py.incref && py.decref && py.err_fetch &&
              py.err_restore && py.err_clear && py.none && py.seq_item && py.dict_item &&
              py.type_of;
  lh_python_key_pc = (uintptr_t)allocate;
  lh_python_on = true; /* locks are recognised even when stacks cannot be read */
}

static void tag(void *sem, uint64_t value) { memcpy((char *)sem + LH_PY_TAG_OFFSET, &value, 8); }

bool lh_python_sem_made(void *sem, int pshared, unsigned value, uintptr_t pc) {
  bool python = pshared == 0 && value == 1 && in_interpreter(pc);
  tag(sem, python ? LH_PY_TAG_MAGIC ^ (uintptr_t)sem : 0);
  return python;
}

void lh_python_sem_gone(void *sem) { tag(sem, 0); }

bool lh_python_sem_opened(void *sem, bool created, unsigned value, uintptr_t pc) {
  uint64_t raw;
  memcpy(&raw, (const char *)sem + LH_PY_TAG_OFFSET, sizeof raw);
  if (raw == LH_PY_TAG_SHARED) return true;
  if (!created || value != 1) return false;
  struct lh_module_span module;
  if (!in_interpreter(pc) &&
      !(lh_module_span_of(pc, "_multiprocessing", &module) && module.has_part))
    return false;
  tag(sem, LH_PY_TAG_SHARED);
  return true;
}

static bool ends_with(const char *s, const char *end) {
  size_t n = strlen(s), k = strlen(end);
  return n >= k && strcmp(s + n - k, end) == 0;
}

void lh_python_forget_held(void) {
  struct lh_held_set *h = &lh_self.held;
  for (uint32_t i = h->n; i-- > 0;)
    if (lh_python_lock((const void *)h->v[i].addr)) lh_held_remove(h, (int)i);
}

bool lh_python_armed_waiter(void) {
  const struct lh_py_frames *b = lh_python_armed();
  return b && b->n > 0 && ends_with(b->text + b->f[0].file, "threading.py") &&
         ends_with(b->text + b->f[0].function, "wait");
}

void lh_python_mark_waiter(void *sem, uint32_t stack) {
  memcpy((char *)sem + LH_PY_OWNER_OFFSET, &stack, sizeof stack);
  tag(sem, LH_PY_TAG_WAITER ^ (uintptr_t)sem);
}

void lh_python_check_sentinel(void *sem, int32_t thread) {
  const struct lh_py_frames *b = lh_python_armed();
  if (!b || b->n == 0) return;
  const char *fn = b->text + b->f[0].function;
  if (!ends_with(fn, "_set_tstate_lock") && !ends_with(fn, "_reset_internal_locks")) return;
  memcpy((char *)sem + LH_PY_OWNER_OFFSET, &thread, sizeof thread);
  tag(sem, LH_PY_TAG_SENTINEL ^ (uintptr_t)sem);
}

/* ---- the walk ---- */

static uint16_t copy_text(struct lh_py_frames *out, uint32_t *used, const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (*used + n + 1 > LH_PY_TEXT) n = 0; /* full: an empty name */
  if (*used + 1 > LH_PY_TEXT) return (uint16_t)(LH_PY_TEXT - 1);
  uint16_t at = (uint16_t)*used;
  memcpy(out->text + at, s ? s : "", n);
  out->text[at + n] = 0;
  *used += (uint32_t)n + 1;
  return at;
}

/* Attribute name of obj, by its interned name when there is one. */
static py_object *attr(py_object *obj, const char *name, py_object *interned) {
  return interned && py.get_attr_obj ? py.get_attr_obj(obj, interned) : py.get_attr(obj, name);
}

/* A string attribute of obj as UTF-8, into out's text; "" when absent. */
static uint16_t text_attr(struct lh_py_frames *out, uint32_t *used, py_object *obj,
                          const char *name, py_object *interned) {
  py_object *v = attr(obj, name, interned);
  const char *s = v ? py.as_utf8(v) : NULL;
  if (!s) py.err_clear();
  uint16_t at = copy_text(out, used, s);
  if (v) py.decref(v);
  return at;
}

/* The class of the frame's `self` (its first argument, when so named), as a new reference to its
 * __name__, or NULL. */
static py_object *class_of_self(py_object *f, py_object *code) {
  py_object *names = py.get_attr(code, "co_varnames");
  py_object *first = names ? py.seq_item(names, 0) : NULL;
  const char *s = first ? py.as_utf8(first) : NULL;
  py_object *cls = NULL;
  if (s && strcmp(s, "self") == 0) {
    py_object *locals = py.get_attr(f, "f_locals");
    py_object *self = locals ? py.dict_item(locals, "self") : NULL; /* borrowed */
    py_object *type = self ? py.type_of(self) : NULL;
    cls = type ? py.get_attr(type, "__name__") : NULL;
    if (type) py.decref(type);
    if (locals) py.decref(locals);
  }
  if (first) py.decref(first);
  if (names) py.decref(names);
  py.err_clear();
  return cls;
}

/* The function's qualified name ("Account.transfer"): co_qualname from 3.11 on; before, co_name
 * after the class of `self` when the function has one. */
static uint16_t function_name(struct lh_py_frames *out, uint32_t *used, py_object *f,
                              py_object *code) {
  py_object *q = attr(code, "co_qualname", py.co_qualname);
  if (q) {
    const char *s = py.as_utf8(q);
    uint16_t at = copy_text(out, used, s);
    py.decref(q);
    py.err_clear();
    return at;
  }
  py.err_clear();
  py_object *name = py.get_attr(code, "co_name");
  const char *n = name ? py.as_utf8(name) : NULL;
  py_object *cls = n ? class_of_self(f, code) : NULL;
  const char *c = cls ? py.as_utf8(cls) : NULL;
  char both[256];
  if (c && n && (size_t)snprintf(both, sizeof both, "%s.%s", c, n) < sizeof both) n = both;
  uint16_t at = copy_text(out, used, n);
  if (cls) py.decref(cls);
  if (name) py.decref(name);
  py.err_clear();
  return at;
}

/* A frame's line: PyFrame_GetLineNumber, else its f_lineno; 0 when unknown. */
static int32_t frame_line(py_object *f) {
  if (py.frame_line) {
    int n = py.frame_line(f);
    return n > 0 ? n : 0;
  }
  py_object *line = py.get_attr(f, "f_lineno");
  int32_t n = line && line != py.none ? (int32_t)py.as_long(line) : 0;
  if (line) py.decref(line);
  return n;
}

/* Interns the code attributes' names once (under the GIL, as every walk runs). */
static void intern_names(void) {
  if (!py.intern || py.co_filename) return;
  py.co_qualname = py.intern("co_qualname");
  py.co_filename = py.intern("co_filename");
  py.err_clear();
}

static void walk(struct lh_py_frames *out) {
  uint32_t used = 0;
  bool parts = py.frame_code && py.frame_back; /* 3.9 and later */
  intern_names();
  out->n = 0;
  py_object *f = py.get_frame();
  if (f) py.incref(f);
  while (f && f != py.none && out->n < LH_PY_MAX_FRAMES) {
    struct lh_py_frame *e = &out->f[out->n];
    py_object *code = parts ? py.frame_code(f) : py.get_attr(f, "f_code");
    e->line = frame_line(f);
    if (code) {
      e->function = function_name(out, &used, f, code);
      e->file = text_attr(out, &used, code, "co_filename", py.co_filename);
      py.decref(code);
      out->n++;
    }
    py.err_clear();
    py_object *back = parts ? py.frame_back(f) : py.get_attr(f, "f_back");
    py.decref(f);
    f = back;
  }
  if (f) py.decref(f);
  py.err_clear();
}

/* The calling thread's frame buffer, made on first use (NULL: none can be had). */
static struct lh_py_frames *buffer(void) {
  struct lh_thread_cold *cold = lh_self.cold;
  if (cold == &lh_thread_cold_none) return NULL; /* shared by unregistered threads */
  if (!cold->py) {
    lh_runtime_enter();
    cold->py = calloc(1, sizeof *cold->py);
    lh_runtime_leave();
  }
  return cold->py;
}

/* The calling thread holds the GIL, in the main interpreter. Not PyGILState_Check, which answers
 * yes for every thread once a subinterpreter exists: the thread state holding the GIL must be the
 * caller's own. */
static bool can_walk(void) {
  if (!py.usable || !py.is_initialized() || (py.is_finalizing && py.is_finalizing())) return false;
  void *holder = py.current();
  return holder && holder == py.this_thread();
}

/* The walk, with the program's errno and pending exception kept, the collector paused. */
static bool take(struct lh_py_frames *b) {
  if (b->busy || !can_walk()) return false;
  int saved_errno = errno;
  b->busy = true;
  py_object *type, *value, *trace;
  py.err_fetch(&type, &value, &trace);
  int gc_was_on = py.gc_disable ? py.gc_disable() : 0;
  walk(b);
  if (gc_was_on && py.gc_enable) py.gc_enable();
  py.err_restore(type, value, trace);
  b->busy = false;
  errno = saved_errno;
  return true;
}

void lh_python_arm(uintptr_t addr) {
  struct lh_py_frames *b = buffer();
  if (!b || b->busy) return;
  if (take(b)) {
    b->ready = true;
    b->for_addr = 0;
  } else {
    b->ready = addr && b->for_addr == addr && b->n > 0; /* the failed try's stash */
  }
}

void lh_python_unstash(void) {
  struct lh_py_frames *b = lh_self.cold->py;
  if (b) b->for_addr = 0;
}

void lh_python_done(void) {
  struct lh_py_frames *b = lh_self.cold->py;
  if (b) b->ready = false;
}

void lh_python_stash(uintptr_t addr) {
  struct lh_py_frames *b = buffer();
  if (b && !b->busy && take(b)) b->for_addr = addr;
}

const struct lh_py_frames *lh_python_armed(void) {
  const struct lh_py_frames *b = lh_self.cold->py;
  return b && b->ready && !b->busy ? b : NULL;
}
