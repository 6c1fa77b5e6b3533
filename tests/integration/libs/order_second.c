/* order_second.c - liborder_second.so for programs/dlopen_same_address.c: takes y, then x (the
 * other order than order_first.c, with the same shape). */
#include <pthread.h>

void second_takes_y_then_x(pthread_mutex_t *x, pthread_mutex_t *y);

void second_takes_y_then_x(pthread_mutex_t *x, pthread_mutex_t *y) {
  pthread_mutex_lock(y);
  pthread_mutex_lock(x);
  pthread_mutex_unlock(x);
  pthread_mutex_unlock(y);
}
