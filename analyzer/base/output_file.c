/* output_file.c - see output_file.h. */
#include "base/output_file.h"

#include <errno.h>
#include <string.h>

static const char *shown(const char *path) { return strcmp(path, "-") == 0 ? "stdout" : path; }

FILE *lh_output_open(const char *path) {
  if (strcmp(path, "-") == 0) {
    clearerr(stdout);
    return stdout;
  }
  FILE *out = fopen(path, "we");
  if (!out) fprintf(stderr, "lockhound: cannot write %s: %s\n", path, strerror(errno));
  return out;
}

int lh_output_close(FILE *out, const char *path) {
  int failed_before = ferror(out), err = errno;
  int closed = out == stdout ? fflush(out) : fclose(out);
  if (closed != 0)
    err = errno;
  else if (!failed_before)
    return 0;
  fprintf(stderr, "lockhound: cannot write %s: %s\n", shown(path), strerror(err ? err : EIO));
  return -1;
}
