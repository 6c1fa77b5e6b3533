/* demangle.c - C++ names for people (demangle.h).
 *
 * DWARF gives a C++ function's qualified name only in its mangled linkage name
 * (_ZN9PeakMeter6recordEv); its DW_AT_name is the bare "record". The demangler is the C++
 * runtime's own, abi::__cxa_demangle from libstdc++ (Debian's libstdc++6, on every machine that
 * has g++, and the runtime of every C++ program lockhound would look at): the one that follows
 * the compilers' ABI exactly. It is loaded with dlopen at the first mangled name, not linked, so
 * that the command keeps no C++ runtime dependency for C programs (libiberty's cplus_demangle
 * would do the same work, but is a static library of another package, libiberty-dev). Without
 * libstdc++ names stay mangled.
 *
 * Owned by the first caller, once: the looked-up function (the command is single-threaded). */
#include "symbols/demangle.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

typedef char *cxa_demangle_fn(const char *mangled, char *buf, size_t *len, int *status);

static cxa_demangle_fn *demangler(void) {
  static bool looked;
  static cxa_demangle_fn *fn;
  if (!looked) {
    looked = true;
    void *lib = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
    if (lib) fn = (cxa_demangle_fn *)dlsym(lib, "__cxa_demangle");
  }
  return fn;
}

char *lh_demangle(const char *name) {
  if (name == NULL || strncmp(name, "_Z", 2) != 0) return NULL;
  cxa_demangle_fn *fn = demangler();
  if (fn == NULL) return NULL;
  int status = -1;
  char *out = fn(name, NULL, NULL, &status);
  if (status != 0) {
    free(out);
    return NULL;
  }
  return out;
}

size_t lh_name_without_parameters(const char *name) {
  size_t len = strlen(name);
  size_t end = len;
  /* qualifiers after the list: " const", " volatile", " &", " &&" */
  while (end > 0 && name[end - 1] != ')') {
    if (name[end - 1] == '>' || name[end - 1] == ']') return len; /* not a parameter list */
    end--;
  }
  if (end == 0) return len;
  int depth = 0;
  for (size_t i = end; i > 0; i--) {
    char c = name[i - 1];
    if (c == ')') depth++;
    if (c == '(' && --depth == 0) return i - 1 > 0 ? i - 1 : len;
  }
  return len;
}
