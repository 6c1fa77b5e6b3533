/* signal_query.c - a program that asks what its fault signals do before it changes them: natively
 * they have the default action, and so they must seem under lockhound, whose own handlers (that
 * report a crash) stand in only for the default action. Prints one line per question. */
#include <signal.h>
#include <stdio.h>

static const char *what(void (*h)(int), int flags)
{
    return (flags & SA_SIGINFO) ? "a handler" : h == SIG_DFL ? "default" : h == SIG_IGN ? "ignored"
                                                                        : "a handler";
}

int main(void)
{
    struct sigaction old;
    sigaction(SIGSEGV, NULL, &old);
    printf("sigaction SIGSEGV: %s\n", what(old.sa_handler, old.sa_flags));
    printf("signal SIGBUS: %s\n", what(signal(SIGBUS, SIG_IGN), 0));
    printf("signal SIGBUS again: %s\n", what(signal(SIGBUS, SIG_DFL), 0));
    struct sigaction mine = {.sa_handler = SIG_IGN}, before;
    sigemptyset(&mine.sa_mask);
    sigaction(SIGFPE, &mine, &before);
    printf("sigaction SIGFPE before ours: %s\n", what(before.sa_handler, before.sa_flags));
    return 0;
}
