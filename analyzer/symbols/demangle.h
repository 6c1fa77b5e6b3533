/* demangle.h - C++ function names as a reader writes them (PeakMeter::record(), not
 * _ZN9PeakMeter6recordEv). */
#ifndef LH_DEMANGLE_H
#define LH_DEMANGLE_H

#include <stdbool.h>
#include <stddef.h>

/* The demangled form of a mangled C++ name (one starting with _Z), malloc'd; NULL when name is
 * not one, or cannot be demangled here (no C++ runtime on the machine: the name stays as it is). */
char *lh_demangle(const char *name);

/* The length of name without its trailing parameter list (and qualifiers such as " const"):
 * "Meter::make(int) const" -> the length of "Meter::make". The whole length when there is none. */
size_t lh_name_without_parameters(const char *name);

#endif
