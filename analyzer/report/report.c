/* report.c - what the report formats share: thread labels, and a stack as text lines or as JSON
 * frames. The writers (report_text.c, report_json.c) call the families (report_incident.c,
 * report_race.c), and all of them call down to here, never back up. */
#include "report/report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "base/text_escape.h"
#include "symbols/frames.h"
#include "symbols/lock_names.h"

#define TEXT_FRAMES 8
#define JSON_FRAMES 16

void lh_thread_label(const struct lh_model *m, uint32_t thread, char *buf, size_t size) {
  const struct lh_thread *t = &m->threads[thread];
  if (m->nfiles > 1)
    snprintf(buf, size, "T%d@%lld", t->id, m->files[t->file].pid);
  else
    snprintf(buf, size, "T%d", t->id);
}

static void frame_line(const struct lh_text *x, size_t i, const struct lh_shown_frame *f) {
  fprintf(x->out, "%s       #%zu ", x->prefix, i);
  if (f->function)
    fputs(f->function, x->out);
  else
    fprintf(x->out, "0x%" PRIx64, f->offset);
  if (f->file && f->line > 0)
    fprintf(x->out, " %s:%d", lh_basename(f->file), f->line);
  else if (f->module)
    fprintf(x->out, " (%s)", lh_shown(lh_basename(f->module))); /* the program's file name */
  fputc('\n', x->out);
}

void lh_text_stack(const struct lh_text *x, int32_t stack) {
  struct lh_shown_frame frames[TEXT_FRAMES];
  size_t n = lh_frames_of_stack(x->r->sym, x->r->m, stack, frames, TEXT_FRAMES);
  if (n == 0) fprintf(x->out, "%s       %s\n", x->prefix, lh_msg(x->lang, LH_MSG_NO_STACK));
  for (size_t i = 0; i < n; i++) frame_line(x, i, &frames[i]);
}

void lh_text_thread_origin(const struct lh_text *x, uint32_t thread) {
  const struct lh_thread *t = &x->r->m->threads[thread];
  if (strcmp(t->how, "main") == 0) {
    fputs(lh_msg(x->lang, LH_MSG_MAIN_THREAD), x->out);
    return;
  }
  if (strcmp(t->how, "fork") == 0) {
    fputs(lh_msg(x->lang, LH_MSG_FORK_THREAD), x->out);
    return;
  }
  struct lh_shown_frame all[TEXT_FRAMES];
  size_t n = lh_frames_of_stack(x->r->sym, x->r->m, t->stack, all, TEXT_FRAMES);
  if (n == 0) {
    fputs(lh_msg(x->lang, LH_MSG_CREATED_UNKNOWN), x->out);
    return;
  }
  const struct lh_shown_frame *f = &all[lh_frames_first_own(all, n)]; /* Thread.start's caller */
  char where[512];
  int len;
  if (f[0].function)
    len = snprintf(where, sizeof where, "%s", f[0].function);
  else
    len = snprintf(where, sizeof where, "0x%" PRIx64, f[0].offset);
  if (len < 0 || (size_t)len >= sizeof where) len = (int)sizeof where - 1;
  if (f[0].file && f[0].line > 0)
    snprintf(where + len, sizeof where - (size_t)len, " %s:%d", lh_basename(f[0].file), f[0].line);
  fprintf(x->out, lh_msg(x->lang, LH_MSG_CREATED_AT), where);
}

json_t *lh_json_frames(const struct lh_report *r, int32_t stack) {
  struct lh_shown_frame frames[JSON_FRAMES];
  size_t n = lh_frames_of_stack(r->sym, r->m, stack, frames, JSON_FRAMES);
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++) {
    json_t *f = json_object();
    char off[32];
    if (frames[i].function) json_object_set_new(f, "function", json_string(frames[i].function));
    if (frames[i].file) json_object_set_new(f, "file", json_string(frames[i].file));
    if (frames[i].line > 0) json_object_set_new(f, "line", json_integer(frames[i].line));
    if (frames[i].module) json_object_set_new(f, "module", json_string(frames[i].module));
    snprintf(off, sizeof off, "0x%" PRIx64, frames[i].offset);
    json_object_set_new(f, "offset", json_string(off));
    json_array_append_new(a, f);
  }
  return a;
}

char *lh_cycle_group_sentence(const struct lh_report *r, enum lh_lang lang,
                              const struct lh_finding *f) {
  if (f->cycles < 2) return NULL;
  const char **names = lh_xcalloc(f->nabout + 1, sizeof *names);
  for (size_t i = 0; i < f->nabout; i++) names[i] = lh_report_lock_names(r)[f->about[i]];
  char *locks = lh_names_compact(names, f->nabout), *s = NULL;
  free(names);
  if (asprintf(&s, lh_msg(lang, LH_MSG_SAME_SITES_CYCLES), f->cycles,
               lh_word(lang, LH_WORD_CYCLE, (long long)f->cycles), locks) < 0)
    s = NULL;
  free(locks);
  return s;
}

void lh_json_cycle_group(json_t *o, const struct lh_report *r, const struct lh_finding *f) {
  json_t *names = json_array();
  for (size_t i = 0; i < f->nabout; i++)
    json_array_append_new(names, json_string(lh_report_lock_names(r)[f->about[i]]));
  json_object_set_new(o, "cycles", json_integer((json_int_t)(f->cycles ? f->cycles : 1)));
  json_object_set_new(o, "lock_instances", names);
}

char **lh_report_lock_names(const struct lh_report *r) {
  if (!r->lock_names->names) r->lock_names->names = lh_lock_names(r->sym, r->m);
  return r->lock_names->names;
}

char **lh_report_object_names(const struct lh_report *r) {
  return r->findings && r->findings->n ? lh_object_names(r->sym, r->m) : NULL;
}
