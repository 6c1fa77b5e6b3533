/* test_source_loops.c - reading whether a condition wait in C source is re-run by a loop
 * (symbols/source_loops.c): the shapes students write, and the ones the reader must not judge. */
#include <criterion/criterion.h>
#include <string.h>

#include "symbols/source_loops.h"

/* The context of the line of `text` that holds the marker "@" (the marker is part of a
 * comment, so it does not change the code). */
static enum lh_loop_context context_of(const char *text) {
  const char *at = strstr(text, "/*@*/");
  cr_assert_not_null(at, "the test's text has no /*@*/ marker");
  int line = 1;
  for (const char *p = text; p < at; p++) line += *p == '\n';
  return lh_loop_context_of(text, strlen(text), line);
}

Test(source_loops, a_wait_under_an_if_in_a_thread_function_is_under_if) {
  cr_expect_eq(context_of("static void *consumer(void *arg) {\n"
                          "  pthread_mutex_lock(&m);\n"
                          "  if (count == 0)\n"
                          "    pthread_cond_wait(&not_empty, &m); /*@*/\n"
                          "  take();\n"
                          "  pthread_mutex_unlock(&m);\n"
                          "  return arg;\n"
                          "}\n"),
               LH_LOOP_UNDER_IF);
}

Test(source_loops, a_wait_in_a_braced_if_is_under_if) {
  cr_expect_eq(context_of("void f(void) {\n"
                          "  if (!ready) {\n"
                          "    waiting++;\n"
                          "    pthread_cond_wait(&c, &m); /*@*/\n"
                          "    waiting--;\n"
                          "  }\n"
                          "}\n"),
               LH_LOOP_UNDER_IF);
}

Test(source_loops, a_wait_in_a_while_loop_is_inside) {
  cr_expect_eq(context_of("void f(void) {\n"
                          "  while (count == 0)\n"
                          "    pthread_cond_wait(&c, &m); /*@*/\n"
                          "}\n"),
               LH_LOOP_INSIDE);
  cr_expect_eq(context_of("void f(void) {\n"
                          "  while (count == 0) { pthread_cond_wait(&c, &m); } /*@*/\n"
                          "}\n"),
               LH_LOOP_INSIDE);
}

Test(source_loops, a_wait_in_a_do_while_or_for_loop_is_inside) {
  cr_expect_eq(context_of("void f(void) {\n"
                          "  do {\n"
                          "    rc = pthread_cond_timedwait(&c, &m, &t); /*@*/\n"
                          "  } while (!ready && rc == 0);\n"
                          "}\n"),
               LH_LOOP_INSIDE);
  cr_expect_eq(context_of("void f(void) {\n"
                          "  for (int i = 0; !ready; i++) pthread_cond_wait(&c, &m); /*@*/\n"
                          "}\n"),
               LH_LOOP_INSIDE);
}

Test(source_loops, an_if_inside_a_loop_that_checks_a_condition_is_taken_as_checked) {
  cr_expect_eq(context_of("void f(void) {\n"
                          "  while (!done) {\n"
                          "    if (stopping) break;\n"
                          "    if (timed)\n"
                          "      pthread_cond_wait(&c, &m); /*@*/\n"
                          "  }\n"
                          "}\n"),
               LH_LOOP_INSIDE);
}

Test(source_loops, an_if_inside_an_endless_worker_loop_is_under_if) {
  cr_expect_eq(context_of("void *worker(void *a) {\n"
                          "  for (;;) {\n"
                          "    pthread_mutex_lock(&m);\n"
                          "    if (queue_empty()) pthread_cond_wait(&c, &m); /*@*/\n"
                          "    job = pop();\n"
                          "    pthread_mutex_unlock(&m);\n"
                          "  }\n"
                          "}\n"),
               LH_LOOP_UNDER_IF);
  cr_expect_eq(context_of("void *worker(void *a) {\n"
                          "  while (1) {\n"
                          "    if (queue_empty()) { pthread_cond_wait(&c, &m); } /*@*/\n"
                          "  }\n"
                          "}\n"),
               LH_LOOP_UNDER_IF);
}

Test(source_loops, an_if_with_an_else_is_not_judged) {
  cr_expect_eq(context_of("void f(void) {\n"
                          "  if (timed)\n"
                          "    pthread_cond_timedwait(&c, &m, &t);\n"
                          "  else\n"
                          "    pthread_cond_wait(&c, &m); /*@*/\n"
                          "}\n"),
               LH_LOOP_UNKNOWN);
  cr_expect_eq(context_of("void f(void) {\n"
                          "  if (timed) {\n"
                          "    pthread_cond_timedwait(&c, &m, &t); /*@*/\n"
                          "  } else {\n"
                          "    other();\n"
                          "  }\n"
                          "}\n"),
               LH_LOOP_UNKNOWN);
}

Test(source_loops, an_unconditional_wait_asks_the_caller) {
  cr_expect_eq(context_of("static void wait_for_work(struct pool *p) {\n"
                          "  pthread_cond_wait(&p->cond, &p->lock); /*@*/\n"
                          "}\n"),
               LH_LOOP_UNCONDITIONAL);
  cr_expect_eq(context_of("void f(void) {\n"
                          "  if (pthread_cond_wait(&c, &m) != 0) /*@*/\n"
                          "    abort();\n"
                          "}\n"),
               LH_LOOP_UNCONDITIONAL);
}

Test(source_loops, a_function_with_a_goto_is_not_judged) {
  cr_expect_eq(context_of("void f(void) {\n"
                          "again:\n"
                          "  if (!ready) pthread_cond_wait(&c, &m); /*@*/\n"
                          "  if (!ready) goto again;\n"
                          "}\n"),
               LH_LOOP_UNKNOWN);
}

Test(source_loops, comments_strings_and_preprocessor_lines_do_not_count) {
  cr_expect_eq(context_of("#define LOOP while (1) {\n"
                          "void f(void) {\n"
                          "  /* while (x) { */ puts(\"while (1) {\");\n"
                          "  // for (;;) {\n"
                          "  char c = '{';\n"
                          "  if (!ready) pthread_cond_wait(&c, &m); /*@*/\n"
                          "}\n"),
               LH_LOOP_UNDER_IF);
}

Test(source_loops, a_block_opened_by_a_macro_is_not_judged) {
  cr_expect_eq(context_of("void f(void) {\n"
                          "  list_for_each(item, &queue) {\n"
                          "    if (!item->ready) pthread_cond_wait(&c, &m); /*@*/\n"
                          "  }\n"
                          "}\n"),
               LH_LOOP_UNKNOWN);
}

Test(source_loops, a_cpp_lambda_body_is_a_function) {
  cr_expect_eq(context_of("int main() {\n"
                          "  std::thread t([&] {\n"
                          "    std::unique_lock<std::mutex> l(m);\n"
                          "    if (!ready) cv.wait(l); /*@*/\n"
                          "  });\n"
                          "}\n"),
               LH_LOOP_UNDER_IF);
  cr_expect_eq(context_of("int main() {\n"
                          "  std::thread t([&]() {\n"
                          "    std::unique_lock<std::mutex> l(m);\n"
                          "    while (!ready) cv.wait(l); /*@*/\n"
                          "  });\n"
                          "}\n"),
               LH_LOOP_INSIDE);
}

Test(source_loops, statements_before_the_wait_end_at_their_semicolon_or_brace) {
  cr_expect_eq(context_of("void f(void) {\n"
                          "  if (x)\n"
                          "    prepare();\n"
                          "  if (y) { log(); }\n"
                          "  pthread_cond_wait(&c, &m); /*@*/\n"
                          "}\n"),
               LH_LOOP_UNCONDITIONAL);
}

Test(source_loops, a_line_without_code_or_out_of_range_is_unknown) {
  const char *text = "void f(void) {\n\n}\n";
  cr_expect_eq(lh_loop_context_of(text, strlen(text), 2), LH_LOOP_UNKNOWN);
  cr_expect_eq(lh_loop_context_of(text, strlen(text), 40), LH_LOOP_UNKNOWN);
  cr_expect_eq(lh_loop_context_of(text, strlen(text), 0), LH_LOOP_UNKNOWN);
}

Test(source_loops, unbalanced_text_never_crashes_and_is_unknown) {
  const char *texts[] = {"}}}} if (x) pthread_cond_wait(&c, &m);", "((((( pthread_cond_wait(",
                         "if (x) pthread_cond_wait(&c, &m); }", "\"unterminated\n/* open"};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    cr_expect_eq(lh_loop_context_of(texts[i], strlen(texts[i]), 1), LH_LOOP_UNKNOWN, "text %zu", i);
}
