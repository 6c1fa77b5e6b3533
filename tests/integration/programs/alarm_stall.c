/* alarm_stall.c - a real stall (main waits on a semaphore nobody posts) with an alarm pending
 * whose signal wakes nobody: its action is the default (argv[1] "default": the alarm ends the
 * process, as it would without lockhound) or ignored ("ignore"). argv[2]: the alarm's seconds.
 * Natively: dies of SIGALRM after the alarm (default), or hangs for ever (ignore). */
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    sem_t never_posted;
    sem_init(&never_posted, 0, 0);
    if (argc > 1 && strcmp(argv[1], "ignore") == 0)
        signal(SIGALRM, SIG_IGN);
    alarm(argc > 2 ? (unsigned)atoi(argv[2]) : 30);
    while (sem_wait(&never_posted) != 0)
        ;
    return 0;
}
