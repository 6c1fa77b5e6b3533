/* plugin_cycles N LIBDIR - N times: open liborder_first.so (without calling it), make a new
 * short-lived mutex and take it under `outer`, close the library, again a new mutex under
 * `outer`, and take lock_x then lock_y. A library that comes and goes without ever being on a
 * stack must not make lockhound record the program's lock orders again and again: the run file
 * must not grow with N (tests/integration/test_resources.c). Prints N. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_x = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_y = PTHREAD_MUTEX_INITIALIZER;

static void short_lived_under_outer(void) {
  pthread_mutex_t m;
  pthread_mutex_init(&m, NULL);
  pthread_mutex_lock(&outer);
  pthread_mutex_lock(&m);
  pthread_mutex_unlock(&m);
  pthread_mutex_unlock(&outer);
  pthread_mutex_destroy(&m);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: plugin_cycles N LIBDIR\n");
    return 2;
  }
  long n = atol(argv[1]);
  char path[4096];
  snprintf(path, sizeof path, "%s/liborder_first.so", argv[2]);
  for (long i = 0; i < n; i++) {
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      fprintf(stderr, "plugin_cycles: %s\n", dlerror());
      return 1;
    }
    short_lived_under_outer();
    dlclose(h);
    short_lived_under_outer();
    pthread_mutex_lock(&lock_x);
    pthread_mutex_lock(&lock_y);
    pthread_mutex_unlock(&lock_y);
    pthread_mutex_unlock(&lock_x);
  }
  printf("%ld\n", n);
  return 0;
}
