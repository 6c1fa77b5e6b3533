/* inversion_through_kept_back_chain - T1 walks chain[0..7] in nested pairs (i, i+1) from one call
 * site: each pair after the first is the same (lock site, held site) pair as the first, so
 * lockhound keeps its tuple back while its edge lies on no cycle. T2, running at the same time,
 * then holds chain[3] while it takes chain[2]: that edge closes the cycle chain[2] -> chain[3] ->
 * chain[2], and T1's kept-back tuple (chain[3] under chain[2]) must be written, or the inversion
 * would be missed. A semaphore hand-off lets the run end.
 * With an argument, the chain has that many links (at most 40,000): past lockhound's search
 * budget, the edge's search cannot tell, and everything kept back must be written. */
#include <pthread.h>
#include <stdio.h>

#include "hand_off.h"
#include <stdlib.h>

#define MAX_LINKS 40000

static pthread_mutex_t chain[MAX_LINKS];
static int links = 8;

static void take_pair(int i) {
  pthread_mutex_lock(&chain[i]);
  pthread_mutex_lock(&chain[i + 1]);
  pthread_mutex_unlock(&chain[i + 1]);
  pthread_mutex_unlock(&chain[i]);
}

static void *first(void *arg) {
  (void)arg;
  for (int i = 0; i + 1 < links; i++) /* one call site: the tuples differ only by their locks */
    take_pair(i);
  sem_post(&first_done);
  return NULL;
}

static void *second(void *arg) {
  (void)arg;
  sem_wait(&first_done); /* only so that this run cannot hang */
  pthread_mutex_lock(&chain[3]);
  pthread_mutex_lock(&chain[2]); /* holds chain[3], wants chain[2]: the other order */
  pthread_mutex_unlock(&chain[2]);
  pthread_mutex_unlock(&chain[3]);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc > 1)
    links = atoi(argv[1]);
  if (links < 4 || links > MAX_LINKS)
    return 2;
  for (int i = 0; i < links; i++)
    pthread_mutex_init(&chain[i], NULL);
  run_first_then_second(first, second);
  puts("done");
  return 0;
}
