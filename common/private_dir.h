/* private_dir.h - the one check both halves make before they trust a run directory (the library
 * before it writes a run file there, `lockhound run` before it reads the files back): opened
 * without following a final symbolic link, then checked on the descriptor - what is checked is
 * what is used - to be a directory of `owner` that no one else may write to, and with own (the
 * default directory, which lockhound makes 0700 itself) that no one else may use at all. Raw
 * system calls: in the library this runs inside any program, where open and close are
 * cancellation points (interpose/base/raw_syscalls.h says why that matters). */
#ifndef LH_PRIVATE_DIR_H
#define LH_PRIVATE_DIR_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The directory's descriptor (O_PATH), or -1 with *why saying what is wrong with it. */
static inline int lh_open_private_dir(const char *dir, bool own, uid_t owner, const char **why) {
  int fd =
      (int)syscall(SYS_openat, AT_FDCWD, dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
  if (fd < 0) {
    /* Linux says ENOTDIR for a link with O_DIRECTORY; lstat only chooses the words. */
    struct stat st;
    int err = errno;
    if (err == ELOOP || (err == ENOTDIR && lstat(dir, &st) == 0 && S_ISLNK(st.st_mode)))
      *why = "it is a symbolic link";
    else
      *why = err == ENOTDIR ? "it is not a directory" : strerror(err);
    return -1;
  }
  struct stat st;
  *why = NULL;
  if (fstat(fd, &st) != 0)
    *why = strerror(errno);
  else if (!S_ISDIR(st.st_mode))
    *why = "it is not a directory";
  else if (st.st_uid != owner)
    *why = "it belongs to another user";
  else if (st.st_mode & (S_IWGRP | S_IWOTH))
    *why = "others can write to it";
  else if (own && (st.st_mode & 077))
    *why = "others can read or enter it (it is not mode 0700)";
  if (*why) {
    syscall(SYS_close, fd);
    return -1;
  }
  return fd;
}

#endif
