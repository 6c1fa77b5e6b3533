/* grow.c - growing heap arrays and allocation that never returns NULL (see grow.h). */
#include "base/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(void) {
  fputs("lockhound: out of memory\n", stderr);
  exit(2);
}

void lh_grow(void *array_ptr, size_t *cap, size_t need, size_t elem) {
  void **array = array_ptr;
  if (need <= *cap) return;
  size_t ncap = *cap ? *cap : 8;
  while (ncap < need) ncap *= 2;
  void *p = realloc(*array, ncap * elem);
  if (!p) out_of_memory();
  *array = p;
  *cap = ncap;
}

void *lh_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) out_of_memory();
  return p;
}

void *lh_xcalloc(size_t count, size_t n) {
  void *p = calloc(count ? count : 1, n ? n : 1);
  if (!p) out_of_memory();
  return p;
}

char *lh_xstrdup(const char *s) {
  char *p = strdup(s ? s : "");
  if (!p) out_of_memory();
  return p;
}
