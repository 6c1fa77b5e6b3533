/* ring_from_one_site - three threads, all running at once, each take ring[i] then ring[i + 1 mod
 * 3] through the same function: the three tuples are the same (lock site, held site) pair, so
 * lockhound writes the first and keeps the second back while its edge lies on no cycle; the
 * third closes the ring, and the kept-back one must be written before it, or the three-lock
 * cycle would be missed. Semaphores make the threads take their pairs one after the other, so
 * the run cannot deadlock. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t ring[3];
static sem_t turn[3];

static void take_pair(int i) {
  pthread_mutex_lock(&ring[i]);
  pthread_mutex_lock(&ring[(i + 1) % 3]);
  pthread_mutex_unlock(&ring[(i + 1) % 3]);
  pthread_mutex_unlock(&ring[i]);
}

static void *walker(void *arg) {
  int i = (int)(long)arg;
  sem_wait(&turn[i]);
  take_pair(i);
  if (i < 2)
    sem_post(&turn[i + 1]);
  return NULL;
}

int main(void) {
  for (int i = 0; i < 3; i++) {
    pthread_mutex_init(&ring[i], NULL);
    sem_init(&turn[i], 0, 0);
  }
  pthread_t t[3];
  for (long i = 0; i < 3; i++)
    pthread_create(&t[i], NULL, walker, (void *)i);
  sem_post(&turn[0]);
  for (int i = 0; i < 3; i++)
    pthread_join(t[i], NULL);
  puts("done");
  return 0;
}
