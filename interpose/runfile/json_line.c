/* json_line.c - see json_line.h. Appends with explicit bounds checks; on overflow it stops
 * writing and sets jl->overflow, so the caller can retry with a bigger buffer. */
#include "runfile/json_line.h"

#include <string.h>

#include "base/bounded_text.h"

void lh_jl_init(struct lh_json_line *jl, char *buf, size_t cap) {
  jl->buf = buf;
  jl->cap = cap;
  jl->len = 0;
  jl->overflow = false;
  jl->need_comma = false;
}

static void put(struct lh_json_line *jl, const char *s, size_t n) {
  if (jl->overflow || jl->len + n > jl->cap) {
    jl->overflow = true;
    return;
  }
  memcpy(jl->buf + jl->len, s, n);
  jl->len += n;
}

static void putc_(struct lh_json_line *jl, char c) { put(jl, &c, 1); }

static void separate(struct lh_json_line *jl) {
  if (jl->need_comma) putc_(jl, ',');
  jl->need_comma = true;
}

void lh_jl_open(struct lh_json_line *jl, char bracket) {
  separate(jl);
  putc_(jl, bracket);
  jl->need_comma = false;
}

void lh_jl_close(struct lh_json_line *jl, char bracket) {
  putc_(jl, bracket);
  jl->need_comma = true;
}

void lh_jl_begin(struct lh_json_line *jl, const char *type) {
  jl->len = 0;
  jl->overflow = false;
  jl->need_comma = false;
  lh_jl_open(jl, '{');
  lh_jl_kv_str(jl, "t", type);
}

void lh_jl_end(struct lh_json_line *jl) {
  lh_jl_close(jl, '}');
  putc_(jl, '\n');
}

/* Writes the digits of v (base 10 or 16) without the C library's stdio, which may lock. */
static void put_digits(struct lh_json_line *jl, uint64_t v, unsigned base) {
  char tmp[64];
  size_t n = lh_digits(tmp + sizeof tmp, v, base, 1);
  put(jl, tmp + sizeof tmp - n, n);
}

void lh_jl_uint(struct lh_json_line *jl, uint64_t v) {
  separate(jl);
  put_digits(jl, v, 10);
}

void lh_jl_int(struct lh_json_line *jl, int64_t v) {
  separate(jl);
  if (v < 0) {
    putc_(jl, '-');
    put_digits(jl, (uint64_t)0 - (uint64_t)v, 10);
  } else {
    put_digits(jl, (uint64_t)v, 10);
  }
}

void lh_jl_hex(struct lh_json_line *jl, uint64_t v) {
  separate(jl);
  put(jl, "\"0x", 3);
  put_digits(jl, v, 16);
  putc_(jl, '"');
}

void lh_jl_bool(struct lh_json_line *jl, bool v) {
  separate(jl);
  if (v)
    put(jl, "true", 4);
  else
    put(jl, "false", 5);
}

void lh_jl_str(struct lh_json_line *jl, const char *s) {
  separate(jl);
  putc_(jl, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') {
      putc_(jl, '\\');
      putc_(jl, (char)*p);
    } else if (*p < 0x20) {
      char esc[6] = {'\\', 'u', '0', '0', "0123456789abcdef"[*p >> 4], "0123456789abcdef"[*p & 15]};
      put(jl, esc, sizeof esc);
    } else {
      putc_(jl, (char)*p);
    }
  }
  putc_(jl, '"');
}

void lh_jl_key(struct lh_json_line *jl, const char *key) {
  lh_jl_str(jl, key);
  putc_(jl, ':');
  jl->need_comma = false;
}

void lh_jl_kv_int(struct lh_json_line *jl, const char *key, int64_t v) {
  lh_jl_key(jl, key);
  lh_jl_int(jl, v);
}

void lh_jl_kv_hex(struct lh_json_line *jl, const char *key, uint64_t v) {
  lh_jl_key(jl, key);
  lh_jl_hex(jl, v);
}

void lh_jl_kv_bool(struct lh_json_line *jl, const char *key, bool v) {
  lh_jl_key(jl, key);
  lh_jl_bool(jl, v);
}

void lh_jl_kv_str(struct lh_json_line *jl, const char *key, const char *s) {
  lh_jl_key(jl, key);
  lh_jl_str(jl, s);
}
