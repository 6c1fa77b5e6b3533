/* lonely_wait.c - a program with one thread that waits for ever on a semaphore nobody posts: a
 * stall, which lockhound must see although its watchdog starts only when first needed (here, when
 * the one thread blocks). */
#include <semaphore.h>
#include <stdio.h>

int main(void)
{
    sem_t never;
    sem_init(&never, 0, 0);
    puts("waiting");
    fflush(stdout);
    sem_wait(&never);
    return 0;
}
