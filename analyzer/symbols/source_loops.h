/* source_loops.h - whether a call in C (or C++) source text is re-run by a loop: the question
 * `cond-wait-not-in-loop` asks of every condition-variable wait (cond_wait_sites.c).
 *
 * Algorithm: a copy of the text with comments, string and character literals and preprocessor
 * lines blanked is read backwards from the call: the statement holding the call ends at the
 * nearest `;`, `}`, `:`, `{`, `else`, `do` or control header (`if (...)`, `while (...)`, `for
 * (...)`, `switch (...)`) before it, skipping balanced brackets, and each enclosing statement is
 * found the same way from the start of the one inside it, up to the function's body (a `{` at file
 * level). The call is in a loop when a `while`, `for` or `do` encloses it before the function does;
 * it is "under an if" when its nearest enclosing control statement is an `if` with no `else`
 * (a wait there runs once, and nothing checks the condition when it returns), unless a loop
 * with a condition of its own encloses that `if` (then the loop may well be the one that checks
 * again); a loop that never ends by its condition (`for (;;)`, `while (1)`) is a worker's loop,
 * not a check of the wait's condition.
 *
 * Limits: a heuristic reader, not a C parser. Whatever it does not recognise gives "unknown",
 * never a wrong "not in a loop": a `goto` anywhere in the function (a loop by hand), a macro
 * that opens a block (`list_for_each(...) {`), a C++ function defined inside a class or
 * namespace, a wait in an `else` or a `switch`. It cannot know what the loop's condition is: a
 * `while (running)` around an `if (!ready) wait` is taken as checking again. */
#ifndef LH_SOURCE_LOOPS_H
#define LH_SOURCE_LOOPS_H

#include <stddef.h>

enum lh_loop_context {
  LH_LOOP_UNKNOWN,  /* the reader cannot tell: never reported */
  LH_LOOP_INSIDE,   /* a loop re-runs the call */
  LH_LOOP_UNDER_IF, /* the call's statement is an `if` without `else`, in no loop that checks */
  LH_LOOP_UNCONDITIONAL, /* the call runs once per call of its function: ask the caller */
};

/* The context of the call on line `line` (1-based) of the source text (len bytes; need not end
 * in a NUL). The call is the first identifier on that line containing "wait" followed by `(`,
 * else the line's first token. */
enum lh_loop_context lh_loop_context_of(const char *text, size_t len, int line);

#endif
