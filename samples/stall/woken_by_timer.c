/* woken_by_timer.c - every thread blocked, and yet no stall: a timer's signal handler will wake
 * the waiter (course: Semaphore, Event - what only the outside of the threads can end).
 *
 * What it shows: main arms a 3 s alarm whose SIGALRM handler posts the semaphore `tick`
 * (sem_post is async-signal-safe), then waits on `tick`. For 3 s every thread of the program is
 * blocked and no thread is left to post: to a watcher of the threads alone, a stall. But a timer
 * is pending and the program handles its signal, so the wake-up can still come from outside the
 * threads. lockhound cannot be sure, so it does not end the program: it warns, lets it run, and
 * the alarm ends the wait (a daemon waiting for SIGTERM, or a process waiting for another process
 * to post a shared semaphore, looks the same).
 *
 * What to look for: after the stall timeout (1 s here), a warning `possible-stall` on tick, with
 * its reason ("the program handles signals, and a handler may post the semaphore a thread waits
 * on") and "lockhound is not certain, and let the program run"; then "woken by the timer" and
 * exit code 0 (a warning never changes it).
 * Try: remove the signal() call. No handler can post tick any more (the alarm's default action
 * would only kill the process, at 3 s), so lockhound reports a real `stall` after 1 s and ends
 * the program.
 *
 * lockhound-options: --stall-timeout=1
 * lockhound-expect: none
 * lockhound-expect-warning: possible-stall tick
 */
#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static sem_t tick;

static void on_alarm(int sig)
{
    (void)sig;
    sem_post(&tick); /* async-signal-safe: a handler may post a semaphore */
}

int main(void)
{
    sem_init(&tick, 0, 0);
    signal(SIGALRM, on_alarm);
    alarm(3);
    while (sem_wait(&tick) != 0 && errno == EINTR) /* the signal interrupts the wait: retry */
        ;
    puts("woken by the timer");
    return 0;
}
