/* test_wrap_memory.c - the memory and string wrappers (interpose/wrappers/wrap_memory.c) on their own.
 *
 * The file is compiled into this test with its exported names renamed (memcpy becomes
 * lh_test_memcpy, and so on), so that Criterion and libc keep their own; the race detector and
 * the thread state are stubs that record what the wrappers report. Checked:
 * - every wrapper returns what libc returns and leaves the same bytes, both with the real
 *   pointers resolved and with them all NULL (early start-up: the wrappers' own loops);
 * - in race mode each wrapper reports exactly the bytes the function reads and writes, and
 *   nothing when races are off, inside lockhound, or for a copy the detector itself makes. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "registry/thread_state.h"

/* The wrappers under their test names, with libc's types. */
#define X(name)
#define X_MEMORY(name) __typeof__(name) lh_test_##name;
#include "base/wrapped_functions.def"
#undef X_MEMORY
#undef X

#define LH_MEMORY_NO_ROUTES /* the checking bodies themselves, under the names above */
#define memcpy lh_test_memcpy
#define mempcpy lh_test_mempcpy
#define memmove lh_test_memmove
#define memset lh_test_memset
#define memcmp lh_test_memcmp
#define memchr lh_test_memchr
#define bcopy lh_test_bcopy
#define bzero lh_test_bzero
#define strlen lh_test_strlen
#define strnlen lh_test_strnlen
#define strcpy lh_test_strcpy
#define stpcpy lh_test_stpcpy
#define strncpy lh_test_strncpy
#define stpncpy lh_test_stpncpy
#define strcat lh_test_strcat
#define strncat lh_test_strncat
#define strcmp lh_test_strcmp
#define strncmp lh_test_strncmp
#define strchr lh_test_strchr
#define strrchr lh_test_strrchr
#define strdup lh_test_strdup
#define strndup lh_test_strndup
#define read lh_test_read
#define write lh_test_write
#include "wrappers/wrap_memory.c"
#undef memcpy
#undef mempcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef bcopy
#undef bzero
#undef strlen
#undef strnlen
#undef strcpy
#undef stpcpy
#undef strncpy
#undef stpncpy
#undef strcat
#undef strncat
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strdup
#undef strndup
#undef read
#undef write

/* ---- stubs: the real-function table, the thread, the detector ---- */

#define X(name)
#define X_MEMORY(name) __typeof__(name) *real_##name;
#include "base/wrapped_functions.def"
#undef X_MEMORY
#undef X

bool lh_race_on;
__thread struct lh_thread lh_self;

struct access {
  uintptr_t addr;
  size_t size;
  unsigned flags;
};

static struct access seen[16];
static size_t nseen;
static bool copy_inside; /* the detector stub copies memory, as a growing clock does */

void lh_race_access_slow(uintptr_t addr, size_t size, unsigned flags, uintptr_t pc) {
  cr_assert_neq(pc, 0, "an access without a call site");
  cr_assert_lt(nseen, 16, "too many accesses reported");
  seen[nseen++] = (struct access){addr, size, flags};
  if (copy_inside) {
    char a[8], b[8] = "inside";
    lh_test_memcpy(a, b, sizeof a);
  }
}

static void resolve(bool real) {
#define X(name)
#define X_MEMORY(name) real_##name = real ? name : NULL;
#include "base/wrapped_functions.def"
#undef X_MEMORY
#undef X
}

static void with_real(void) { resolve(true); }
static void without_real(void) { resolve(false); }

/* ---- the same results as libc ---- */

static char mine[128], libc[128];
/* libc's truncating copies through pointers: truncating on purpose must not warn. */
static __typeof__(strncpy) *volatile ref_strncpy = strncpy;
static __typeof__(stpncpy) *volatile ref_stpncpy = stpncpy;
static __typeof__(strncat) *volatile ref_strncat = strncat;

static void fill(void) {
  for (int i = 0; i < 128; i++) mine[i] = libc[i] = (char)('a' + i % 26);
}

static long off(const void *p, const void *base) {
  return p ? (long)((const char *)p - (const char *)base) : -1;
}

static int sign(int v) { return (v > 0) - (v < 0); }

#define SAME_BYTES(what) cr_expect_arr_eq(mine, libc, sizeof mine, "%s leaves other bytes", what)
/* The same offset into its buffer from the wrapper and from libc. */
#define SAME_OFFSET(call_mine, call_libc, what)                                                    \
  cr_expect_eq(off(call_mine, mine), off(call_libc, libc), "%s returns another pointer", what)

static void copies_and_fills(void) {
  fill();
  SAME_OFFSET(lh_test_memcpy(mine + 3, "copied", 6), memcpy(libc + 3, "copied", 6), "memcpy");
  SAME_OFFSET(lh_test_memcpy(mine + 50, mine, 0), memcpy(libc + 50, libc, 0), "memcpy 0");
  SAME_OFFSET(lh_test_mempcpy(mine + 20, "end", 3), mempcpy(libc + 20, "end", 3), "mempcpy");
  SAME_OFFSET(lh_test_memmove(mine + 1, mine, 40), memmove(libc + 1, libc, 40), "memmove up");
  SAME_OFFSET(lh_test_memmove(mine, mine + 5, 40), memmove(libc, libc + 5, 40), "memmove down");
  lh_test_bcopy(mine + 2, mine + 9, 30);
  bcopy(libc + 2, libc + 9, 30);
  lh_test_bcopy(mine + 9, mine + 2, 30);
  bcopy(libc + 9, libc + 2, 30);
  SAME_OFFSET(lh_test_memset(mine + 60, 'z', 7), memset(libc + 60, 'z', 7), "memset");
  lh_test_bzero(mine + 70, 5);
  bzero(libc + 70, 5);
  SAME_BYTES("the copies and fills");
}

static void comparisons_and_searches(void) {
  static const char *const pairs[][2] = {{"abc", "abc"}, {"abc", "abd"}, {"ab", "abc"},
                                         {"\xff", "a"},  {"", ""},       {"b", "a"}};
  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
    const char *x = pairs[i][0], *y = pairs[i][1];
    cr_expect_eq(sign(lh_test_strcmp(x, y)), sign(strcmp(x, y)), "strcmp(%s, %s)", x, y);
    for (size_t n = 0; n < 4; n++) {
      cr_expect_eq(sign(lh_test_strncmp(x, y, n)), sign(strncmp(x, y, n)), "strncmp %zu", n);
      if (n <= strlen(x) + 1 && n <= strlen(y) + 1)
        cr_expect_eq(sign(lh_test_memcmp(x, y, n)), sign(memcmp(x, y, n)), "memcmp %zu", n);
    }
  }
  const char *s = "hello, world";
  for (int c = 0; c < 128; c += 3) {
    cr_expect_eq(lh_test_strchr(s, c), strchr(s, c), "strchr %d", c);
    cr_expect_eq(lh_test_strrchr(s, c), strrchr(s, c), "strrchr %d", c);
    cr_expect_eq(lh_test_memchr(s, c, 8), memchr(s, c, 8), "memchr %d", c);
  }
  cr_expect_eq(lh_test_strchr(s, 0), strchr(s, 0), "strchr of the terminator");
  cr_expect_eq(lh_test_strrchr(s, 'o'), strrchr(s, 'o'), "strrchr o");
  cr_expect_eq(lh_test_strchr(s, 'o' + 256), strchr(s, 'o' + 256), "strchr converts to char");
  cr_expect_eq(lh_test_strlen(s), strlen(s));
  cr_expect_eq(lh_test_strlen(""), 0);
  for (size_t n = 0; n < 15; n++)
    cr_expect_eq(lh_test_strnlen(s, n), strnlen(s, n), "strnlen %zu", n);
}

static void string_copies(void) {
  fill();
  SAME_OFFSET(lh_test_strcpy(mine, "abc"), strcpy(libc, "abc"), "strcpy");
  SAME_OFFSET(lh_test_stpcpy(mine + 10, "de"), stpcpy(libc + 10, "de"), "stpcpy");
  SAME_OFFSET(lh_test_strncpy(mine + 20, "ab", 6), strncpy(libc + 20, "ab", 6), "strncpy pad");
  SAME_OFFSET(lh_test_strncpy(mine + 30, "abcdef", 3), ref_strncpy(libc + 30, "abcdef", 3),
              "strncpy");
  SAME_OFFSET(lh_test_stpncpy(mine + 40, "ab", 6), stpncpy(libc + 40, "ab", 6), "stpncpy pad");
  SAME_OFFSET(lh_test_stpncpy(mine + 50, "abcdef", 3), ref_stpncpy(libc + 50, "abcdef", 3),
              "stpncpy");
  SAME_OFFSET(lh_test_strcat(mine, "xyz"), strcat(libc, "xyz"), "strcat");
  SAME_OFFSET(lh_test_strncat(mine, "uvw", 2), ref_strncat(libc, "uvw", 2), "strncat short");
  SAME_OFFSET(lh_test_strncat(mine, "uvw", 9), strncat(libc, "uvw", 9), "strncat long");
  SAME_BYTES("the string copies");
  char *d = lh_test_strdup("duplicate");
  cr_expect_str_eq(d, "duplicate");
  free(d);
  d = lh_test_strndup("duplicate", 3);
  cr_expect_str_eq(d, "dup");
  free(d);
  d = lh_test_strndup("du", 30);
  cr_expect_str_eq(d, "du");
  free(d);
}

Test(memory_wrappers, return_what_libc_returns, .init = with_real) {
  copies_and_fills();
  comparisons_and_searches();
  string_copies();
  cr_expect_eq(nseen, 0, "races are off, yet %zu accesses were reported", nseen);
}

Test(memory_wrappers, return_what_libc_returns_before_the_real_functions_are_known,
     .init = without_real) {
  copies_and_fills();
  comparisons_and_searches();
  string_copies();
}

/* ---- what race mode reports ---- */

static void race_mode(void) {
  resolve(true);
  lh_race_on = true;
  nseen = 0;
}

static void normal_mode(void) { lh_race_on = false; }

static void expect_accesses(const char *what, const struct access *want, size_t n) {
  cr_expect_eq(nseen, n, "%s reported %zu accesses, not %zu", what, nseen, n);
  for (size_t i = 0; i < n && i < nseen; i++) {
    cr_expect_eq(seen[i].addr, want[i].addr, "%s: access %zu at %+ld from where expected", what, i,
                 (long)(seen[i].addr - want[i].addr));
    cr_expect_eq(seen[i].size, want[i].size, "%s: access %zu of %zu bytes, not %zu", what, i,
                 seen[i].size, want[i].size);
    cr_expect_eq(seen[i].flags, want[i].flags, "%s: access %zu flags %u, not %u", what, i,
                 seen[i].flags, want[i].flags);
  }
  nseen = 0;
}

#define R(p, n)                                                                                    \
  { (uintptr_t)(p), (n), LH_RACE_READ }
#define W(p, n)                                                                                    \
  { (uintptr_t)(p), (n), LH_RACE_WRITE }
#define EXPECT(what, ...)                                                                          \
  do {                                                                                             \
    const struct access want_[] = {__VA_ARGS__};                                                   \
    expect_accesses(what, want_, sizeof want_ / sizeof want_[0]);                                  \
  } while (0)
#define EXPECT_NOTHING(what) expect_accesses(what, NULL, 0)

Test(memory_wrappers, report_the_bytes_copied_and_filled, .init = race_mode, .fini = normal_mode) {
  char d[32] = "", s[32] = "source";
  lh_test_memcpy(d, s, 5);
  EXPECT("memcpy", R(s, 5), W(d, 5));
  lh_test_memcpy(d, s, 0);
  EXPECT_NOTHING("memcpy of 0 bytes");
  lh_test_mempcpy(d + 1, s, 3);
  EXPECT("mempcpy", R(s, 3), W(d + 1, 3));
  lh_test_memmove(d + 2, d, 7);
  EXPECT("memmove", R(d, 7), W(d + 2, 7));
  lh_test_bcopy(s, d, 4);
  EXPECT("bcopy", R(s, 4), W(d, 4));
  lh_test_memset(d, 1, 9);
  EXPECT("memset", W(d, 9));
  lh_test_bzero(d + 3, 2);
  EXPECT("bzero", W(d + 3, 2));
}

Test(memory_wrappers, read_writes_what_it_returns_and_write_reads_its_buffer, .init = race_mode,
     .fini = normal_mode) {
  int fds[2];
  cr_assert_eq(pipe(fds), 0);
  char out[8] = "abcdef", in[8] = "";
  cr_expect_eq(lh_test_write(fds[1], out, 6), 6);
  EXPECT("write", R(out, 6));
  cr_expect_eq(lh_test_read(fds[0], in, sizeof in), 6, "read returns what was written");
  EXPECT("read", W(in, 6));
  cr_expect_str_eq(in, "abcdef");
  close(fds[1]);
  cr_expect_eq(lh_test_read(fds[0], in, sizeof in), 0);
  EXPECT_NOTHING("read at the end of the file");
  cr_expect_eq(lh_test_write(-1, out, 6), -1);
  EXPECT("a failed write still read its buffer (it may have, in part)", R(out, 6));
  close(fds[0]);
}

Test(memory_wrappers, report_the_bytes_compared_and_searched, .init = race_mode,
     .fini = normal_mode) {
  const char *a = "abcd", *b = "abxd", *s = "hello";
  lh_test_memcmp(a, b, 4);
  EXPECT("memcmp up to the difference", R(a, 3), R(b, 3));
  lh_test_memcmp(a, a, 4);
  EXPECT("memcmp of equal bytes", R(a, 4), R(a, 4));
  lh_test_strcmp("ab", "abc");
  cr_expect_eq(nseen, 2);
  cr_expect(seen[0].size == 3 && seen[1].size == 3, "strcmp reads up to the difference");
  nseen = 0;
  lh_test_strcmp(s, s);
  EXPECT("strcmp of equal strings", R(s, 6), R(s, 6));
  lh_test_strncmp(a, b, 2);
  EXPECT("strncmp within n", R(a, 2), R(b, 2));
  lh_test_memchr(s, 'l', 5);
  EXPECT("memchr found", R(s, 3));
  lh_test_memchr(s, 'z', 4);
  EXPECT("memchr not found", R(s, 4));
  lh_test_strchr(s, 'l');
  EXPECT("strchr found", R(s, 3));
  lh_test_strchr(s, 'z');
  EXPECT("strchr not found", R(s, 6));
  lh_test_strchr(s, 0);
  EXPECT("strchr of the terminator", R(s, 6));
  lh_test_strrchr(s, 'h');
  EXPECT("strrchr", R(s, 6));
  lh_test_strlen(s);
  EXPECT("strlen", R(s, 6));
  lh_test_strnlen(s, 3);
  EXPECT("strnlen short", R(s, 3));
  lh_test_strnlen(s, 10);
  EXPECT("strnlen long", R(s, 6));
}

Test(memory_wrappers, report_the_bytes_of_string_copies, .init = race_mode, .fini = normal_mode) {
  char d[32] = "one", s[] = "three";
  lh_test_strcpy(d + 10, s);
  EXPECT("strcpy", R(s, 6), W(d + 10, 6));
  lh_test_stpcpy(d + 10, s);
  EXPECT("stpcpy", R(s, 6), W(d + 10, 6));
  lh_test_strncpy(d + 10, "ab", 6);
  cr_expect_eq(nseen, 2);
  cr_expect(seen[0].size == 3 && seen[1].addr == (uintptr_t)(d + 10) && seen[1].size == 6,
            "strncpy reads the string and writes all n bytes");
  nseen = 0;
  lh_test_stpncpy(d + 10, s, 3);
  EXPECT("stpncpy truncating", R(s, 3), W(d + 10, 3));
  lh_test_strcat(d, s);
  EXPECT("strcat", R(d, 4), R(s, 6), W(d + 3, 6));
  lh_test_strcpy(d, "one");
  nseen = 0;
  lh_test_strncat(d, s, 2);
  EXPECT("strncat short", R(d, 4), R(s, 2), W(d + 3, 3));
  lh_test_strncat(d, s, 10);
  EXPECT("strncat long", R(d, 6), R(s, 6), W(d + 5, 6));
  free(lh_test_strdup(s));
  EXPECT("strdup", R(s, 6));
  free(lh_test_strndup(s, 2));
  EXPECT("strndup short", R(s, 2));
  free(lh_test_strndup(s, 20));
  EXPECT("strndup long", R(s, 6));
}

Test(memory_wrappers, report_nothing_inside_lockhound, .init = race_mode, .fini = normal_mode) {
  char d[8], s[8] = "abc";
  lh_self.in_runtime = 1;
  lh_test_memcpy(d, s, 4);
  lh_test_strlen(s);
  lh_self.in_runtime = 0;
  EXPECT_NOTHING("lockhound's own copies");
}

Test(memory_wrappers, a_copy_made_by_the_detector_is_not_reported_again, .init = race_mode,
     .fini = normal_mode) {
  char d[8], s[8] = "abc";
  copy_inside = true;
  lh_test_memset(d, 0, 8);
  copy_inside = false;
  EXPECT("memset, with the detector copying inside", W(d, 8));
  lh_test_memcpy(d, s, 4);
  EXPECT("the next memcpy", R(s, 4), W(d, 4));
}
