/* library_path.c - finding liblockhound.so relative to the running command.
 *
 * The command and the library are built and installed side by side, so the library is found from
 * /proc/self/exe: first the build tree's layout (bin/ and lib/ siblings, LH_BUILD_BIN_TO_LIB), then
 * the installed one (LH_BIN_TO_LIB, e.g. ../lib/x86_64-linux-gnu). LOCKHOUND_LIB overrides both, so
 * a test or a packager can point at another copy. Symlinks to the command are followed by the
 * kernel's /proc/self/exe; the library's own path is resolved with realpath so that callers get a
 * stable absolute path (`lockhound cc` writes it into programs as their rpath). */
#include "commands/library_path.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/grow.h"
#include "common/run_file_format.h"

char *lh_find_library(const char *who, const char *what) {
  const char *env = getenv(LH_ENV_LIB);
  if (env && *env) {
    if (access(env, R_OK) == 0) return lh_xstrdup(env);
    fprintf(stderr, "%s: %s=%s: %s\n", who, LH_ENV_LIB, env, strerror(errno));
    return NULL;
  }
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n < 0) n = 0;
  self[n] = '\0';
  char *slash = strrchr(self, '/');
  if (slash) *slash = '\0';
  const char *rel[] = {LH_BUILD_BIN_TO_LIB, LH_BIN_TO_LIB};
  char *tried[2] = {NULL, NULL};
  for (int i = 0; i < 2; i++) {
    if (asprintf(&tried[i], "%s/%s/liblockhound.so", self, rel[i]) < 0) tried[i] = NULL;
    char real[PATH_MAX];
    if (tried[i] && realpath(tried[i], real) && access(real, R_OK) == 0) {
      free(tried[0]);
      free(tried[1]);
      return lh_xstrdup(real);
    }
  }
  fprintf(stderr,
          "%s: cannot find %s liblockhound.so (looked for %s and %s); build it, or set %s to its "
          "path\n",
          who, what, tried[0] ? tried[0] : "?", tried[1] ? tried[1] : "?", LH_ENV_LIB);
  free(tried[0]);
  free(tried[1]);
  return NULL;
}
