/* command_graph.c - `lockhound graph [--output FILE] [--format dot|svg|png] RUNFILE...`.
 *
 * Loads and merges the run files as `lockhound report` does (a file given twice is read once, a
 * damaged file is used as far as it goes, a file that is not a run file is refused), analyses
 * them to know which cycles are potential deadlocks, and draws the lock-order graph
 * (report_dot.c). DOT is written by us; SVG and PNG are rendered by Graphviz's `dot`, run as a
 * child process with the DOT on its stdin and its stdout on the output, because drawing a graph
 * well is Graphviz's job and not ours. `dot` is looked up in PATH before anything is loaded, so
 * that a missing Graphviz gets its one clear message. The format is --format, else the output's
 * suffix (.svg, .png), else DOT.
 * Exit status: 0 when the graph was written (findings do not change it: drawing is not
 * checking), 2 for a usage error, unreadable input, an output that cannot be written or a
 * missing or failing `dot`. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands/analysed_runs.h"
#include "commands/commands.h"
#include "model/model.h"
#include "model/run_loader.h"
#include "report/report_dot.h"
#include "symbols/lock_names.h"
#include "symbols/symbolize.h"

/* Whether `dot` is an executable file in one of PATH's directories. */
static bool have_dot(void) {
  const char *path = getenv("PATH");
  if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
  char *dirs = strdup(path), *save = NULL;
  bool found = false;
  for (char *dir = strtok_r(dirs, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
    char file[PATH_MAX];
    struct stat st;
    snprintf(file, sizeof file, "%s/dot", *dir ? dir : ".");
    found = stat(file, &st) == 0 && S_ISREG(st.st_mode) && access(file, X_OK) == 0;
  }
  free(dirs);
  return found;
}

/* The DOT of the files into *dot (caller frees). Returns 0 or LH_EXIT_USAGE after a message. */
static int draw(const struct lh_options *o, char **dot) {
  struct lh_analysed_runs a;
  int rc = lh_analysed_runs_load(&a, o->operands, (size_t)o->noperands, stderr);
  if (rc == 0) {
    struct lh_options quiet = *o; /* a drawing shows no notes and ends no run */
    quiet.verbose = false;
    quiet.error_exitcode = 0;
    lh_analysed_runs_analyse(&a, &quiet);
    size_t len = 0;
    FILE *out = open_memstream(dot, &len);
    if (!out) abort();
    lh_report_dot(out, &a.report);
    fclose(out);
  }
  lh_analysed_runs_free(&a);
  return rc;
}

static int open_output(const char *path) {
  if (!path || strcmp(path, "-") == 0) return STDOUT_FILENO;
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) fprintf(stderr, "lockhound: cannot write %s: %s\n", path, strerror(errno));
  return fd;
}

static bool write_all(int fd, const char *s, size_t n) {
  while (n) {
    ssize_t k = write(fd, s, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    s += k;
    n -= (size_t)k;
  }
  return true;
}

/* Copies what dot wrote into the memory file to fd: dot ignores its own write errors (on a full
 * disk it writes nothing and exits 0), so the output is written here, where a failure is seen. */
static int copy_rendered(int from, int fd, const char *output) {
  char buf[65536];
  ssize_t n;
  if (lseek(from, 0, SEEK_SET) != 0)
    n = -1;
  else
    while ((n = read(from, buf, sizeof buf)) > 0)
      if (!write_all(fd, buf, (size_t)n)) {
        n = -1;
        break;
      }
  if (n == 0) return 0;
  fprintf(stderr, "lockhound: cannot write %s: %s\n", output ? output : "the output",
          strerror(errno));
  return LH_EXIT_USAGE;
}

/* Runs `dot -T<format>` with the DOT on its stdin and a memory file as its stdout, then copies
 * that to fd. */
static int render(const char *format, const char *dot, int fd, const char *output) {
  int pipefd[2];
  int rendered = memfd_create("lockhound-graph", MFD_CLOEXEC);
  if (rendered < 0 || pipe2(pipefd, O_CLOEXEC) != 0) {
    fprintf(stderr, "lockhound: cannot run graphviz's dot: %s\n", strerror(errno));
    if (rendered >= 0) close(rendered);
    return LH_EXIT_USAGE;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[0], STDIN_FILENO);
    dup2(rendered, STDOUT_FILENO);
    char type[16];
    snprintf(type, sizeof type, "-T%s", format);
    execlp("dot", "dot", type, (char *)NULL);
    fprintf(stderr, "lockhound: cannot run graphviz's dot: %s\n", strerror(errno));
    _exit(127);
  }
  close(pipefd[0]);
  bool written = pid > 0 && write_all(pipefd[1], dot, strlen(dot));
  close(pipefd[1]);
  int status = 0;
  if (pid > 0)
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  if (pid < 0 || !written || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr,
            "lockhound: graphviz's dot could not render the graph as %s (see its message "
            "above); 'lockhound graph --format dot' writes the DOT itself\n",
            format);
    close(rendered);
    return LH_EXIT_USAGE;
  }
  int rc = copy_rendered(rendered, fd, output);
  close(rendered);
  return rc;
}

int lh_command_graph(const struct lh_options *opts) {
  const struct lh_options o = *opts;
  int rc;
  bool rendered = strcmp(o.format, "dot") != 0;
  if (rendered && !have_dot()) {
    fputs("lockhound: graphviz's dot is not installed (apt-get install graphviz); write DOT with "
          "--format dot\n",
          stderr);
    return LH_EXIT_USAGE;
  }
  char *dot = NULL;
  rc = draw(&o, &dot);
  if (rc != 0) return rc;
  int fd = open_output(o.output);
  if (fd < 0)
    rc = LH_EXIT_USAGE;
  else if (rendered)
    rc = render(o.format, dot, fd, o.output);
  else if (!write_all(fd, dot, strlen(dot))) {
    fprintf(stderr, "lockhound: cannot write %s: %s\n", o.output ? o.output : "the output",
            strerror(errno));
    rc = LH_EXIT_USAGE;
  }
  if (fd > STDOUT_FILENO && close(fd) != 0 && rc == 0) {
    fprintf(stderr, "lockhound: cannot write %s: %s\n", o.output, strerror(errno));
    rc = LH_EXIT_USAGE;
  }
  free(dot);
  return rc;
}
