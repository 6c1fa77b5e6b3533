/* bounded_text.c - see bounded_text.h. */
#include "base/bounded_text.h"

#include <string.h>

size_t lh_digits(char *end, uint64_t v, unsigned base, unsigned min_width) {
  size_t n = 0;
  do {
    *--end = "0123456789abcdef"[v % base];
    v /= base;
    n++;
  } while (v || (n < min_width && n < 64));
  return n;
}

void lh_text_init(struct lh_text *t, char *buf, size_t cap) {
  t->buf = buf;
  t->cap = cap;
  t->len = 0;
  buf[0] = 0;
}

void lh_text_mem(struct lh_text *t, const char *s, size_t n) {
  if (t->len < t->cap - 1) {
    size_t room = t->cap - 1 - t->len;
    memcpy(t->buf + t->len, s, n < room ? n : room);
    t->buf[t->len + (n < room ? n : room)] = 0;
  }
  t->len += n;
}

void lh_text_str(struct lh_text *t, const char *s) { lh_text_mem(t, s, strlen(s)); }

void lh_text_uint(struct lh_text *t, uint64_t v, unsigned base, unsigned min_width) {
  char tmp[64];
  size_t n = lh_digits(tmp + sizeof tmp, v, base, min_width);
  lh_text_mem(t, tmp + sizeof tmp - n, n);
}

void lh_text_int(struct lh_text *t, int64_t v) {
  if (v < 0) lh_text_mem(t, "-", 1);
  lh_text_uint(t, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 10, 1);
}
