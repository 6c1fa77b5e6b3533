/* library_path.h - where liblockhound.so is, for `lockhound run` (to preload it) and `lockhound cc`
 * (to link against it). */
#ifndef LH_LIBRARY_PATH_H
#define LH_LIBRARY_PATH_H

/* The library's path (malloc'd, resolved): LOCKHOUND_LIB if set, else next to this command (the
 * build tree's bin/../lib, then the installed layout). NULL after printing, prefixed by `who`
 * ("lockhound", "lockhound cc"), what is wrong and what to do. `what` names the library in that
 * message ("the preload library"). */
char *lh_find_library(const char *who, const char *what);

#endif
