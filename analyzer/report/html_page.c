/* html_page.c - see html_page.h: the page's own words, escaping, and stacks with the source lines
 * around each site (only of files the page may show: report_html.c's top comment says which). */
#include "report/html_page.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "base/input_file.h"
#include "symbols/frames.h"

#define CONTEXT_LINES 2
#define MAX_SOURCE_LINE 400

static const char *const page_words[W_COUNT][LH_LANG_COUNT] = {
    [W_TITLE] = {"lockhound report", "отчёт lockhound"},
    [W_PROGRAM] = {"Program", "Программа"},
    [W_RUNS] = {"Runs", "Запуски"},
    [W_RUN_FILE] = {"run file", "файл записи"},
    [W_PID] = {"pid", "pid"},
    [W_COMPLETE] = {"complete", "полная"},
    [W_INCOMPLETE] = {"incomplete", "неполная"},
    [W_SUMMARY] = {"Summary", "Итог"},
    [W_KIND] = {"kind", "вид"},
    [W_ERRORS] = {"errors", "ошибки"},
    [W_WARNINGS] = {"warnings", "предупреждения"},
    [W_NOTES] = {"notes", "примечания"},
    [W_NOTHING_FOUND] = {"Nothing was found.", "Ничего не найдено."},
    [W_THREADS] = {"Threads", "Потоки"},
    [W_LOCKS] = {"Locks", "Блокировки"},
    [W_OBJECTS] = {"Objects", "Объекты"},
    [W_CREATED_AT] = {"created at", "создан в"},
    [W_WHERE] = {"initialised or first used at", "инициализирован или впервые использован в"},
    [W_HOLDS] = {"holds", "удерживает"},
    [W_WAITS_IN] = {"blocked in", "заблокирован в"},
    [W_EXPLAIN] = {"What this means", "Что это значит"},
    [W_GRAPH] = {"Lock-order graph", "Граф порядка захвата блокировок"},
    [W_NO_DOT] =
        {"graphviz's dot could not be run (apt-get install graphviz), so the graph is shown as "
         "its DOT source; `dot -Tsvg` draws it.",
         "не удалось запустить dot из graphviz (apt-get install graphviz), поэтому граф показан "
         "исходным текстом DOT; его рисует `dot -Tsvg`."},
    [W_VALUE] = {"value", "значение"},
    [W_TRIES] = {"failed trylocks on", "неудачных trylock на"},
    [W_STEPS] = {"What each thread holds and wants", "Что удерживает и чего хочет каждый поток"},
    [W_STACK] = {"stack", "стек"},
    [W_ACCESSES] = {"The two accesses", "Два обращения"},
    [W_ALLOCATED_AT] = {"the block was allocated at", "место выделения блока"},
    [W_WHAT_EACH_DID] = {"What each thread did", "Что делал каждый поток"},
    [W_PICTURE] = {"Picture", "Рисунок"},
    [W_FACTS] = {"What lockhound saw", "Что увидел lockhound"},
    [W_BLOCKED] = {"blocked", "заблокирован"},
    [W_FAILS] = {"fails", "не удаётся"},
    [W_FAILS_HELD_BY] = {"fails: %s holds it", "не удаётся: её удерживает %s"},
    [W_FAILED_TIMES] = {"fails again and again: %lld times", "снова и снова неудача: %lld раз"},
    [W_BANNER_LIVELOCK] = {"*** LIVELOCK: nobody is blocked, nobody gets anywhere ***",
                           "*** АКТИВНАЯ БЛОКИРОВКА (LIVELOCK): никто не заблокирован, но никто "
                           "не продвигается ***"},
    [W_BANNER_STALL] = {"*** EVERY THREAD IS BLOCKED ***", "*** ВСЕ ПОТОКИ ЗАБЛОКИРОВАНЫ ***"},
    [W_RACE_AT_THE_SAME_TIME] = {"nothing orders it after the other access",
                                 "ничто не упорядочивает его с другим обращением"},
};

const char *lh_html_word(enum lh_lang lang, enum page_word w) {
  return page_words[w][lang < LH_LANG_COUNT ? lang : LH_LANG_EN];
}

void lh_html_esc(FILE *out, const char *text) {
  for (const unsigned char *s = (const unsigned char *)text; *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    case '\'': fputs("&#39;", out); break;
    case '\n':
    case '\t': fputc(*s, out); break;
    default: fputc(*s < 0x20 || *s == 0x7f ? '?' : *s, out);
    }
  }
}

void lh_html_prose(FILE *out, const char *text) {
  for (const char *s = text; *s;) {
    const char *open = strchr(s, '`'), *close = open ? strchr(open + 1, '`') : NULL;
    if (!close) {
      lh_html_esc(out, s);
      return;
    }
    char *before = strndup(s, (size_t)(open - s)),
         *code = strndup(open + 1, (size_t)(close - open - 1));
    lh_html_esc(out, before);
    fputs("<code>", out);
    lh_html_esc(out, code);
    fputs("</code>", out);
    free(before);
    free(code);
    s = close + 1;
  }
}

/* printf into a string, then escaped. */
__attribute__((format(printf, 2, 3))) void lh_html_escf(FILE *out, const char *fmt, ...) {
  char *s = NULL;
  va_list ap;
  va_start(ap, fmt);
  int rc = vasprintf(&s, fmt, ap);
  va_end(ap);
  if (rc >= 0) lh_html_esc(out, s);
  free(s);
}

const char *lh_html_jstr(const json_t *o, const char *key) {
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

/* Whether the page may show lines of file, named by the debug info of module: only a file whose
 * real path (symbolic links resolved, so that a link cannot lead out) lies under a --source-root
 * directory when any was given, else under a directory the module was built from
 * (lh_sym_source_dirs); never one of /proc, /sys or /dev. Debug info can name any path
 * (`#line "/etc/shadow"`), and the page is made to be passed around. */
static bool may_show(const struct html *h, const char *module, const char *file,
                     char real[PATH_MAX]) {
  if (!module || !realpath(file, real) || lh_path_is_pseudo(real)) return false;
  size_t n;
  const char *const *dirs = lh_sym_source_dirs(h->r->sym, module, &n);
  return lh_path_under(real, dirs, n);
}

/* The lines around `line` of file, the site's line highlighted; nothing when the file may not be
 * shown (may_show), cannot be read as a regular file of at most 64 MiB (input_file.c: a FIFO
 * never blocks), or is shorter. */
static void source_lines(struct html *h, const char *module, const char *file, int line) {
  char real[PATH_MAX], why[LH_INPUT_WHY_SIZE];
  struct lh_input in;
  if (!may_show(h, module, file, real) || lh_input_open(&in, real, LH_INPUT_SHOWN_SOURCE, why) != 0)
    return;
  char *buf = NULL, *text = NULL;
  size_t cap = 0, len = 0;
  FILE *mem = open_memstream(&text, &len);
  bool hit = false;
  ssize_t got;
  for (int n = 1; mem && n <= line + CONTEXT_LINES; n++) {
    got = lh_input_line(&in, &buf, &cap);
    if (got == LH_INPUT_TOO_LONG)
      lh_input_skip_line(&in); /* shown cut anyway */
    else if (got <= 0)
      break;
    if (n < line - CONTEXT_LINES) continue;
    buf[strcspn(buf, "\r\n")] = '\0';
    if (strlen(buf) > MAX_SOURCE_LINE) buf[MAX_SOURCE_LINE] = '\0';
    fprintf(mem, "<span class=\"l%s\"><span class=\"n\">%d</span>", n == line ? " hit" : "", n);
    lh_html_esc(mem, buf);
    fputs("</span>", mem);
    hit = hit || n == line;
  }
  if (mem) fclose(mem);
  if (hit) fprintf(h->out, "<pre class=\"src\">%s</pre>", text);
  free(text);
  free(buf);
  lh_input_close(&in);
}

static void frame_html(struct html *h, const json_t *fr) {
  const char *fn = json_string_value(json_object_get(fr, "function"));
  const char *file = json_string_value(json_object_get(fr, "file"));
  const char *module = json_string_value(json_object_get(fr, "module"));
  json_int_t line = json_integer_value(json_object_get(fr, "line"));
  fputs("<li><code class=\"fn\">", h->out);
  lh_html_esc(h->out, fn ? fn : lh_html_jstr(fr, "offset"));
  fputs("</code>", h->out);
  if (file && line > 0) {
    fputs(" <code class=\"loc\" title=\"", h->out);
    lh_html_esc(h->out, file);
    fputs("\">", h->out);
    lh_html_escf(h->out, "%s:%lld", lh_basename(file), (long long)line);
    fputs("</code>", h->out);
  } else if (module) {
    fputs(" <code class=\"mod\">(", h->out);
    lh_html_esc(h->out, lh_basename(module));
    fputs(")</code>", h->out);
  }
  if (file && line > 0 && line < INT32_MAX) source_lines(h, module, file, (int)line);
  fputs("</li>\n", h->out);
}

/* A stack as a <details>: the summary says what it is and its innermost frame. */
void lh_html_stack(struct html *h, const char *what, const json_t *frames, bool open) {
  size_t n = json_array_size(frames);
  if (n == 0) {
    fputs("<p class=\"muted\">", h->out);
    lh_html_esc(h->out, what);
    fputs(" ", h->out);
    lh_html_esc(h->out, lh_msg(h->lang, LH_MSG_NO_STACK));
    fputs("</p>\n", h->out);
    return;
  }
  const json_t *top = json_array_get(frames, 0);
  const char *fn = json_string_value(json_object_get(top, "function"));
  const char *file = json_string_value(json_object_get(top, "file"));
  json_int_t line = json_integer_value(json_object_get(top, "line"));
  fprintf(h->out, "<details class=\"stack\"%s><summary>", open ? " open" : "");
  lh_html_esc(h->out, what);
  fputs(" <code class=\"fn\">", h->out);
  lh_html_esc(h->out, fn ? fn : lh_html_jstr(top, "offset"));
  fputs("</code>", h->out);
  if (file && line > 0) {
    fputs(" <code class=\"loc\">", h->out);
    lh_html_escf(h->out, "%s:%lld", lh_basename(file), (long long)line);
    fputs("</code>", h->out);
  }
  fputs("</summary>\n<ol class=\"frames\" start=\"0\">\n", h->out);
  for (size_t i = 0; i < n; i++) frame_html(h, json_array_get(frames, i));
  fputs("</ol></details>\n", h->out);
}
