/* shared_mappings.h - which mapping an address lies in, from /proc/self/maps: is it shared with
 * other processes, and what object backs it.
 *
 * A lock or semaphore in a MAP_SHARED mapping may be used by another process; the mapping's
 * backing object (device, inode) and the address's offset in it name the same bytes in every
 * process that maps them, wherever each maps them: an anonymous shared mapping is a `/dev/zero
 * (deleted)` file of its own whose inode a fork child shares; shm_open objects, SysV segments
 * and mapped files have their own inode. Owned by the recorder lock; every function here runs
 * under it, on the slow path only (a new lock or object). */
#ifndef LH_SHARED_MAPPINGS_H
#define LH_SHARED_MAPPINGS_H

#include <stdbool.h>
#include <stdint.h>

/* The bytes at an address, named by their backing object: the same in every process that maps
 * them. */
struct lh_backing {
  uint32_t dev_major, dev_minor; /* the device, as /proc/self/maps shows it */
  uint64_t ino;                  /* the inode */
  uint64_t off;                  /* the offset in that object */
};

enum lh_mapping_kind {
  LH_MAPPING_UNKNOWN, /* in no mapping /proc/self/maps lists (or it could not be read) */
  LH_MAPPING_PRIVATE,
  LH_MAPPING_SHARED,
};

/* What maps say of addr; for a shared mapping with a backing object (an inode), *backing is
 * filled and *has_backing set. The table is read again only when addr falls outside every
 * mapping known (a new mapping, or the heap grown). Limit: a private mapping unmapped and
 * replaced by a shared one at the same address after the last reading is taken for private. */
enum lh_mapping_kind lh_mapping_of(uintptr_t addr, struct lh_backing *backing, bool *has_backing);

/* Appends the field `"backing":{"dev":"MM:mm","ino":N,"off":"0x..."}` to a record (a `lock` or
 * `object` record: docs/run-file-format.md). */
struct lh_json_line;
void lh_backing_write(struct lh_json_line *jl, const struct lh_backing *b);

#endif
