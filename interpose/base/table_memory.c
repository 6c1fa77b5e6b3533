/* table_memory.c - see table_memory.h. */
#include "base/table_memory.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t bytes_of(size_t count, size_t size) {
  return size && count > SIZE_MAX / size ? 0 : count * size;
}

void *lh_table_alloc(size_t count, size_t size) {
  size_t bytes = bytes_of(count, size);
  if (count && !bytes) return NULL;
  if (bytes < LH_TABLE_MAPPED) return calloc(count, size);
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

void *lh_table_grow(void *p, size_t count, size_t more, size_t size) {
  if (!p) return lh_table_alloc(more, size);
  if (more <= count) return p;
  size_t old = bytes_of(count, size), bytes = bytes_of(more, size);
  if (!bytes) return NULL;
  if (old >= LH_TABLE_MAPPED) { /* and so is the new one: anonymous pages come zeroed */
    void *q = mremap(p, old, bytes, MREMAP_MAYMOVE);
    return q == MAP_FAILED ? NULL : q;
  }
  void *q = lh_table_alloc(more, size);
  if (!q) return NULL;
  memcpy(q, p, old);
  lh_table_free(p, count, size);
  return q;
}

void lh_table_free(void *p, size_t count, size_t size) {
  if (!p) return;
  size_t bytes = bytes_of(count, size);
  if (bytes < LH_TABLE_MAPPED)
    free(p);
  else
    munmap(p, bytes);
}

unsigned char *lh_table_resident_pages(const void *p, size_t count, size_t size) {
  size_t bytes = bytes_of(count, size);
  if (!p || bytes < LH_TABLE_MAPPED || sysconf(_SC_PAGESIZE) != 4096) return NULL;
  unsigned char *v = malloc((bytes + 4095) / 4096);
  if (v && mincore((void *)p, bytes, v) != 0) {
    free(v);
    return NULL;
  }
  return v;
}
