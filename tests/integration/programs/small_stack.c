/* small_stack.c - a thread with a small stack takes nested locks at the bottom of a deep
 * recursion. Usage: small_stack KIB leave N | small_stack KIB use N. The thread gets a KIB KiB
 * stack (glibc accepts 16 and up) and recurses until only N bytes of it remain below the deepest
 * frame (`leave`, measured from the thread's own stack bounds, pthread_getattr_np), or until its
 * frames take N bytes (`use`: a fixed depth, as a real program's), then initialises and takes
 * new locks in nested pairs (every one a slow path for lockhound: a new lock, a new tuple, a
 * stack walk), and again on the way back up. Natively a lock call needs a few hundred bytes; so
 * must lockhound. Prints "small_stack: done" and exits 0. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAME 256
static uintptr_t stack_lo, stack_start;
static size_t leave, use;
static pthread_mutex_t locks[8];
static unsigned taken;

static void take_nested(void) {
  for (int i = 0; i < 7; i++) {
    pthread_mutex_lock(&locks[i]);
    pthread_mutex_lock(&locks[i + 1]);
    pthread_mutex_unlock(&locks[i + 1]);
    pthread_mutex_unlock(&locks[i]);
    taken++;
  }
}

static __attribute__((noinline)) unsigned dive(unsigned depth) {
  volatile char pad[FRAME];
  memset((char *)pad, (int)depth, sizeof pad);
  uintptr_t sp = (uintptr_t)&pad[0];
  unsigned r;
  if (use ? stack_start - sp >= use : sp - stack_lo <= leave + FRAME + 128) {
    for (int i = 0; i < 8; i++)
      pthread_mutex_init(&locks[i], NULL);
    take_nested();
    r = depth;
  } else {
    r = dive(depth + 1);
    if (depth % 16 == 0)
      take_nested();
  }
  return r + pad[depth % FRAME] * 0;
}

static void *thread_main(void *arg) {
  (void)arg;
  pthread_attr_t a;
  void *addr;
  size_t size;
  if (pthread_getattr_np(pthread_self(), &a) != 0 || pthread_attr_getstack(&a, &addr, &size))
    return NULL;
  pthread_attr_destroy(&a);
  stack_lo = (uintptr_t)addr;
  stack_start = (uintptr_t)&a;
  dive(0);
  return (void *)1;
}

int main(int argc, char **argv) {
  if (argc != 4 || (strcmp(argv[2], "leave") != 0 && strcmp(argv[2], "use") != 0)) {
    fprintf(stderr, "usage: small_stack KIB leave|use BYTES\n");
    return 2;
  }
  *(strcmp(argv[2], "use") == 0 ? &use : &leave) = (size_t)atol(argv[3]);
  /* Binds the lock functions now: a lazy binding at depth runs the dynamic linker's resolver,
   * which saves the vector registers on the stack (2-3 KiB) and would overflow natively. */
  pthread_mutex_t warm;
  pthread_mutex_init(&warm, NULL);
  pthread_mutex_lock(&warm);
  pthread_mutex_unlock(&warm);
  pthread_mutex_destroy(&warm);
  pthread_attr_t a;
  pthread_attr_init(&a);
  int rc = pthread_attr_setstacksize(&a, (size_t)atol(argv[1]) * 1024);
  pthread_t t;
  if (rc == 0)
    rc = pthread_create(&t, &a, thread_main, NULL);
  if (rc != 0) {
    fprintf(stderr, "small_stack: cannot create the thread: %s\n", strerror(rc));
    return 1;
  }
  void *res;
  pthread_join(t, &res);
  /* The depth, hence the number of pairs, depends on the stack left: not printed. */
  printf("small_stack: %s\n", res && taken >= 7 ? "done" : "no stack bounds");
  return res ? 0 : 1;
}
