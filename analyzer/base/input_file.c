/* input_file.c - opening and reading the analyzer's input files: regular files only, with a size
 * limit per kind and a line limit (see input_file.h).
 *
 * Opening: open(O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), so that opening a FIFO without a
 * writer returns at once instead of blocking and a terminal never becomes our controlling one;
 * then fstat on that descriptor (no check-then-open race: what is checked is what is read). Only a
 * regular file goes on; a directory keeps the kernel's own words ("Is a directory"), anything else
 * is named (FIFO, character device...). A file larger than its kind's limit is refused before
 * anything is read. O_NONBLOCK is then cleared (it means nothing for a regular file, but a
 * descriptor handed to libdw should be an ordinary one).
 *
 * Reading: our own buffer over read(2) (or the caller's memory), lines found with memchr. At most
 * the size limit is read in all, whatever the file does meanwhile: a file still growing, or a
 * /proc file whose size says 0, ends with LH_INPUT_TOO_BIG at the limit. A line is never stored
 * beyond the line limit, so a 2 GB file without a newline costs max_line bytes of memory, and the
 * caller says what to do (the run loader stops there, --html skips the rest of the line).
 *
 * Limits, and why (docs/analyzer.md repeats them):
 *   run file        4 GiB, lines 64 MiB: a million locks make 250 MB and 640 MB of memory, so
 *                   4 GiB is already ~13 GiB to analyse; the longest record the library writes is
 *                   a finding about every thread of a program (about 150 bytes a thread), or a
 *                   run record with a 64 KiB command line.
 *   suppressions    16 MiB, lines 64 KiB: a rule is one kind and one pattern.
 *   expectations    64 MiB, read whole: a C source (a whole amalgamation is 9 MB).
 *   shown source    64 MiB, lines 64 KiB: the page shows 400 bytes of a line anyway.
 *   debug info      16 GiB, not read here (libdw maps it): only its kind matters. */
#include "base/input_file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/grow.h"

#define KIB ((uint64_t)1024)
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)
#define READ_CHUNK (64 * 1024)

static const struct {
  uint64_t max_size;
  size_t max_line;
  const char *what; /* "more than the 4 GiB <what> may have" */
} limits[LH_INPUT_KIND_COUNT] = {
    [LH_INPUT_RUN] = {4 * GIB, 64 * MIB, "a run file"},
    [LH_INPUT_SUPPRESSIONS] = {16 * MIB, 64 * KIB, "a suppression file"},
    [LH_INPUT_EXPECTATIONS] = {64 * MIB, 0, "a checked source"},
    [LH_INPUT_SHOWN_SOURCE] = {64 * MIB, 64 * KIB, "a source file shown"},
    [LH_INPUT_DEBUG_INFO] = {16 * GIB, 0, "a debug info file"},
};

uint64_t lh_input_max_size(enum lh_input_kind kind) { return limits[kind].max_size; }
size_t lh_input_max_line(enum lh_input_kind kind) { return limits[kind].max_line; }

void lh_input_format_size(uint64_t n, char *out, size_t size) {
  if (n >= GIB && n % GIB == 0)
    snprintf(out, size, "%" PRIu64 " GiB", n / GIB);
  else if (n >= MIB && n % MIB == 0)
    snprintf(out, size, "%" PRIu64 " MiB", n / MIB);
  else if (n >= KIB && n % KIB == 0)
    snprintf(out, size, "%" PRIu64 " KiB", n / KIB);
  else
    snprintf(out, size, "%" PRIu64 " bytes", n);
}

static const char *type_name(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

int lh_input_open_fd(const char *path, enum lh_input_kind kind, char why[LH_INPUT_WHY_SIZE]) {
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    snprintf(why, LH_INPUT_WHY_SIZE, "%s", strerror(errno));
    if (fd >= 0) close(fd);
    return -1;
  }
  if (S_ISDIR(st.st_mode)) {
    snprintf(why, LH_INPUT_WHY_SIZE, "%s", strerror(EISDIR));
  } else if (!S_ISREG(st.st_mode)) {
    snprintf(why, LH_INPUT_WHY_SIZE, "it is %s, not a regular file", type_name(st.st_mode));
  } else if ((uint64_t)st.st_size > limits[kind].max_size) {
    char limit[32];
    lh_input_format_size(limits[kind].max_size, limit, sizeof limit);
    snprintf(why, LH_INPUT_WHY_SIZE, "it has %" PRIu64 " bytes, more than the %s %s may have",
             (uint64_t)st.st_size, limit, limits[kind].what);
  } else {
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return fd;
  }
  close(fd);
  return -1;
}

int lh_input_open(struct lh_input *in, const char *path, enum lh_input_kind kind,
                  char why[LH_INPUT_WHY_SIZE]) {
  memset(in, 0, sizeof *in);
  in->fd = lh_input_open_fd(path, kind, why);
  if (in->fd < 0) return -1;
  in->buf = lh_xmalloc(READ_CHUNK);
  in->left = limits[kind].max_size;
  in->max_line = limits[kind].max_line;
  return 0;
}

void lh_input_from_memory(struct lh_input *in, const char *text, size_t len,
                          enum lh_input_kind kind) {
  memset(in, 0, sizeof *in);
  in->fd = -1;
  in->mem = text;
  in->buf = (char *)text;
  in->max_line = limits[kind].max_line;
  if ((uint64_t)len > limits[kind].max_size) {
    len = (size_t)limits[kind].max_size;
    in->too_big = true;
  }
  in->end = len;
  in->eof = true;
}

void lh_input_close(struct lh_input *in) {
  if (in->fd >= 0) {
    close(in->fd);
    free(in->buf);
  }
  memset(in, 0, sizeof *in);
  in->fd = -1;
}

/* Refills the buffer when it is empty; false when nothing more can be read. */
static bool fill(struct lh_input *in) {
  if (in->pos < in->end) return true;
  if (in->eof || in->too_big || in->error) return false;
  in->pos = in->end = 0;
  /* A whole chunk even near the limit: what comes beyond it tells "exactly at the limit" from
   * "past it" (and some /proc files refuse reads of odd sizes). */
  ssize_t got;
  while ((got = read(in->fd, in->buf, READ_CHUNK)) < 0 && errno == EINTR) {
  }
  if (got < 0) {
    in->error = errno;
    return false;
  }
  if (got == 0) {
    in->eof = true;
    return false;
  }
  if ((uint64_t)got > in->left) {
    in->too_big = true;
    got = (ssize_t)in->left;
  }
  in->left -= (uint64_t)got;
  in->end = (size_t)got;
  return in->end > 0;
}

static ssize_t why_it_ended(const struct lh_input *in) {
  if (in->error) {
    errno = in->error;
    return LH_INPUT_ERROR;
  }
  return in->too_big ? LH_INPUT_TOO_BIG : LH_INPUT_END;
}

ssize_t lh_input_line(struct lh_input *in, char **buf, size_t *cap) {
  size_t len = 0, max = in->max_line ? in->max_line : SIZE_MAX - 1;
  for (;;) {
    if (!fill(in)) {
      if (len > 0 && !in->error && !in->too_big) break; /* a last line without its newline */
      return why_it_ended(in);
    }
    const char *start = in->buf + in->pos;
    size_t avail = in->end - in->pos;
    const char *nl = memchr(start, '\n', avail);
    size_t take = nl ? (size_t)(nl - start) + 1 : avail;
    bool too_long = take > max - len;
    if (too_long) take = max - len;
    if (*cap < len + take + 1) lh_grow(buf, cap, len + take + 1, 1);
    memcpy(*buf + len, start, take);
    len += take;
    in->pos += take;
    if (too_long) {
      (*buf)[len] = '\0';
      return LH_INPUT_TOO_LONG;
    }
    if (nl) break;
  }
  (*buf)[len] = '\0';
  return (ssize_t)len;
}

void lh_input_skip_line(struct lh_input *in) {
  while (fill(in)) {
    const char *start = in->buf + in->pos;
    const char *nl = memchr(start, '\n', in->end - in->pos);
    if (nl) {
      in->pos += (size_t)(nl - start) + 1;
      return;
    }
    in->pos = in->end;
  }
}

char *lh_input_slurp(const char *path, enum lh_input_kind kind, size_t *len,
                     char why[LH_INPUT_WHY_SIZE]) {
  struct lh_input in;
  if (lh_input_open(&in, path, kind, why) != 0) return NULL;
  char *text = NULL;
  size_t n = 0, cap = 0;
  while (fill(&in)) {
    size_t avail = in.end - in.pos;
    lh_grow(&text, &cap, n + avail + 1, 1);
    memcpy(text + n, in.buf + in.pos, avail);
    n += avail;
    in.pos = in.end;
  }
  if (in.error || in.too_big) {
    if (in.error)
      snprintf(why, LH_INPUT_WHY_SIZE, "%s", strerror(in.error));
    else {
      char limit[32];
      lh_input_format_size(limits[kind].max_size, limit, sizeof limit);
      snprintf(why, LH_INPUT_WHY_SIZE, "it grew past the %s %s may have", limit, limits[kind].what);
    }
    free(text);
    lh_input_close(&in);
    return NULL;
  }
  lh_input_close(&in);
  if (!text) text = lh_xcalloc(1, 1);
  text[n] = '\0';
  *len = n;
  return text;
}
