/* race_through_memcpy.c - a race inside a library call: two threads memcpy into one shared buffer
 * (course: MT 6).
 *
 * What it shows: each thread publishes its status ("busy", "idle") by copying the string, with
 * its terminating 0, into the shared `status_line` with memcpy. Both copies write the same bytes
 * with no lock: the buffer can end up with a mix of the two ("idsy"). The race is not in an
 * assignment you can see but inside memcpy; the memory is the same, and so is the bug.
 *
 * What to look for: lockhound reports a data race on status_line, named by the first byte both
 * copies write, `status_line[0]`, with both accesses at the memcpy call in publish_status():
 * lockhound checks the bytes that memcpy, memset, memmove and the string functions read and
 * write, as it checks plain loads and stores. (strlen() reads the strings, which nobody writes:
 * reads alone never race.)
 *
 * How to fix: hold a mutex around the copy (and around every read of the buffer), or give each
 * thread its own buffer and hand it over by join, a semaphore or a queue.
 *
 * lockhound-expect: data-race status_line[0]
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define THREADS 2

char status_line[32]; /* shared, guarded by nothing */

static void publish_status(const char *text)
{
    memcpy(status_line, text, strlen(text) + 1); /* both threads write the first bytes */
}

static void *worker(void *arg)
{
    publish_status(arg);
    return NULL;
}

int main(void)
{
    static const char *const statuses[THREADS] = {"busy", "idle"};
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)statuses[i]);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("status: %s\n", status_line);
    return 0;
}
