/* json_line.h - building one JSON Lines record in a caller-owned buffer, without malloc.
 *
 * The recorder writes run-file records from inside wrapped lock calls, sometimes while the
 * program is half-way through exit or fork, so the builder never allocates: it appends into a
 * fixed buffer and, when the buffer is too small, marks the line as overflowed; the caller then
 * retries with a larger buffer (allocated outside any signal context). Strings are escaped as
 * JSON requires (control characters, quote, backslash; bytes >= 0x80 are passed through, so
 * invalid UTF-8 in a path is the reader's problem, not a crash). */
#ifndef LH_JSON_LINE_H
#define LH_JSON_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lh_json_line {
  char *buf;
  size_t cap;
  size_t len;
  bool overflow;   /* something did not fit: the line is incomplete */
  bool need_comma; /* the next member or element needs a separating comma */
};

void lh_jl_init(struct lh_json_line *jl, char *buf, size_t cap);
void lh_jl_begin(struct lh_json_line *jl, const char *type); /* {"t":"<type>" */
void lh_jl_end(struct lh_json_line *jl);                     /* }\n */
void lh_jl_key(struct lh_json_line *jl, const char *key);    /* ,"key": */
void lh_jl_int(struct lh_json_line *jl, int64_t v);
void lh_jl_uint(struct lh_json_line *jl, uint64_t v);
void lh_jl_hex(struct lh_json_line *jl, uint64_t v); /* "0x..." */
void lh_jl_bool(struct lh_json_line *jl, bool v);
void lh_jl_str(struct lh_json_line *jl, const char *s);
void lh_jl_open(struct lh_json_line *jl, char bracket);  /* '[' or '{' */
void lh_jl_close(struct lh_json_line *jl, char bracket); /* ']' or '}' */

/* Shorthands for a member: ,"key":value */
void lh_jl_kv_int(struct lh_json_line *jl, const char *key, int64_t v);
void lh_jl_kv_hex(struct lh_json_line *jl, const char *key, uint64_t v);
void lh_jl_kv_bool(struct lh_json_line *jl, const char *key, bool v);
void lh_jl_kv_str(struct lh_json_line *jl, const char *key, const char *s);

#endif
