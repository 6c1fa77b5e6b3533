/* text_escape.c - see text_escape.h. */
#include "base/text_escape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"

/* The escape of the character at s (a C0 control, DEL, or a UTF-8 C1 control: 2 bytes), written
 * into out (NULL: only measured); returns the bytes of s it stands for, 0 when s needs none. */
static size_t escape_at(const unsigned char *s, char out[8]) {
  char tmp[8];
  char *o = out ? out : tmp;
  if (*s < 0x20 || *s == 0x7f) {
    switch (*s) {
    case '\n': strcpy(o, "\\n"); break;
    case '\r': strcpy(o, "\\r"); break;
    case '\t': strcpy(o, "\\t"); break;
    case 0x1b: strcpy(o, "\\e"); break;
    default: snprintf(o, 8, "\\x%02x", *s);
    }
    return 1;
  }
  if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f) {
    snprintf(o, 8, "\\u%04x", s[1]);
    return 2;
  }
  return 0;
}

bool lh_text_needs_escape(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
    if (escape_at(p, NULL)) return true;
  return false;
}

char *lh_text_escaped(const char *s) {
  size_t len = 0;
  char esc[8];
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    size_t n = escape_at(p, esc);
    len += n ? strlen(esc) : 1;
    p += n ? n : 1;
  }
  char *out = lh_xmalloc(len + 1), *o = out;
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    size_t n = escape_at(p, esc);
    if (n) {
      o = stpcpy(o, esc);
      p += n;
    } else {
      *o++ = (char)*p++;
    }
  }
  *o = '\0';
  return out;
}

/* The buffers of lh_shown, reused in turn. Owned by lh_shown (the analyzer is single-threaded);
 * at most 8 escaped names, freed when their slot is reused. */
static char *shown_ring[8];
static unsigned shown_next;

const char *lh_shown(const char *s) {
  if (!s || !lh_text_needs_escape(s)) return s;
  unsigned slot = shown_next++ % 8;
  free(shown_ring[slot]);
  shown_ring[slot] = lh_text_escaped(s);
  return shown_ring[slot];
}
