/* passthrough.c - a well-behaved threaded program, to show that lockhound changes nothing it
 * should not.
 *
 * What it shows: running a program under lockhound (`lockhound run -- prog` or
 * LD_PRELOAD=liblockhound.so prog) keeps its input, output and exit code exactly as they are:
 * a worker thread copies standard input to standard output (under a mutex, with a byte count),
 * the program writes one line to standard error, and exits with the code given as its first
 * argument (0 when there is none). The tests compare all of this with a run without lockhound.
 *
 * Try: printf 'hello\n' | lockhound run -- build/samples/basics/passthrough 3; echo $?
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long bytes_copied;

static void *copy_stdin(void *arg)
{
    char buf[4096];
    ssize_t n;
    (void)arg;
    while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0) {
        if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
            break;
        pthread_mutex_lock(&count_lock);
        bytes_copied += n;
        pthread_mutex_unlock(&count_lock);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t copier;
    int code = argc > 1 ? atoi(argv[1]) : 0;
    printf("passthrough: start\n");
    fflush(stdout);
    pthread_create(&copier, NULL, copy_stdin, NULL);
    pthread_join(copier, NULL);
    fprintf(stderr, "passthrough: copied %ld bytes, exiting with %d\n", bytes_copied, code);
    printf("passthrough: end\n");
    return code;
}
