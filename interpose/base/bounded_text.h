/* bounded_text.h - short texts (paths, names, ids) assembled in a caller's fixed buffer without
 * the C library's printf family.
 *
 * Why not snprintf: the library runs inside programs that may never format text themselves, and
 * printf's engine and stdio sit in pages of libc that such a program never touches; one snprintf
 * at start-up made the kernel map two more 64 KiB windows of libc's code into every run
 * (docs/benchmarks.md, section 5). These appenders also never lock or allocate, so they are safe
 * in a fatal signal's handler. Like snprintf, the text is always NUL-terminated and cut at the
 * buffer's end; lh_text_fits says whether everything went in. */
#ifndef LH_BOUNDED_TEXT_H
#define LH_BOUNDED_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lh_text {
  char *buf;
  size_t cap; /* bytes of buf, the final NUL included */
  size_t len; /* bytes appended so far (may exceed cap - 1: then the text was cut) */
};

/* The digits of v in base 10 or 16 (lower case), at least min_width of them (zeros in front),
 * written backwards so that they end at end; returns how many were written (at most 64). */
size_t lh_digits(char *end, uint64_t v, unsigned base, unsigned min_width);

void lh_text_init(struct lh_text *t, char *buf, size_t cap); /* cap >= 1 */
void lh_text_mem(struct lh_text *t, const char *s, size_t n);
void lh_text_str(struct lh_text *t, const char *s);
void lh_text_uint(struct lh_text *t, uint64_t v, unsigned base, unsigned min_width);
void lh_text_int(struct lh_text *t, int64_t v);
static inline bool lh_text_fits(const struct lh_text *t) { return t->len < t->cap; }

#endif
