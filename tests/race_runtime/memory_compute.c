/* memory_compute.c - test program: every memory and string function that lockhound wraps
 * (wrapped_functions.def, X_MEMORY), on the cases where a careless wrapper would differ: length
 * 0, overlapping moves in both directions, padding and truncation, a terminator searched for,
 * nothing found, the sign of comparisons, returned pointers. It prints every result (pointers
 * as offsets into their buffers). Built with -fno-builtin so that each call really is a call,
 * plain and instrumented, by gcc and by clang, and also run with liblockhound preloaded: the
 * output must be the same byte for byte in every build.
 *
 * The last part copies and compares in four threads, each in its own buffer, then main checks
 * every buffer after joining them: nothing here may be reported as a race. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

static char a[256], b[256];
/* Lengths of zero, not known to the compiler, so that the calls are made and not warned about. */
static volatile size_t zero;

/* A comparison's sign only: its magnitude is not specified. */
static int sign(long v) { return (v > 0) - (v < 0); }

static long off(const void *p, const void *base) {
  return p ? (long)((const char *)p - (const char *)base) : -1;
}

static void show(const char *what, long v) { printf("%-30s %ld\n", what, v); }

static void show_bytes(const char *what, const char *p, size_t n) {
  printf("%-30s ", what);
  for (size_t i = 0; i < n; i++)
    printf("%02x", (unsigned char)p[i]);
  printf("\n");
}

static void reset(void) {
  for (int i = 0; i < 256; i++) {
    a[i] = (char)('a' + i % 26);
    b[i] = (char)('A' + i % 26);
  }
}

static void copies(void) {
  reset();
  show("memcpy ret", off(memcpy(a, b, 10), a));
  show("memcpy 0 ret", off(memcpy(a + 3, b, zero), a));
  show("mempcpy ret", off(mempcpy(a + 20, b + 5, 7), a));
  show_bytes("after copies", a, 32);
  show("memmove forward ret", off(memmove(a + 1, a, 30), a));
  show_bytes("after memmove forward", a, 32);
  show("memmove backward ret", off(memmove(a, a + 3, 30), a));
  show_bytes("after memmove backward", a, 32);
  bcopy(a, a + 5, 20);
  show_bytes("after bcopy overlap", a, 32);
  bcopy(b + 40, a, 6);
  show_bytes("after bcopy", a, 32);
  show("memset ret", off(memset(a + 2, 0x5a, 9), a));
  memset(a + 11, 0, zero);
  bzero(a + 12, 4);
  bzero(a, zero);
  show_bytes("after memset bzero", a, 32);
  char big1[100000], big2[100000];
  for (size_t i = 0; i < sizeof big1; i++)
    big1[i] = (char)(i * 7 + i / 251);
  memcpy(big2, big1, sizeof big1);
  memmove(big2 + 1, big2, sizeof big2 - 1);
  unsigned long sum = 0;
  for (size_t i = 0; i < sizeof big2; i++)
    sum = sum * 31 + (unsigned char)big2[i];
  show("big copy checksum", (long)(sum & 0x7fffffff));
}

static void comparisons(void) {
  show("memcmp equal", sign(memcmp("abcdef", "abcdef", 6)));
  show("memcmp less", sign(memcmp("abcdef", "abcdzz", 6)));
  show("memcmp high byte", sign(memcmp("\x80", "\x01", 1)));
  show("memcmp 0", sign(memcmp("a", "b", zero)));
  show("strcmp equal", sign(strcmp("hello", "hello")));
  show("strcmp prefix", sign(strcmp("hell", "hello")));
  show("strcmp greater", sign(strcmp("help", "hello")));
  show("strcmp high byte", sign(strcmp("\xff", "a")));
  show("strncmp within", sign(strncmp("hello", "help", 3)));
  show("strncmp beyond", sign(strncmp("hello", "help", 4)));
  show("strncmp 0", sign(strncmp("x", "y", zero)));
  show("strncmp past end", sign(strncmp("ab", "ab", 100)));
}

static void searches(void) {
  const char *s = "hello, world";
  show("memchr found", off(memchr(s, 'o', 12), s));
  show("memchr bounded", off(memchr(s, 'w', 5), s));
  show("memchr nul", off(memchr(s, 0, 13), s));
  show("memchr 0", off(memchr(s, 'h', zero), s));
  show("strchr found", off(strchr(s, 'o'), s));
  show("strchr missing", off(strchr(s, 'z'), s));
  show("strchr nul", off(strchr(s, 0), s));
  const char *high = "a\xe9z";
  show("strchr high char", off(strchr(high, 0xe9), high));
  show("strrchr found", off(strrchr(s, 'o'), s));
  show("strrchr missing", off(strrchr(s, 'q'), s));
  show("strrchr nul", off(strrchr(s, 0), s));
  show("strlen", (long)strlen(s));
  show("strlen empty", (long)strlen(""));
  show("strnlen short", (long)strnlen(s, 4));
  show("strnlen long", (long)strnlen(s, 400));
  show("strnlen 0", (long)strnlen(s, zero));
}

static void string_copies(void) {
  reset();
  show("strcpy ret", off(strcpy(a, "copy me"), a));
  show("stpcpy ret", off(stpcpy(a + 10, "end"), a));
  show_bytes("after strcpy stpcpy", a, 16);
  reset();
  show("strncpy pad ret", off(strncpy(a, "ab", 6), a));
  show("strncpy trunc ret", off(strncpy(a + 8, "abcdefgh", 4), a));
  show_bytes("after strncpy", a, 16);
  reset();
  show("stpncpy pad ret", off(stpncpy(a, "ab", 6), a));
  show("stpncpy trunc ret", off(stpncpy(a + 8, "abcdefgh", 4), a));
  show_bytes("after stpncpy", a, 16);
  strcpy(a, "one");
  show("strcat ret", off(strcat(a, "two"), a));
  show("strncat short ret", off(strncat(a, "three", 2), a));
  show("strncat long ret", off(strncat(a, "xy", 10), a));
  strncat(a, "zz", zero);
  show_bytes("after strcat", a, 16);
  char *d = strdup("duplicate");
  show("strdup", (long)strlen(d) * 100 + sign(strcmp(d, "duplicate")));
  free(d);
  d = strndup("duplicate", 3);
  show("strndup short", (long)strlen(d) * 100 + sign(strcmp(d, "dup")));
  free(d);
  d = strndup("dup", 30);
  show("strndup long", (long)strlen(d));
  free(d);
}

/* ---- read(2) and write(2) through a pipe ---- */

static void pipe_round_trip(void) {
  int fds[2];
  char out[16] = "through a pipe", in[16] = "";
  if (pipe(fds) != 0)
    return;
  show("write", (long)write(fds[1], out, sizeof out));
  show("read", (long)read(fds[0], in, sizeof in));
  show_bytes("read bytes", in, 16);
  close(fds[0]);
  close(fds[1]);
}

/* ---- four threads, each in its own buffer ---- */

enum { THREADS = 4, ROUNDS = 2000 };
static char own[THREADS][512];
static long results[THREADS];

static void *work(void *arg) {
  unsigned me = (unsigned)(uintptr_t)arg;
  char *buf = own[me], tmp[512];
  long acc = 0;
  for (int i = 0; i < ROUNDS; i++) {
    memset(buf, 'a' + (int)me, 100);
    buf[100] = 0;
    memcpy(tmp, buf, 101);
    memmove(buf + 1, buf, 200);
    acc += (long)strlen(tmp) + sign(strcmp(tmp, buf)) + sign(memcmp(buf, tmp, 50));
    strcpy(buf + 300, "tail");
    strcat(buf + 300, tmp + 95);
    acc += (long)strlen(buf + 300);
  }
  results[me] = acc;
  return NULL;
}

static void threads(void) {
  pthread_t t[THREADS];
  for (unsigned i = 0; i < THREADS; i++)
    pthread_create(&t[i], NULL, work, (void *)(uintptr_t)i);
  for (unsigned i = 0; i < THREADS; i++)
    pthread_join(t[i], NULL);
  for (unsigned i = 0; i < THREADS; i++) {
    show("thread result", results[i]);
    show_bytes("thread buffer", own[i] + 296, 16);
  }
}

int main(void) {
  copies();
  comparisons();
  searches();
  string_copies();
  pipe_round_trip();
  threads();
  return 0;
}
