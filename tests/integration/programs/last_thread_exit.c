/* last_thread_exit.c - a process whose last thread ends by pthread_exit or by returning from its
 * start routine: glibc then runs exit(0) (atexit handlers, stdio flushed) and the process ends.
 * lockhound's watchdog is a thread too, so it must not keep such a process alive.
 * Usage: last_thread_exit HOW, HOW one of:
 *   main: main starts a worker and calls pthread_exit; the worker prints and returns;
 *   fork_child: a worker forks; the child's one thread starts a thread (the child gets a watchdog),
 *   joins it and returns from its start routine: the child ends with 0, the parent prints it.
 * Stdout is a pipe or a file in the tests: the lines are flushed only by the exit(0). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void said_at_exit(void) { puts("atexit handler ran"); }

static void *say_done(void *arg) {
  (void)arg;
  usleep(200 * 1000); /* main is gone by now */
  puts("worker done");
  return NULL;
}

static void *fork_here(void *arg) {
  (void)arg;
  pid_t child = fork();
  if (child == 0) {
    pthread_t t;
    pthread_create(&t, NULL, say_done, NULL);
    pthread_join(t, NULL);
    return NULL; /* the child's last thread ends */
  }
  int status = 0;
  waitpid(child, &status, 0);
  printf("child ended with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return NULL;
}

int main(int argc, char **argv) {
  const char *how = argc > 1 ? argv[1] : "main";
  atexit(said_at_exit);
  pthread_t t;
  if (strcmp(how, "main") == 0) {
    pthread_create(&t, NULL, say_done, NULL);
    pthread_exit(NULL);
  }
  if (strcmp(how, "fork_child") == 0) {
    pthread_create(&t, NULL, fork_here, NULL);
    pthread_join(t, NULL);
    return 0;
  }
  fprintf(stderr, "usage: last_thread_exit main|fork_child\n");
  return 2;
}
