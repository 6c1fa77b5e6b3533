/* text_escape.h - names from the program, shown without control characters.
 *
 * Program names, file names, function, variable and lock names come from the program (its file
 * name, its debug information, its run file): a newline in one would start a line of its own in
 * the report, which could pass for one of lockhound's ("==1== lockhound: ..."), and an escape
 * sequence would drive the terminal. Shown, every control character becomes a C escape: \n, \r,
 * \t, \e, \xNN for the others (0x01-0x1f, 0x7f), and the C1 controls of UTF-8 (U+0080-U+009F,
 * which some terminals obey) become \u0080-\u009f. Everything else, UTF-8 included, is kept. */
#ifndef LH_TEXT_ESCAPE_H
#define LH_TEXT_ESCAPE_H

#include <stdbool.h>

/* Whether s holds anything lh_text_escaped would change. */
bool lh_text_needs_escape(const char *s);

/* s escaped, in a new string (caller frees); never NULL. */
char *lh_text_escaped(const char *s);

/* s itself when it needs no escape (the usual case: nothing allocated), else its escaped form in
 * one of 8 buffers that later calls reuse in turn: for a name printed at once, not kept. NULL
 * stays NULL. */
const char *lh_shown(const char *s);

#endif
