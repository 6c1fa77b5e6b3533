/* child_process.h - run a program under test as a child process and capture what it does.
 *
 * Tests never preload liblockhound into themselves (a Criterion binary forks and uses threads of
 * its own): every program under test, with or without lockhound, runs as a child with its own
 * environment, stdin from a buffer, stdout and stderr captured in full. Shared by the integration
 * and wrapper tests. */
#ifndef LH_TEST_CHILD_PROCESS_H
#define LH_TEST_CHILD_PROCESS_H

#include <stddef.h>

struct lh_child_spec {
    const char *const *argv;      /* argv[0] is the path of the program */
    const char *const *env_set;   /* "NAME=VALUE" entries added to the child's environment */
    const char *stdin_data;       /* NULL: stdin is /dev/null */
    size_t stdin_len;
    const char *work_dir;         /* scratch directory for the capture files (must exist) */
};

struct lh_child_result {
    int status;       /* as from waitpid */
    int exit_code;    /* exit code, or 128 + signal number, as a shell reports it */
    char *out;        /* captured stdout, NUL-terminated (may contain NULs before) */
    size_t out_len;
    char *err;        /* captured stderr, NUL-terminated */
    size_t err_len;
    int timed_out;    /* the child outlived its time limit and was killed with SIGKILL */
};

/* Run the child and wait for it. The child's environment is the test's own minus every
 * variable lockhound reads (LD_PRELOAD, LOCKHOUND_*), plus spec->env_set. Returns 0, or -1 with
 * a message on stderr when the child could not be run at all. */
int lh_run_child(const struct lh_child_spec *spec, struct lh_child_result *result);
/* The same with a time limit: the child leads a process group of its own and, when it is still
 * running after limit_s seconds, the whole group (with the program `lockhound run` started) is
 * killed with SIGKILL and result->timed_out is set. */
int lh_run_child_limited(const struct lh_child_spec *spec, double limit_s,
                         struct lh_child_result *result);
/* The same, and once the child's stdout holds `ready` followed by a pid ("ready 1234"; the
 * process to signal, which under `lockhound run` is the program, not the child itself), waits
 * delay_s seconds more and sends that pid sig. The limit counts from the start; a child that never
 * prints the word is killed at the limit like any other. */
int lh_run_child_signalled(const struct lh_child_spec *spec, const char *ready, double delay_s,
                           int sig, double limit_s, struct lh_child_result *result);
void lh_child_result_free(struct lh_child_result *result);

/* A fresh private directory under ${TMPDIR:-/tmp}; the caller owns the returned string. */
char *lh_make_temp_dir(const char *label);
/* Remove a directory tree made by lh_make_temp_dir (ignores NULL). */
void lh_remove_tree(const char *path);

/* Read a whole file; NULL when it cannot be read. The caller frees. */
char *lh_read_file(const char *path, size_t *len);

/* The first finding of a kind in a JSON report (`lockhound --json`), or NULL. */
typedef struct json_t json_t;
const json_t *lh_report_finding(const json_t *report, const char *kind);

#endif
