/* shared_mappings.c - see shared_mappings.h.
 *
 * /proc/self/maps is read with raw system calls (no cancellation point, no stdio) into a table
 * sorted by address (the kernel lists mappings in address order), searched by bisection. Each
 * line is `lo-hi perms offset major:minor inode [path]`; perms[3] is 's' for a shared mapping,
 * and an inode of 0 means no backing object (a private anonymous mapping, the stack, the heap). */
#include "registry/shared_mappings.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/raw_syscalls.h"
#include "runfile/json_line.h"

struct mapping {
  uintptr_t lo, hi;
  bool shared;
  uint32_t dev_major, dev_minor;
  uint64_t ino, off; /* off: the file offset of lo */
};

/* Owned by the recorder lock: the mappings as last read, in address order. */
static struct mapping *maps;
static uint32_t nmaps, cap_maps;

static void maps_add(const char *line) {
  char *end;
  struct mapping m = {0};
  m.lo = strtoul(line, &end, 16);
  if (*end != '-') return;
  m.hi = strtoul(end + 1, &end, 16);
  if (*end != ' ' || strlen(end) < 5) return;
  m.shared = end[4] == 's';
  const char *p = end + 5;
  if (*p == ' ') { /* offset, device, inode: a line cut short keeps what it has */
    m.off = strtoull(p + 1, &end, 16);
    if (*end == ' ') {
      m.dev_major = (uint32_t)strtoul(end + 1, &end, 16);
      if (*end == ':') m.dev_minor = (uint32_t)strtoul(end + 1, &end, 16);
      if (*end == ' ') m.ino = strtoull(end + 1, &end, 10);
    }
  }
  if (nmaps == cap_maps) {
    uint32_t cap = cap_maps ? 2 * cap_maps : 64;
    struct mapping *v = realloc(maps, cap * sizeof *v);
    if (!v) return;
    maps = v;
    cap_maps = cap;
  }
  maps[nmaps++] = m;
}

static void maps_read(void) {
  nmaps = 0;
  int fd = lh_sys_open("/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) return;
  char buf[4096];
  size_t have = 0;
  for (;;) {
    ssize_t got = lh_sys_read(fd, buf + have, sizeof buf - 1 - have);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    have += (size_t)got;
    buf[have] = 0;
    char *start = buf, *nl;
    while ((nl = strchr(start, '\n'))) {
      *nl = 0;
      maps_add(start);
      start = nl + 1;
    }
    have -= (size_t)(start - buf);
    memmove(buf, start, have);
    if (have == sizeof buf - 1)
      have = 0; /* a line longer than the buffer: its range was read with its start */
  }
  lh_sys_close(fd);
}

/* The mapping holding addr, or NULL. */
static const struct mapping *maps_find(uintptr_t addr) {
  uint32_t lo = 0, hi = nmaps;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (addr < maps[mid].lo)
      hi = mid;
    else if (addr >= maps[mid].hi)
      lo = mid + 1;
    else
      return &maps[mid];
  }
  return NULL;
}

enum lh_mapping_kind lh_mapping_of(uintptr_t addr, struct lh_backing *backing, bool *has_backing) {
  *has_backing = false;
  const struct mapping *m = maps_find(addr);
  if (!m) {
    maps_read();
    m = maps_find(addr);
  }
  if (!m) return LH_MAPPING_UNKNOWN;
  if (!m->shared) return LH_MAPPING_PRIVATE;
  if (m->ino) {
    *backing = (struct lh_backing){m->dev_major, m->dev_minor, m->ino, m->off + (addr - m->lo)};
    *has_backing = true;
  }
  return LH_MAPPING_SHARED;
}

void lh_backing_write(struct lh_json_line *jl, const struct lh_backing *b) {
  char dev[24];
  snprintf(dev, sizeof dev, "%02x:%02x", b->dev_major, b->dev_minor);
  lh_jl_key(jl, "backing");
  lh_jl_open(jl, '{');
  lh_jl_kv_str(jl, "dev", dev);
  lh_jl_kv_int(jl, "ino", (int64_t)b->ino);
  lh_jl_kv_hex(jl, "off", b->off);
  lh_jl_close(jl, '}');
}
