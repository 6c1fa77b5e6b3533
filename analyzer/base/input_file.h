/* input_file.h - the one way the analyzer opens and reads a file it is told to read.
 *
 * Run files, suppression files, the sources `lockhound check` reads expectations from, the source
 * lines --html shows and the separate debug info a module's .gnu_debuglink names may all come from
 * someone else. Each is opened here: regular files only (a FIFO, a device, a socket or a directory
 * is refused without blocking), at most the size limit of its kind, read line by line with a line
 * limit. The limits are in input_file.c and docs/analyzer.md. */
#ifndef LH_INPUT_FILE_H
#define LH_INPUT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum lh_input_kind {
  LH_INPUT_RUN,          /* a run file (lockhound report, run) */
  LH_INPUT_SUPPRESSIONS, /* a --suppressions file */
  LH_INPUT_EXPECTATIONS, /* a source or --expect file that lockhound check reads */
  LH_INPUT_SHOWN_SOURCE, /* a source file whose lines --html shows */
  LH_INPUT_DEBUG_INFO,   /* separate debug info (.gnu_debuglink) */
  LH_INPUT_KIND_COUNT
};

/* The limits of a kind: the whole file, and one line (0: the kind is not read by lines). */
uint64_t lh_input_max_size(enum lh_input_kind kind);
size_t lh_input_max_line(enum lh_input_kind kind);

/* Why an open failed: a short phrase for "cannot read FILE: <why>". */
#define LH_INPUT_WHY_SIZE 160

/* A file being read. */
struct lh_input {
  int fd;          /* -1 when reading from memory */
  const char *mem; /* the text, when reading from memory */
  char *buf;       /* read buffer (fd), or mem */
  size_t pos, end; /* unread bytes: buf[pos, end) */
  uint64_t left;   /* bytes that may still be read before the size limit */
  size_t max_line;
  bool eof, too_big;
  int error; /* errno of a failed read, or 0 */
};

/* Opens path as a file of the given kind. Returns 0, or -1 with the reason in why (e.g.
 * "No such file or directory", "it is a FIFO, not a regular file", "it has 5000000000 bytes, more
 * than the 4 GiB a run file may have"). */
int lh_input_open(struct lh_input *in, const char *path, enum lh_input_kind kind,
                  char why[LH_INPUT_WHY_SIZE]);
/* Reads text already in memory under the same limits (the fuzz harness, the tests). */
void lh_input_from_memory(struct lh_input *in, const char *text, size_t len,
                          enum lh_input_kind kind);
void lh_input_close(struct lh_input *in);

enum {
  LH_INPUT_END = 0,       /* no more bytes */
  LH_INPUT_ERROR = -1,    /* a read failed: in->error */
  LH_INPUT_TOO_LONG = -2, /* a line longer than max_line: *buf holds its first max_line bytes,
                             the rest is unread (lh_input_skip_line skips it) */
  LH_INPUT_TOO_BIG = -3,  /* the file went past its size limit while being read */
};

/* Reads one line into *buf (grown as getline does, to hold at most max_line + 1 bytes), with its
 * '\n' when it has one, NUL-terminated. Returns its length (> 0), or one of the values above. */
ssize_t lh_input_line(struct lh_input *in, char **buf, size_t *cap);
/* Skips the rest of the current line (after LH_INPUT_TOO_LONG). */
void lh_input_skip_line(struct lh_input *in);

/* The whole file as a NUL-terminated string (*len without the NUL), or NULL with why. */
char *lh_input_slurp(const char *path, enum lh_input_kind kind, size_t *len,
                     char why[LH_INPUT_WHY_SIZE]);

/* An open descriptor (O_RDONLY, close-on-exec, blocking) of path checked as lh_input_open
 * checks, for a library that reads it itself (libdw); -1 with why. */
int lh_input_open_fd(const char *path, enum lh_input_kind kind, char why[LH_INPUT_WHY_SIZE]);

/* "4 GiB", "64 KiB", "123 bytes": a limit as messages write it. */
void lh_input_format_size(uint64_t n, char *out, size_t size);

#endif
