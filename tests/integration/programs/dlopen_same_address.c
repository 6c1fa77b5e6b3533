/* dlopen_same_address LIBDIR - thread T1 calls liborder_first.so's function (lock_x, then
 * lock_y) and stays alive; the library is then closed and liborder_second.so opened, which the
 * loader usually maps at the very same address; thread T2, running at the same time as T1, calls
 * its function (lock_y, then lock_x). A potential deadlock whose second half lies in the second
 * library: its report must name second_takes_y_then_x in order_second.c, not what the first
 * library had at that address. Exits 77 (and says so) when the loader put the second library
 * elsewhere, since then there is nothing to test. */
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

typedef void pair_fn(pthread_mutex_t *x, pthread_mutex_t *y);

static pthread_mutex_t lock_x = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_y = PTHREAD_MUTEX_INITIALIZER;
static sem_t first_called, may_end;
static pair_fn *call;

static void *caller(void *arg) {
  (void)arg;
  call(&lock_x, &lock_y);
  return NULL;
}

static void *first_thread(void *arg) {
  caller(arg);
  sem_post(&first_called);
  sem_wait(&may_end); /* alive (not joined) while T2 runs: the two are parallel */
  return NULL;
}

static void *open_lib(const char *dir, const char *name, const char *fn, uintptr_t *base) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    fprintf(stderr, "dlopen_same_address: %s\n", dlerror());
    return NULL;
  }
  call = (pair_fn *)dlsym(h, fn);
  struct link_map *lm;
  dlinfo(h, RTLD_DI_LINKMAP, &lm);
  *base = lm->l_addr;
  return h;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: dlopen_same_address LIBDIR\n");
    return 2;
  }
  sem_init(&first_called, 0, 0);
  sem_init(&may_end, 0, 0);
  uintptr_t first_base, second_base;
  void *h = open_lib(argv[1], "liborder_first.so", "first_takes_x_then_y", &first_base);
  if (!h || !call)
    return 1;
  pthread_t t1, t2;
  pthread_create(&t1, NULL, first_thread, NULL);
  sem_wait(&first_called);
  dlclose(h);
  h = open_lib(argv[1], "liborder_second.so", "second_takes_y_then_x", &second_base);
  if (!h || !call)
    return 1;
  if (second_base != first_base) {
    printf("second library at %#lx, not at %#lx where the first was\n",
           (unsigned long)second_base, (unsigned long)first_base);
    sem_post(&may_end);
    pthread_join(t1, NULL);
    return 77;
  }
  pthread_create(&t2, NULL, caller, NULL);
  pthread_join(t2, NULL);
  sem_post(&may_end);
  pthread_join(t1, NULL);
  printf("both libraries at %#lx\n", (unsigned long)first_base);
  return 0;
}
