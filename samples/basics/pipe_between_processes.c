/* pipe_between_processes.c - two processes exchanging data through a pipe (course: how do
 * processes exchange data).
 *
 * What it shows: a pipe is a one-way byte stream between processes. The parent writes the
 * numbers 1..100 into it; the forked child reads them, adds them up and sends the sum back
 * through a second pipe. Each process closes the pipe ends it does not use, so that a reader
 * sees end-of-file when the writer is done. No locks are needed: the kernel orders the bytes.
 *
 * What to look for: nothing. (Misuse to try: forget to close the write end in the child - the
 * child then never sees end-of-file and waits for ever.)
 *
 * lockhound-expect: none
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static long sum_numbers(int in)
{
    long sum = 0;
    int n;
    while (read(in, &n, sizeof n) == (ssize_t)sizeof n)
        sum += n;
    return sum;
}

int main(void)
{
    int to_child[2], to_parent[2];
    long sum = 0;
    if (pipe(to_child) != 0 || pipe(to_parent) != 0) {
        perror("pipe");
        return 1;
    }
    fflush(stdout);
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        close(to_child[1]); /* the child only reads numbers and writes the sum */
        close(to_parent[0]);
        long s = sum_numbers(to_child[0]);
        ssize_t put = write(to_parent[1], &s, sizeof s);
        _exit(put == (ssize_t)sizeof s ? 0 : 1);
    }
    close(to_child[0]);
    close(to_parent[1]);
    for (int i = 1; i <= 100; i++)
        if (write(to_child[1], &i, sizeof i) != (ssize_t)sizeof i)
            perror("write");
    close(to_child[1]); /* end-of-file for the child */
    if (read(to_parent[0], &sum, sizeof sum) != (ssize_t)sizeof sum)
        perror("read");
    waitpid(child, NULL, 0);
    printf("the child added 1..100: %ld\n", sum);
    return 0;
}
