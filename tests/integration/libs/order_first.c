/* order_first.c - liborder_first.so for programs/dlopen_same_address.c: takes x, then y. Its twin
 * order_second.c has the same shape (so that the two are laid out alike and the loader is likely
 * to map the second where the first was) and takes them in the other order. */
#include <pthread.h>

void first_takes_x_then_y(pthread_mutex_t *x, pthread_mutex_t *y);

void first_takes_x_then_y(pthread_mutex_t *x, pthread_mutex_t *y) {
  pthread_mutex_lock(x);
  pthread_mutex_lock(y);
  pthread_mutex_unlock(y);
  pthread_mutex_unlock(x);
}
