/* options.c - see options.h. No allocation: the text is scanned in place. */
#include "base/options.h"

#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "base/warnings.h"

/* The livelock timeout is long (10 s): a bounded polling phase that ends by itself (a clock the
 * threads check is invisible to lockhound) must not be called a livelock and ended. */
struct lh_options lh_options = {LH_ON_DEADLOCK_EXIT, 66,    2000000000ull,
                                10000000000ull,      false, true};

bool lh_secure_process(void) { return getauxval(AT_SECURE) != 0; }

const char *lh_getenv(const char *name) { return lh_secure_process() ? NULL : getenv(name); }

static bool is_separator(char c) { return c == ':' || c == ',' || c == ' ' || c == '\t'; }

/* Seconds with decimals ("0.5", "2") to nanoseconds; false when it is not a number >= 0. */
static bool parse_seconds(const char *v, size_t n, uint64_t *ns) {
  char buf[32];
  if (n == 0 || n >= sizeof buf) return false;
  memcpy(buf, v, n);
  buf[n] = 0;
  char *end;
  double s = strtod(buf, &end);
  if (*end || !(s >= 0) || s > 1e6) return false;
  *ns = (uint64_t)(s * 1e9);
  return true;
}

static bool parse_int(const char *v, size_t n, int *out) {
  char buf[16];
  if (n == 0 || n >= sizeof buf) return false;
  memcpy(buf, v, n);
  buf[n] = 0;
  char *end;
  long x = strtol(buf, &end, 10);
  if (*end || x < 0 || x > 255) return false;
  *out = (int)x;
  return true;
}

static bool equals(const char *s, size_t n, const char *word) {
  return strlen(word) == n && memcmp(s, word, n) == 0;
}

static bool set(const char *k, size_t kn, const char *v, size_t vn) {
  if (equals(k, kn, "on_deadlock")) {
    if (equals(v, vn, "exit"))
      lh_options.on_deadlock = LH_ON_DEADLOCK_EXIT;
    else if (equals(v, vn, "abort"))
      lh_options.on_deadlock = LH_ON_DEADLOCK_ABORT;
    else if (equals(v, vn, "wait"))
      lh_options.on_deadlock = LH_ON_DEADLOCK_WAIT;
    else
      return false;
    return true;
  }
  if (equals(k, kn, "races")) {
    if (!equals(v, vn, "0") && !equals(v, vn, "1")) return false;
    lh_options.races = v[0] == '1';
    return true;
  }
  if (equals(k, kn, "contention")) {
    if (!equals(v, vn, "0") && !equals(v, vn, "1")) return false;
    lh_options.contention = v[0] == '1';
    return true;
  }
  if (equals(k, kn, "exitcode")) return parse_int(v, vn, &lh_options.exitcode);
  if (equals(k, kn, "stall_timeout")) return parse_seconds(v, vn, &lh_options.stall_timeout_ns);
  if (equals(k, kn, "livelock_timeout"))
    return parse_seconds(v, vn, &lh_options.livelock_timeout_ns);
  return false;
}

void lh_options_parse(const char *text) {
  for (const char *p = text; p && *p;) {
    while (*p && is_separator(*p)) p++;
    const char *item = p;
    while (*p && !is_separator(*p)) p++;
    size_t n = (size_t)(p - item);
    if (n == 0) continue;
    const char *eq = memchr(item, '=', n);
    if (!eq || !set(item, (size_t)(eq - item), eq + 1, (size_t)(item + n - eq - 1)))
      lh_warn(
          "LOCKHOUND_OPTIONS: ignoring '%.*s' (known: on_deadlock=exit|abort|wait, "
          "exitcode=N, stall_timeout=SECONDS, livelock_timeout=SECONDS, contention=0|1, races=0|1)",
          (int)n, item);
  }
}
