/* warnings.c - see warnings.h. */
#include "base/warnings.h"

#include <stdarg.h>
#include <stdio.h>

#include "base/raw_syscalls.h"

void lh_warn(const char *fmt, ...) {
  char buf[1024];
  int n = snprintf(buf, sizeof buf, "lockhound: ");
  va_list ap;
  va_start(ap, fmt);
  int m = vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
  va_end(ap);
  size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
  if (len > sizeof buf - 2) len = sizeof buf - 2;
  buf[len++] = '\n';
  ssize_t w = lh_sys_write(2, buf, len);
  (void)w;
}
