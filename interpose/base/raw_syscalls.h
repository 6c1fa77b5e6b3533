/* raw_syscalls.h - the system calls lockhound's own code makes, without glibc's cancellation.
 *
 * glibc's write, open, read, close and waitpid are cancellation points: for the system call's
 * duration they switch the thread to asynchronous cancellation, even when cancellation is
 * disabled, and glibc 2.36's cancel-signal handler then ends the thread (it checks the type, not
 * the state). A thread of the program cancelled in asynchronous mode would die inside lockhound
 * with its recorder lock taken, and every other thread would hang (recorder.c). These are the
 * same calls made with syscall(2), which is no cancellation point; errno is set as usual. */
#ifndef LH_RAW_SYSCALLS_H
#define LH_RAW_SYSCALLS_H

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static inline ssize_t lh_sys_write(int fd, const void *buf, size_t len) {
  return syscall(SYS_write, fd, buf, len);
}
static inline ssize_t lh_sys_read(int fd, void *buf, size_t len) {
  return syscall(SYS_read, fd, buf, len);
}
static inline int lh_sys_open(const char *path, int flags, mode_t mode) {
  return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}
static inline int lh_sys_openat(int dir_fd, const char *path, int flags, mode_t mode) {
  return (int)syscall(SYS_openat, dir_fd, path, flags, mode);
}
static inline int lh_sys_close(int fd) { return (int)syscall(SYS_close, fd); }
static inline pid_t lh_sys_waitpid(pid_t pid, int *status, int options) {
  return (pid_t)syscall(SYS_wait4, pid, status, options, NULL);
}

#endif
