/* inversion_with_main - main and a thread it created take `a` and `b` in opposite orders: the
 * thread b then a, then main (after the thread posted that it is done, so the run cannot hang)
 * a then b, before it joins the thread. Each side's stack ends where its own code begins: main,
 * and the thread's start routine `worker`; nothing of the C library that started them. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static sem_t worker_done;

static void *worker(void *arg) {
  (void)arg;
  pthread_mutex_lock(&b);
  pthread_mutex_lock(&a);
  pthread_mutex_unlock(&a);
  pthread_mutex_unlock(&b);
  sem_post(&worker_done);
  return NULL;
}

int main(void) {
  sem_init(&worker_done, 0, 0);
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  sem_wait(&worker_done);
  pthread_mutex_lock(&a);
  pthread_mutex_lock(&b);
  pthread_mutex_unlock(&b);
  pthread_mutex_unlock(&a);
  pthread_join(t, NULL);
  puts("done");
  return 0;
}
