/* shm_exec_inversion.c - two programs that share nothing but a shm_open object take the two
 * process-shared mutexes it holds in opposite orders.
 *
 * The first creates the object, initialises the mutexes and starts the second with posix_spawn
 * (an exec: no fork lineage, no memory in common but the object, which each maps where it likes);
 * the second takes b then a and ends; the first then takes a then b. Nothing lockhound sees
 * orders the two (the waitpid between them is not seen), so this is an inversion across
 * processes, found only when the locks are known by the object and offset they live at. */
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct shared {
    pthread_mutex_t a, b;
};

static void both(pthread_mutex_t *first, pthread_mutex_t *second)
{
    pthread_mutex_lock(first);
    pthread_mutex_lock(second);
    pthread_mutex_unlock(second);
    pthread_mutex_unlock(first);
}

static struct shared *map(int fd)
{
    struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    return s == MAP_FAILED ? NULL : s;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "second") == 0) {
        int fd = shm_open(argv[2], O_RDWR, 0);
        struct shared *s = fd >= 0 ? map(fd) : NULL;
        if (!s)
            return 1;
        both(&s->b, &s->a);
        return 0;
    }
    char name[64];
    snprintf(name, sizeof name, "/lockhound-test-%d", (int)getpid());
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0 || ftruncate(fd, sizeof(struct shared)) != 0) {
        perror("shm_open");
        return 1;
    }
    /* a page of the object mapped first: the mutexes then lie elsewhere in this process than in
     * the second one */
    void *pad = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    struct shared *s = map(fd);
    if (pad == MAP_FAILED || !s) {
        perror("mmap");
        shm_unlink(name);
        return 1;
    }
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&s->a, &attr);
    pthread_mutex_init(&s->b, &attr);
    char *child_argv[] = {argv[0], "second", name, NULL};
    pid_t pid;
    int status = 1;
    if (posix_spawn(&pid, argv[0], NULL, NULL, child_argv, environ) == 0)
        waitpid(pid, &status, 0);
    shm_unlink(name);
    both(&s->a, &s->b);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
