/* source_loops.c - see source_loops.h. */
#include "symbols/source_loops.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NONE SIZE_MAX

/* The text as code: comments, literals and preprocessor lines are spaces, newlines stay. */
struct code {
  char *c;
  size_t n;
};

static bool is_ident(char ch) { return isalnum((unsigned char)ch) || ch == '_'; }

/* A `:` that ends a label or a case, not half of C++'s `::`. */
static bool label_colon(const struct code *k, size_t i) {
  return k->c[i] == ':' && (i == 0 || k->c[i - 1] != ':') && (i + 1 >= k->n || k->c[i + 1] != ':');
}

static void blank_until_newline(struct code *k, size_t *i, bool continued_lines) {
  for (; *i < k->n && k->c[*i] != '\n'; (*i)++) {
    if (continued_lines && k->c[*i] == '\\' && *i + 1 < k->n && k->c[*i + 1] == '\n') {
      k->c[(*i)++] = ' '; /* keep the newline, go on blanking the next line */
      continue;
    }
    k->c[*i] = ' ';
  }
}

static void blank_literal(struct code *k, size_t *i) {
  char quote = k->c[*i];
  k->c[(*i)++] = ' ';
  while (*i < k->n && k->c[*i] != quote && k->c[*i] != '\n') {
    if (k->c[*i] == '\\' && *i + 1 < k->n && k->c[*i + 1] != '\n') k->c[(*i)++] = ' ';
    k->c[(*i)++] = ' ';
  }
  if (*i < k->n && k->c[*i] == quote) k->c[*i] = ' ';
}

static void blank_block_comment(struct code *k, size_t *i) {
  k->c[(*i)++] = ' ';
  k->c[(*i)++] = ' ';
  while (*i < k->n && !(k->c[*i] == '*' && *i + 1 < k->n && k->c[*i + 1] == '/')) {
    if (k->c[*i] != '\n') k->c[*i] = ' ';
    (*i)++;
  }
  if (*i < k->n) k->c[(*i)++] = ' ';
  if (*i < k->n) k->c[*i] = ' ';
}

static bool code_of(struct code *k, const char *text, size_t len) {
  k->c = malloc(len + 1);
  if (!k->c) return false;
  memcpy(k->c, text, len);
  k->c[len] = '\0';
  k->n = len;
  bool line_start = true;
  for (size_t i = 0; i < k->n; i++) {
    char ch = k->c[i];
    if (ch == '\n') {
      line_start = true;
      continue;
    }
    if (line_start && ch == '#') {
      blank_until_newline(k, &i, true);
      continue;
    }
    if (!isspace((unsigned char)ch)) line_start = false;
    if (ch == '/' && i + 1 < k->n && k->c[i + 1] == '/')
      blank_until_newline(k, &i, true);
    else if (ch == '/' && i + 1 < k->n && k->c[i + 1] == '*')
      blank_block_comment(k, &i);
    else if (ch == '"' || ch == '\'')
      blank_literal(k, &i);
    if (i < k->n && k->c[i] == '\n') line_start = true;
  }
  return true;
}

/* The last non-space character before i, or NONE. */
static size_t back_space(const struct code *k, size_t i) {
  while (i > 0) {
    i--;
    if (!isspace((unsigned char)k->c[i])) return i;
  }
  return NONE;
}

static size_t forward_space(const struct code *k, size_t i) {
  while (i < k->n && isspace((unsigned char)k->c[i])) i++;
  return i;
}

/* The start of the identifier ending at i (k->c[i] is its last character). */
static size_t word_start(const struct code *k, size_t i) {
  while (i > 0 && is_ident(k->c[i - 1])) i--;
  return i;
}

static bool word_is(const struct code *k, size_t start, size_t end, const char *w) {
  size_t len = strlen(w);
  return end - start == len && memcmp(k->c + start, w, len) == 0;
}

/* Whether the identifier ending at i (if any) is w; *start gets its start. */
static bool word_before_is(const struct code *k, size_t i, const char *w, size_t *start) {
  if (i == NONE || !is_ident(k->c[i])) return false;
  *start = word_start(k, i);
  return word_is(k, *start, i + 1, w);
}

/* The bracket matching the one at i: scanning back from a closing one (dir -1), forward from an
 * opening one (dir 1); NONE when unbalanced. */
static size_t match_bracket(const struct code *k, size_t i, int dir) {
  int depth = 0;
  for (size_t j = i; j < k->n; j += (size_t)(ptrdiff_t)dir) {
    char ch = k->c[j];
    bool away =
        dir > 0 ? (ch == '(' || ch == '[' || ch == '{') : (ch == ')' || ch == ']' || ch == '}');
    bool back =
        dir > 0 ? (ch == ')' || ch == ']' || ch == '}') : (ch == '(' || ch == '[' || ch == '{');
    if (away) depth++;
    if (back) {
      if (--depth == 0) return j;
      if (depth < 0) return NONE;
    }
  }
  return NONE;
}

static size_t match_back(const struct code *k, size_t i) { return match_bracket(k, i, -1); }
static size_t match_forward(const struct code *k, size_t i) { return match_bracket(k, i, 1); }

/* The `{` that opens the block holding position i, or NONE at file level. */
static size_t open_brace_before(const struct code *k, size_t i) {
  int depth = 0;
  for (size_t j = i; j-- > 0;) {
    if (k->c[j] == '}') depth++;
    if (k->c[j] == '{' && depth-- == 0) return j;
  }
  return NONE;
}

enum ctl_kind {
  CTL_UNKNOWN,
  CTL_FUNCTION,
  CTL_BLOCK,
  CTL_IF,
  CTL_IF_HEADER,
  CTL_ELSE,
  CTL_WHILE,
  CTL_FOR,
  CTL_DO,
  CTL_SWITCH
};

/* A statement that encloses a position: where it starts (its keyword, or its `{` for a block or
 * a function body), where its body starts (NONE: the position is in its header) and, for
 * headers, the parentheses. */
struct ctl {
  enum ctl_kind kind;
  size_t at, body, open, close;
};

static const struct {
  const char *word;
  enum ctl_kind kind;
} headers[] = {{"if", CTL_IF}, {"while", CTL_WHILE}, {"for", CTL_FOR}, {"switch", CTL_SWITCH}};

static enum ctl_kind header_kind(const struct code *k, size_t open_paren, size_t *kw) {
  size_t w = back_space(k, open_paren);
  for (size_t h = 0; h < sizeof headers / sizeof headers[0]; h++)
    if (word_before_is(k, w, headers[h].word, kw)) return headers[h].kind;
  return CTL_UNKNOWN;
}

/* What the block opened by the `{` at i is the body of. */
static struct ctl block_of(const struct code *k, size_t i) {
  struct ctl c = {CTL_BLOCK, i, i, NONE, NONE};
  size_t p = back_space(k, i), kw;
  if (p == NONE) return (struct ctl){CTL_UNKNOWN, i, i, NONE, NONE};
  if (open_brace_before(k, i) == NONE) return (struct ctl){CTL_FUNCTION, i, i, NONE, NONE};
  if (k->c[p] == ')') {
    size_t open = match_back(k, p);
    if (open == NONE) return (struct ctl){CTL_UNKNOWN, i, i, NONE, NONE};
    enum ctl_kind kind = header_kind(k, open, &kw);
    size_t q = back_space(k, open);
    if (kind == CTL_UNKNOWN && q != NONE && k->c[q] == ']') /* a C++ lambda's body */
      return (struct ctl){CTL_FUNCTION, i, i, NONE, NONE};
    return (struct ctl){kind, kind == CTL_UNKNOWN ? i : kw, i, open, p};
  }
  if (word_before_is(k, p, "else", &kw)) return (struct ctl){CTL_ELSE, kw, i, NONE, NONE};
  if (word_before_is(k, p, "do", &kw)) return (struct ctl){CTL_DO, kw, i, NONE, NONE};
  if (k->c[p] == ']') return (struct ctl){CTL_FUNCTION, i, i, NONE, NONE}; /* `[&] { ... }` */
  if (k->c[p] == ';' || k->c[p] == '{' || k->c[p] == '}' || label_colon(k, p))
    return c;                                         /* a compound statement of its own */
  return (struct ctl){CTL_UNKNOWN, i, i, NONE, NONE}; /* an initialiser, a class, a macro's block */
}

/* The statement that encloses the one holding position i. */
static struct ctl enclosing(const struct code *k, size_t i) {
  for (size_t j = i; j-- > 0;) {
    char ch = k->c[j];
    size_t kw;
    if (ch == ')' || ch == ']') {
      size_t open = match_back(k, j);
      if (open == NONE) break;
      enum ctl_kind kind = ch == ')' ? header_kind(k, open, &kw) : CTL_UNKNOWN;
      if (kind != CTL_UNKNOWN) /* a brace-less body: `while (!ready) wait(...);` */
        return (struct ctl){kind, kw, forward_space(k, j + 1), open, j};
      j = open; /* part of the statement's own expression */
    } else if (ch == '(') {
      enum ctl_kind kind = header_kind(k, j, &kw);
      if (kind == CTL_IF) return (struct ctl){CTL_IF_HEADER, kw, NONE, j, match_forward(k, j)};
      if (kind != CTL_UNKNOWN) return (struct ctl){kind, kw, NONE, j, match_forward(k, j)};
      /* an argument of a call: the statement is the call's */
    } else if (ch == '{') {
      return block_of(k, j);
    } else if (ch == ';' || ch == '}' || label_colon(k, j)) {
      size_t open = open_brace_before(k, j + 1);
      if (ch == '}') open = open_brace_before(k, match_back(k, j) == NONE ? 0 : match_back(k, j));
      return open == NONE ? (struct ctl){CTL_UNKNOWN, j, NONE, NONE, NONE} : block_of(k, open);
    } else if (is_ident(ch)) {
      size_t s = word_start(k, j);
      if (word_is(k, s, j + 1, "else"))
        return (struct ctl){CTL_ELSE, s, forward_space(k, j + 1), NONE, NONE};
      if (word_is(k, s, j + 1, "do"))
        return (struct ctl){CTL_DO, s, forward_space(k, j + 1), NONE, NONE};
      j = s;
    }
  }
  return (struct ctl){CTL_UNKNOWN, 0, NONE, NONE, NONE};
}

/* Where the statement starting at i ends (its last character). */
static size_t statement_end(const struct code *k, size_t i) {
  i = forward_space(k, i);
  if (i >= k->n) return NONE;
  if (k->c[i] == '{') return match_forward(k, i);
  for (size_t j = i; j < k->n; j++) {
    if (k->c[j] == '(' || k->c[j] == '[' || k->c[j] == '{') {
      j = match_forward(k, j);
      if (j == NONE) return NONE;
    } else if (k->c[j] == ';') {
      return j;
    }
  }
  return NONE;
}

static bool has_else(const struct code *k, const struct ctl *c) {
  size_t end = statement_end(k, c->body);
  if (end == NONE) return true; /* cannot tell: as if it had one (never a wrong finding) */
  size_t next = forward_space(k, end + 1);
  return next + 4 <= k->n && memcmp(k->c + next, "else", 4) == 0 &&
         (next + 4 == k->n || !is_ident(k->c[next + 4]));
}

/* The text between two positions without spaces equals one of "1", "true" or nothing. */
static bool always_true(const struct code *k, size_t from, size_t to, bool empty_is_true) {
  char buf[8];
  size_t n = 0;
  for (size_t i = from; i < to; i++) {
    if (isspace((unsigned char)k->c[i])) continue;
    if (n + 1 >= sizeof buf) return false;
    buf[n++] = k->c[i];
  }
  buf[n] = '\0';
  return (n == 0 && empty_is_true) || strcmp(buf, "1") == 0 || strcmp(buf, "true") == 0;
}

/* A loop that never ends by its condition: a worker's loop, not a check. */
static bool endless(const struct code *k, const struct ctl *c) {
  if (c->kind == CTL_WHILE && c->open != NONE && c->close != NONE)
    return always_true(k, c->open + 1, c->close, false);
  if (c->kind == CTL_FOR && c->open != NONE && c->close != NONE) {
    size_t first = NONE, second = NONE;
    for (size_t i = c->open + 1; i < c->close; i++) {
      if (k->c[i] == '(' || k->c[i] == '[' || k->c[i] == '{') {
        i = match_forward(k, i);
        if (i == NONE) return false;
      } else if (k->c[i] == ';') {
        if (first == NONE)
          first = i;
        else if (second == NONE)
          second = i;
      }
    }
    return first != NONE && second != NONE && always_true(k, first + 1, second, true);
  }
  if (c->kind == CTL_DO && c->body != NONE) {
    size_t end = statement_end(k, c->body);
    size_t w = end == NONE ? NONE : forward_space(k, end + 1);
    if (w == NONE || w + 5 > k->n || memcmp(k->c + w, "while", 5) != 0) return false;
    size_t open = forward_space(k, w + 5);
    size_t close = open < k->n && k->c[open] == '(' ? match_forward(k, open) : NONE;
    return close != NONE && always_true(k, open + 1, close, false);
  }
  return false;
}

static bool is_loop(enum ctl_kind kind) {
  return kind == CTL_WHILE || kind == CTL_FOR || kind == CTL_DO;
}

/* Whether the function holding position i has a `goto` (a loop made by hand). */
static bool function_has_goto(const struct code *k, size_t i) {
  size_t open = NONE;
  for (size_t b = open_brace_before(k, i); b != NONE; b = open_brace_before(k, b)) open = b;
  size_t close = open == NONE ? NONE : match_forward(k, open);
  if (close == NONE) return true;
  for (size_t j = open; j + 4 <= close; j++)
    if (memcmp(k->c + j, "goto", 4) == 0 && !is_ident(k->c[j + 4]) &&
        (j == 0 || !is_ident(k->c[j - 1])))
      return true;
  return false;
}

/* The position of the call on line `line`: the first identifier holding "wait" followed by `(`,
 * else the line's first token; NONE for a line with no code. */
static size_t call_on_line(const struct code *k, int line) {
  size_t i = 0;
  for (int l = 1; l < line && i < k->n; i++)
    if (k->c[i] == '\n') l++;
  if (i >= k->n) return NONE;
  size_t end = i;
  while (end < k->n && k->c[end] != '\n') end++;
  for (size_t j = i; j < end; j++) {
    if (!is_ident(k->c[j]) || (j > i && is_ident(k->c[j - 1]))) continue;
    size_t e = j;
    while (e < end && is_ident(k->c[e])) e++;
    size_t after = forward_space(k, e);
    if (memmem(k->c + j, e - j, "wait", 4) && after < k->n && k->c[after] == '(') return j;
    j = e;
  }
  size_t first = forward_space(k, i);
  return first < end ? first : NONE;
}

static enum lh_loop_context context_at(const struct code *k, size_t at) {
  struct ctl c = enclosing(k, at);
  while (c.kind == CTL_BLOCK || c.kind == CTL_IF_HEADER) c = enclosing(k, c.at);
  if (is_loop(c.kind)) return LH_LOOP_INSIDE;
  if (c.kind == CTL_FUNCTION) return LH_LOOP_UNCONDITIONAL;
  if (c.kind != CTL_IF || c.body == NONE || has_else(k, &c)) return LH_LOOP_UNKNOWN;
  struct ctl up = enclosing(k, c.at);
  while (up.kind == CTL_BLOCK || up.kind == CTL_IF || up.kind == CTL_IF_HEADER ||
         up.kind == CTL_ELSE)
    up = enclosing(k, up.at);
  if (is_loop(up.kind)) return endless(k, &up) ? LH_LOOP_UNDER_IF : LH_LOOP_INSIDE;
  return up.kind == CTL_FUNCTION ? LH_LOOP_UNDER_IF : LH_LOOP_UNKNOWN;
}

enum lh_loop_context lh_loop_context_of(const char *text, size_t len, int line) {
  struct code k;
  if (line < 1 || !code_of(&k, text, len)) return LH_LOOP_UNKNOWN;
  size_t at = call_on_line(&k, line);
  enum lh_loop_context r = at == NONE ? LH_LOOP_UNKNOWN : context_at(&k, at);
  if ((r == LH_LOOP_UNDER_IF || r == LH_LOOP_UNCONDITIONAL) && function_has_goto(&k, at))
    r = LH_LOOP_UNKNOWN;
  free(k.c);
  return r;
}
