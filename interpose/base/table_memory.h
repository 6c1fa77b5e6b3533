/* table_memory.h - the memory of lockhound's own growing tables (the tuple caches, the address
 * index), mapped directly when large instead of taken from the program's malloc.
 *
 * Why: glibc raises its mmap threshold to the size of any mmapped chunk that free() gives back (up
 * to 32 MiB). A lockhound table that outgrew the first threshold (128 KiB) and was replaced by a
 * larger one would thus change how the *program's* later allocations are served: memcached's
 * 1 MiB slab pages went into malloc arenas instead of mappings of their own, 19 MB more resident
 * memory (issue 11). Large tables (LH_TABLE_MAPPED bytes and up) are therefore anonymous mappings
 * of their own, zeroed by the kernel and resident only where written; small ones still come from
 * calloc (their chunks never move glibc's threshold). The size decides both ways, so a table is
 * freed with the size it was allocated with. Limits: no alignment beyond malloc's or a page's. */
#ifndef LH_TABLE_MEMORY_H
#define LH_TABLE_MEMORY_H

#include <stddef.h>

#define LH_TABLE_MAPPED ((size_t)64 << 10) /* below glibc's first mmap threshold */

/* The least count of size-byte elements that lh_table_alloc maps rather than takes from calloc:
 * for a table that must never be malloc's (the watchdog's: its thread's first malloc would create
 * a malloc arena of its own). The pages of a mapping are resident only where written. */
static inline size_t lh_table_mapped_count(size_t size) {
  return (LH_TABLE_MAPPED + size - 1) / size;
}

/* count zeroed elements of size bytes, or NULL (out of memory, or count * size overflows). */
void *lh_table_alloc(size_t count, size_t size);
/* Makes a table of count elements (from lh_table_alloc, or NULL with count 0) hold more: the
 * first count elements kept, the rest zeroed; NULL when memory runs out (the old table then
 * stays as it was). A mapped table grows with mremap, in place or moved by the kernel without a
 * copy, so the old and the new table are never both resident (the peak of a growing table is
 * its new size, not old + new). */
void *lh_table_grow(void *p, size_t count, size_t more, size_t size);
/* Which pages of a table from lh_table_alloc(count, size) are resident: a malloc'd byte a page
 * (mincore's, bit 0 set when resident), for a scan of the whole table to skip the pages it never
 * wrote. Reading a page never written maps it, and on some kernels that page then counts as
 * resident (Linux 6.18 here: 4 MiB read, 4.2 MB more VmRSS), so a scan of a sparse table
 * made all of it resident: a tuple cache rebuilt from 2 to 4 MiB raised memcached's peak by 2 MB
 * (docs/benchmarks.md, section 5). NULL for a table from calloc (all of it may be read) or when
 * the kernel cannot tell: read everything. */
unsigned char *lh_table_resident_pages(const void *p, size_t count, size_t size);
/* Whether byte offset `at` of a table lies on a page that `resident` (from the above) marks. */
static inline int lh_table_page_resident(const unsigned char *resident, size_t at) {
  return !resident || (resident[at >> 12] & 1);
}

/* Frees what lh_table_alloc(count, size) gave (NULL is ignored). */
void lh_table_free(void *p, size_t count, size_t size);

#endif
