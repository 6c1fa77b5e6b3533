/* fork_chain_inversion - T1 walks chain[0..7] in nested pairs from one call site (lockhound keeps
 * all but the first pair's tuple back) and is joined; then the process forks. The child starts
 * with its parent's lock graph but none of its kept-back tuples: there T1' walks the chain
 * again and T2', running at the same time, holds chain[3] while it takes chain[2], which closes
 * a cycle through T1''s kept-back tuple: the child reports exactly that inversion, as without
 * keep-back. A semaphore orders T1' and T2', so the run cannot hang. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINKS 8

static pthread_mutex_t chain[LINKS];
static sem_t first_done;

static void take_pair(int i) {
  pthread_mutex_lock(&chain[i]);
  pthread_mutex_lock(&chain[i + 1]);
  pthread_mutex_unlock(&chain[i + 1]);
  pthread_mutex_unlock(&chain[i]);
}

static void *walk(void *arg) {
  (void)arg;
  for (int i = 0; i + 1 < LINKS; i++)
    take_pair(i);
  sem_post(&first_done);
  return NULL;
}

static void *invert(void *arg) {
  (void)arg;
  sem_wait(&first_done);
  pthread_mutex_lock(&chain[3]);
  pthread_mutex_lock(&chain[2]);
  pthread_mutex_unlock(&chain[2]);
  pthread_mutex_unlock(&chain[3]);
  return NULL;
}

int main(void) {
  for (int i = 0; i < LINKS; i++)
    pthread_mutex_init(&chain[i], NULL);
  sem_init(&first_done, 0, 0);
  pthread_t t1, t2;
  pthread_create(&t1, NULL, walk, NULL);
  pthread_join(t1, NULL);
  sem_wait(&first_done);
  pid_t pid = fork();
  if (pid < 0)
    return 1;
  if (pid == 0) {
    pthread_create(&t2, NULL, invert, NULL);
    pthread_create(&t1, NULL, walk, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    _exit(0);
  }
  int status;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
    return 1;
  puts("done");
  return 0;
}
