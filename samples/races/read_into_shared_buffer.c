/* read_into_shared_buffer.c - two threads read(2) into one buffer (course: MT 6, MP 2).
 *
 * What it shows: two workers each take a 4-byte message from the same pipe with read(), into the
 * same global buffer `inbox`. The system call writes the buffer, as a store would: two of them,
 * unordered, race, and a worker may find the other's message in its buffer. (Each message comes
 * out of the pipe whole: the race is in the program's memory, not in the pipe.)
 *
 * What to look for: a data race on inbox, named by the first byte both reads write
 * (`inbox[0]`), with both accesses at the read() call in take_message(). lockhound checks the
 * bytes read(2) writes and write(2) reads, as it checks memcpy's. Output through stdio (printf,
 * puts) is not a race: a FILE has a lock of its own.
 *
 * How to fix: give each worker its own buffer (a local array), or hold a mutex around the read
 * and every use of the buffer.
 *
 * lockhound-expect: data-race inbox[0]
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#define WORKERS 2

char inbox[16]; /* shared by both workers, guarded by nothing */
static int pipe_fds[2];

static void take_message(void)
{
    if (read(pipe_fds[0], inbox, 4) != 4) /* writes inbox[0..3] */
        return;
    printf("a worker took a message\n"); /* stdio: FILE's own lock, no race */
}

static void *worker(void *arg)
{
    (void)arg;
    take_message();
    return NULL;
}

int main(void)
{
    pthread_t t[WORKERS];
    if (pipe(pipe_fds) != 0 || write(pipe_fds[1], "pingpong", 8) != 8)
        return 1;
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(t[i], NULL);
    return 0;
}
