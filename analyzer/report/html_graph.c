/* html_graph.c - the pictures of the --html page: the lock-order graph (report_dot.c's DOT) and
 * each finding's picture (finding_picture.c), rendered to SVG by graphviz's `dot` (a child
 * process, DOT on its stdin) and inlined, without the XML prologue and namespace URLs that an
 * inline <svg> does not need; when dot cannot be run, the DOT itself is shown with a note. */
#include "report/html_page.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/run_file_format.h"
#include "report/finding_picture.h"
#include "report/report_dot.h"

/* The SVG that `dot -Tsvg` draws from dot_text (caller frees), or NULL when dot cannot be run
 * or fails. The DOT goes in through a memory file, so that no pipe can fill up both ways. */
static char *render_svg(const char *dot_text) {
  int in = memfd_create("lockhound-dot", MFD_CLOEXEC), pipefd[2];
  if (in < 0) return NULL;
  size_t n = strlen(dot_text);
  if (write(in, dot_text, n) != (ssize_t)n || lseek(in, 0, SEEK_SET) != 0 ||
      pipe2(pipefd, O_CLOEXEC) != 0) {
    close(in);
    return NULL;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    dup2(in, STDIN_FILENO);
    dup2(pipefd[1], STDOUT_FILENO);
    if (null >= 0) dup2(null, STDERR_FILENO); /* a failing dot is told by the note instead */
    /* Under `lockhound run` this process has the preload library and the run's session in its
     * environment (command_run.c sets them for the program): dot is no part of the program, and
     * would otherwise be recorded into the run's directory, once per picture. */
    unsetenv("LD_PRELOAD");
    unsetenv(LH_ENV_RUN_DIR);
    unsetenv(LH_ENV_SESSION);
    unsetenv(LH_ENV_SUPERVISED);
    execlp("dot", "dot", "-Tsvg", (char *)NULL);
    _exit(127);
  }
  close(in);
  close(pipefd[1]);
  char *svg = NULL, chunk[8192];
  size_t len = 0;
  FILE *mem = open_memstream(&svg, &len);
  ssize_t k;
  while (pid > 0 && mem &&
         ((k = read(pipefd[0], chunk, sizeof chunk)) > 0 || (k < 0 && errno == EINTR)))
    if (k > 0) fwrite(chunk, 1, (size_t)k, mem);
  close(pipefd[0]);
  if (mem) fclose(mem);
  int status = 0;
  if (pid > 0)
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  if (pid <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !svg || !strstr(svg, "<svg")) {
    free(svg);
    return NULL;
  }
  return svg;
}

/* Removes every occurrence of attr from s, in place. */
static void drop(char *s, const char *attr) {
  size_t n = strlen(attr);
  for (char *p = strstr(s, attr); p; p = strstr(p, attr)) memmove(p, p + n, strlen(p + n) + 1);
}

/* dot_text as inline SVG, else as DOT in a <pre> after the note. */
static void put_drawing(struct html *h, const char *dot_text) {
  char *svg = render_svg(dot_text);
  if (svg) {
    /* Inline SVG takes its namespace from the HTML parser; the page names no URL at all. */
    char *start = strstr(svg, "<svg");
    drop(start, " xmlns=\"http://www.w3.org/2000/svg\"");
    drop(start, " xmlns:xlink=\"http://www.w3.org/1999/xlink\"");
    fputs(start, h->out);
  } else {
    fputs("<p class=\"muted\">", h->out);
    lh_html_prose(h->out, lh_html_word(h->lang, W_NO_DOT));
    fputs("</p>\n<pre class=\"dot\">", h->out);
    lh_html_esc(h->out, dot_text);
    fputs("</pre>\n", h->out);
  }
  free(svg);
}

void lh_html_graph(struct html *h) {
  char *dot_text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&dot_text, &len);
  if (!mem) return;
  lh_report_dot_in(mem, h->r, h->lang);
  fclose(mem);
  fputs("<section class=\"graph\"><h2>", h->out);
  lh_html_esc(h->out, lh_html_word(h->lang, W_GRAPH));
  fputs("</h2>\n", h->out);
  put_drawing(h, dot_text);
  fputs("</section>\n", h->out);
  free(dot_text);
}

void lh_html_picture(struct html *h, const json_t *finding) {
  if (h->pictures == LH_HTML_MAX_PICTURES) return;
  char *dot_text = lh_picture_dot(finding, h->lang);
  if (!dot_text) return;
  h->pictures++;
  fputs("<h3>", h->out);
  lh_html_esc(h->out, lh_html_word(h->lang, W_PICTURE));
  fputs("</h3>\n<figure class=\"picture\">\n", h->out);
  put_drawing(h, dot_text);
  fputs("</figure>\n", h->out);
  free(dot_text);
}
