/* accesses_compute.c - test program: plain memory accesses of every size (1 to 16 bytes), aligned
 * and unaligned (packed structures), volatile, read-modify-write (x++, x |= ...), structure
 * copies of several sizes, and deep recursion (a long shadow call stack), printing what it
 * computes. Built plain and with -fsanitize=thread against liblockhound, by gcc and by clang,
 * and once more with the compilers' options that distinguish volatile and compound accesses
 * (gcc: --param=tsan-distinguish-volatile=1; clang: -tsan-distinguish-volatile and
 * -tsan-compound-read-before-write), so that every read and write entry point is called by
 * compiled code; the output must be the same byte for byte in every build.
 *
 * Two threads work on their own halves of a shared array and main checks both after joining:
 * nothing here may be reported as a race. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

typedef unsigned __int128 u128;

struct __attribute__((packed)) packed {
  char c;
  uint16_t s;
  uint32_t i;
  uint64_t l;
  u128 q;
};

struct plain {
  uint8_t c;
  uint16_t s;
  uint32_t i;
  uint64_t l;
  u128 q;
};

struct big {
  char bytes[40];
};

struct huge {
  long words[100];
};

static struct packed p, p2;
static volatile struct packed vp;
static struct plain n;
static volatile struct plain vn;
static struct big b1, b2;
static struct huge h1, h2;
static long double ld = 1.5L;

static void show(const char *what, u128 v) {
  printf("%-24s %016llx%016llx\n", what, (unsigned long long)(v >> 64), (unsigned long long)v);
}

/* One read-modify-write of every size, aligned and not: a function of its own, so that the
 * optimiser cannot keep the values in registers across calls. */
__attribute__((noinline)) static void bump(void) {
  n.c++;
  n.s++;
  n.i++;
  n.l++;
  n.q++;
  p.s++;
  p.i++;
  p.l++;
  p.q++;
}

/* Every size, aligned: reads, writes and compound updates. */
static void aligned(int rounds) {
  for (int k = 0; k < rounds; k++) {
    n.c += 3;
    n.s ^= (uint16_t)(n.c * 257);
    n.i = n.i * 31 + n.s;
    n.l |= (uint64_t)n.i << (k % 32);
    n.q += (u128)n.l * n.l;
    vn.c = (uint8_t)(vn.c + n.c);
    vn.s++;
    vn.i += vn.s;
    vn.l -= vn.i;
    vn.q = vn.q + vn.l;
    bump();
  }
  show("aligned c", n.c);
  show("aligned s", n.s);
  show("aligned i", n.i);
  show("aligned l", n.l);
  show("aligned q", n.q);
  show("volatile c", vn.c);
  show("volatile s", vn.s);
  show("volatile i", vn.i);
  show("volatile l", vn.l);
  show("volatile q", vn.q);
}

/* Every size at odd addresses. */
static void unaligned(int rounds) {
  for (int k = 0; k < rounds; k++) {
    p.c ^= (char)k;
    p.s += (uint16_t)(p.c + 1);
    p.i = p.i * 7 + p.s;
    p.l += p.i;
    p.q = p.q * 3 + p.l;
    vp.s += 2;
    vp.i ^= vp.s;
    vp.l += vp.i;
    vp.q += vp.l;
  }
  p2 = p;
  show("unaligned s", p2.s);
  show("unaligned i", p2.i);
  show("unaligned l", p2.l);
  show("unaligned q", p2.q);
  show("unaligned volatile s", vp.s);
  show("unaligned volatile i", vp.i);
  show("unaligned volatile l", vp.l);
  show("unaligned volatile q", vp.q);
}

/* Structure copies: small ones are inline moves (gcc: range accesses), big ones memcpy. */
static void copies(void) {
  for (int i = 0; i < 40; i++)
    b1.bytes[i] = (char)(i * 5);
  for (int i = 0; i < 100; i++)
    h1.words[i] = i * 1000003L;
  b2 = b1;
  h2 = h1;
  u128 sum = 0;
  for (int i = 0; i < 40; i++)
    sum = sum * 131 + (unsigned char)b2.bytes[i];
  for (int i = 0; i < 100; i++)
    sum = sum * 131 + (unsigned long)h2.words[i];
  show("copies", sum);
  ld = ld * 3 + 0.25L;
  show("long double", (u128)(ld * 4));
}

/* Deeper than any initial shadow stack. */
static long depth(long k) { return k == 0 ? 0 : 1 + depth(k - 1) + (k % 3 == 0); }

static uint32_t halves[2][1000];

static void *half(void *arg) {
  uint32_t *h = arg;
  for (int r = 0; r < 100; r++)
    for (int i = 0; i < 1000; i++)
      h[i] = h[i] * 2654435761u + (uint32_t)i;
  return NULL;
}

static void threads(void) {
  pthread_t t[2];
  for (int i = 0; i < 2; i++)
    pthread_create(&t[i], NULL, half, halves[i]);
  for (int i = 0; i < 2; i++)
    pthread_join(t[i], NULL);
  u128 sum = 0;
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 1000; j++)
      sum = sum * 3 + halves[i][j];
  show("threads", sum);
}

int main(void) {
  aligned(1000);
  unaligned(1000);
  copies();
  show("recursion", (u128)depth(100000));
  threads();
  return 0;
}
