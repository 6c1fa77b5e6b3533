/* swap_dir_shim.c - the attacker of a check-then-open race, at the worst moment, every time.
 *
 * Preloaded before liblockhound (or into `lockhound run`), this library plays a user who may
 * rename entries of a world-writable, non-sticky TMPDIR. The first time the process checks the
 * directory LH_SHIM_RUN_DIR (an lstat, stat or fstatat of that path, or an fstat of a descriptor
 * opened on it), the check is answered truthfully, and right after it the directory is renamed
 * to LH_SHIM_RUN_DIR.moved and a symbolic link to LH_SHIM_VICTIM is put in its place. Whatever
 * the process then creates "in" LH_SHIM_RUN_DIR by path lands in the victim directory; what it
 * creates relative to a descriptor it checked lands in the moved one. The variables are removed
 * after the swap, so that the processes it starts do not swap again.
 *
 * Test code only: the checks are the stat family that glibc 2.33 and later export. */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool swapped; /* once per process; the processes tested check from one thread */

static void *next(const char *name)
{
    return dlsym(RTLD_NEXT, name);
}

static bool is_target(const char *path)
{
    const char *dir = getenv("LH_SHIM_RUN_DIR");
    return !swapped && path && dir && strcmp(path, dir) == 0;
}

static bool fd_is_target(int fd)
{
    char link[64], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n <= 0)
        return false;
    target[n] = 0;
    return is_target(target);
}

static void swap(void)
{
    const char *dir = getenv("LH_SHIM_RUN_DIR");
    const char *victim = getenv("LH_SHIM_VICTIM");
    char moved[4200];
    swapped = true;
    snprintf(moved, sizeof moved, "%s.moved", dir);
    if (rename(dir, moved) != 0 || symlink(victim, dir) != 0)
        perror("swap_dir_shim: cannot swap the directory");
    unsetenv("LH_SHIM_RUN_DIR");
    unsetenv("LH_SHIM_VICTIM");
}

int lstat(const char *path, struct stat *st)
{
    bool target = is_target(path);
    int rc = ((int (*)(const char *, struct stat *))next("lstat"))(path, st);
    if (target)
        swap();
    return rc;
}

int stat(const char *path, struct stat *st)
{
    bool target = is_target(path);
    int rc = ((int (*)(const char *, struct stat *))next("stat"))(path, st);
    if (target)
        swap();
    return rc;
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
    bool target = is_target(path);
    int rc = ((int (*)(int, const char *, struct stat *, int))next("fstatat"))(dirfd, path, st,
                                                                             flags);
    if (target)
        swap();
    return rc;
}

int fstat(int fd, struct stat *st)
{
    bool target = fd_is_target(fd);
    int rc = ((int (*)(int, struct stat *))next("fstat"))(fd, st);
    if (target)
        swap();
    return rc;
}
