/* outputs.c - see outputs.h.
 *
 * Which file an output is: for a path that exists, its device and inode (so links, ./x and
 * /dev/stdout are seen through); for one that does not exist yet, the real path of its directory
 * followed by its name; for "-", what descriptor 1 is. Two outputs are the same file when both
 * are known by inode and those match, or both only by name and those match. Limits: a dangling
 * symbolic link to a file not yet created is known by its own name, not its target's.
 *
 * Write errors: a stdio stream remembers that a write failed (ferror) but not why, and errno may
 * have changed since; the reason reported is that of the flush or close when it fails too (it
 * does for ENOSPC, EBADF, EIO: the buffered rest is written there), else errno as it was left. */
#include "commands/outputs.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

size_t lh_outputs_of(const struct lh_options *o, struct lh_output out[LH_MAX_OUTPUTS]) {
  size_t n = 0;
#define LH_OUTPUT_ROW(option, field)                                                               \
  if (o->field) out[n++] = (struct lh_output){option, o->field};
  LH_MACHINE_OUTPUTS(LH_OUTPUT_ROW)
#undef LH_OUTPUT_ROW
  return n;
}

struct identity {
  bool by_inode;
  dev_t dev;
  ino_t ino;
  bool is_null;            /* /dev/null: writing there twice harms nothing */
  char name[PATH_MAX * 2]; /* when not by inode */
};

static void identify(const char *path, struct identity *id) {
  memset(id, 0, sizeof *id);
  struct stat st;
  bool known = strcmp(path, "-") == 0 ? fstat(STDOUT_FILENO, &st) == 0 : stat(path, &st) == 0;
  if (known) {
    id->by_inode = true;
    id->dev = st.st_dev;
    id->ino = st.st_ino;
    id->is_null = S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
    return;
  }
  if (strcmp(path, "-") == 0) return; /* stdout closed: nothing to compare */
  char *dir_copy = strdup(path), *base_copy = strdup(path), real[PATH_MAX];
  if (dir_copy && base_copy && realpath(dirname(dir_copy), real))
    snprintf(id->name, sizeof id->name, "%s/%s", real, basename(base_copy));
  else
    snprintf(id->name, sizeof id->name, "%s", path);
  free(dir_copy);
  free(base_copy);
}

static bool same(const struct identity *a, const struct identity *b) {
  if (a->is_null || b->is_null) return false;
  if (a->by_inode && b->by_inode) return a->dev == b->dev && a->ino == b->ino;
  if (!a->by_inode && !b->by_inode) return a->name[0] && strcmp(a->name, b->name) == 0;
  return false;
}

/* Under `check` stdout has its PASS/FAIL lines, and no program's output ever reaches it. */
static int refuse_stdout_under_check(const struct lh_output *out) {
  if (strcmp(out->path, "-") == 0)
    fprintf(stderr,
            "lockhound check: %s - would mix the document with check's PASS and FAIL lines on "
            "stdout; give %s a file\n",
            out->option, out->option);
  else
    fprintf(stderr,
            "lockhound check: %s %s is this command's stdout, where check writes its PASS and "
            "FAIL lines; give %s another file\n",
            out->option, out->path, out->option);
  return LH_EXIT_USAGE;
}

static int refuse_stdout_under_run(const struct lh_output *out) {
  if (strcmp(out->path, "-") == 0)
    fprintf(stderr,
            "lockhound: %s - would mix the findings with the program's own output on stdout; "
            "under 'lockhound run' give %s a file (or run 'lockhound report %s - RUNFILE' "
            "afterwards)\n",
            out->option, out->option, out->option);
  else
    fprintf(stderr,
            "lockhound: %s %s is this command's stdout, where the program writes too; under "
            "'lockhound run' give %s another file\n",
            out->option, out->path, out->option);
  return LH_EXIT_USAGE;
}

static int check_against_inputs(const struct lh_output *out, const struct identity *id,
                                const char *what, const char *const *inputs, size_t n) {
  for (size_t i = 0; i < n; i++) {
    struct identity in;
    identify(inputs[i], &in);
    if (!same(id, &in)) continue;
    if (strcmp(inputs[i], out->path) == 0)
      fprintf(stderr,
              "lockhound: %s %s is also %s: writing it would destroy it; give %s another file\n",
              out->option, out->path, what, out->option);
    else
      fprintf(stderr,
              "lockhound: %s %s is also %s (as %s): writing it would destroy it; give %s another "
              "file\n",
              out->option, out->path, what, inputs[i], out->option);
    return LH_EXIT_USAGE;
  }
  return 0;
}

int lh_outputs_check(const struct lh_options *o, enum lh_command cmd) {
  struct lh_output outs[LH_MAX_OUTPUTS];
  size_t n = lh_outputs_of(o, outs);
  if (n == 0) return 0;
  struct identity *ids = calloc(n, sizeof *ids), out_stream;
  if (!ids) return 0; /* no memory to check with: the writers still report their errors */
  identify("-", &out_stream);
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    identify(outs[i].path, &ids[i]);
    bool dash = strcmp(outs[i].path, "-") == 0;
    if (cmd == LH_CMD_RUN && (dash || same(&ids[i], &out_stream))) {
      rc = refuse_stdout_under_run(&outs[i]);
      break;
    }
    if (cmd == LH_CMD_CHECK && (dash || same(&ids[i], &out_stream))) {
      rc = refuse_stdout_under_check(&outs[i]);
      break;
    }
    for (size_t j = 0; j < i && rc == 0; j++) {
      bool either_dash = dash || strcmp(outs[j].path, "-") == 0;
      if (either_dash && (same(&ids[i], &ids[j]) || (dash && strcmp(outs[j].path, "-") == 0))) {
        fprintf(stderr,
                "lockhound: %s %s and %s %s would write two documents to stdout, one after "
                "the other; send at most one output to stdout and the others to files\n",
                outs[j].option, outs[j].path, outs[i].option, outs[i].path);
        rc = LH_EXIT_USAGE;
      } else if (same(&ids[i], &ids[j])) {
        fprintf(stderr,
                "lockhound: %s %s and %s %s are the same file; give each output its own file\n",
                outs[j].option, outs[j].path, outs[i].option, outs[i].path);
        rc = LH_EXIT_USAGE;
      }
    }
    if (rc == 0 && cmd == LH_CMD_REPORT)
      rc = check_against_inputs(&outs[i], &ids[i], "a run file to read",
                                (const char *const *)o->operands, (size_t)o->noperands);
    if (rc == 0 && cmd == LH_CMD_CHECK)
      rc = check_against_inputs(&outs[i], &ids[i], "a program or source to check",
                                (const char *const *)o->operands, (size_t)o->noperands);
    if (rc == 0 && cmd == LH_CMD_CHECK && o->expect_path)
      rc = check_against_inputs(&outs[i], &ids[i], "the --expect file", &o->expect_path, 1);
    if (rc == 0)
      rc = check_against_inputs(&outs[i], &ids[i], "a --suppressions file", o->suppressions,
                                o->nsuppressions);
  }
  free(ids);
  return rc;
}
