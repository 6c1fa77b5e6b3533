/* finding_picture.h - one finding drawn as Graphviz DOT: the threads, locks, objects or memory it
 * is about and what each thread does to them (finding_picture.c). Used by `lockhound graph`
 * (report_dot.c: a cluster per finding beside the lock-order graph) and by the --html page (a
 * picture per finding). Private to report/. */
#ifndef LH_FINDING_PICTURE_H
#define LH_FINDING_PICTURE_H

#include <jansson.h>
#include <stdio.h>

#include "report/report.h"

/* What a drawing used, so that its legend explains exactly that (one bit each). */
enum lh_picture_part {
  LH_PIC_THREAD = 1u << 0,        /* ellipse: a thread */
  LH_PIC_LOCK = 1u << 1,          /* box: a lock */
  LH_PIC_OBJECT = 1u << 2,        /* hexagon: a semaphore, condvar or barrier */
  LH_PIC_MEMORY = 1u << 3,        /* note: the memory of a data race */
  LH_PIC_HOLDS = 1u << 4,         /* solid black thread -> lock */
  LH_PIC_WAITS = 1u << 5,         /* dashed red: blocked waiting */
  LH_PIC_AGAIN = 1u << 6,         /* dashed red to a lock the thread holds */
  LH_PIC_TRIES = 1u << 7,         /* dotted orange: failing trylocks */
  LH_PIC_ACCESS = 1u << 8,        /* bold red thread -> memory */
  LH_PIC_CALL = 1u << 9,          /* bold red: the misused call */
  LH_PIC_ORDER = 1u << 10,        /* lock -> lock: took B while holding A */
  LH_PIC_ORDER_RED = 1u << 11,    /* ... part of a reported potential deadlock */
  LH_PIC_ORDER_GREY = 1u << 12,   /* ... an order that cannot deadlock */
  LH_PIC_DEADLOCK_WAIT = 1u << 13 /* lock -> lock dashed: a wait of a deadlock that happened */
};

/* text as the inside of a DOT "..." string: '"' and '\' escaped, '\n' a DOT line break, control
 * characters and bytes that are not UTF-8 '?'. */
void lh_dot_escaped(FILE *out, const char *text);
/* "worker ab_ba.c:21", "worker", "ab_ba.c:21" or "0x1228 (ab_ba)": the innermost of JSON frames
 * (caller frees); "an unknown place" when there is none. */
char *lh_dot_json_site(const json_t *frames);

/* The nodes and edges of finding f (its JSON, lh_json_finding), every node name starting with
 * prefix; *used gets the bits of what was drawn. Draws nothing for a finding that names nothing. */
void lh_picture_body(FILE *out, const json_t *f, const char *prefix, enum lh_lang lang,
                     unsigned *used);
/* The legend of what used says was drawn: one line per part, each line starting with '\n'
 * (plain text, not yet escaped for DOT). */
void lh_picture_legend(FILE *out, unsigned used, enum lh_lang lang);
/* A whole digraph of finding f with its legend as the title (caller frees); NULL when there is
 * nothing to draw. */
char *lh_picture_dot(const json_t *f, enum lh_lang lang);

#endif
