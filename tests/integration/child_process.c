/* child_process.c - fork/exec a program under test with a controlled environment, capturing its
 * output through files in a scratch directory (files rather than pipes: no risk of the child
 * blocking on a full pipe while we wait for it, and no read loop).
 *
 * A timeout is a limit, not a schedule: the parent sleeps in poll() on a pidfd of the child,
 * which wakes the moment the child ends; only a child that is still there when the limit runs
 * out is killed, with its whole process group (the program `lockhound run` started is in it).
 * lh_run_child_signalled also sends a signal once the child printed that it is ready: the only
 * polling here, of the capture file, since nothing can wake the test when a file grows. */
#include "child_process.h"

#include <errno.h>
#include <jansson.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Variables that would make the child pick up lockhound without the test asking for it. */
static const char *const inherited_lockhound_vars[] = {
    "LD_PRELOAD", "LOCKHOUND_RUN_DIR", "LOCKHOUND_SESSION", "LOCKHOUND_SUPERVISED",
    "LOCKHOUND_BIN", "LOCKHOUND_LIB", NULL,
};

char *lh_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, 2 * cap + 1);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t put = len ? fwrite(data, 1, len, f) : 0;
    return (fclose(f) == 0 && put == len) ? 0 : -1;
}

static void redirect(int fd, const char *path, int flags)
{
    int src = open(path, flags, 0600);
    if (src < 0 || dup2(src, fd) < 0) {
        perror(path);
        _exit(125);
    }
    close(src);
}

static void exec_child(const struct lh_child_spec *spec, double limit_s, const char *in,
                       const char *out, const char *err)
{
    /* If the test dies (a Criterion timeout kills it), the program under test dies with it
     * instead of running on as an orphan. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (limit_s > 0)
        setpgid(0, 0);
    redirect(STDIN_FILENO, in, O_RDONLY);
    redirect(STDOUT_FILENO, out, O_WRONLY | O_CREAT | O_TRUNC);
    redirect(STDERR_FILENO, err, O_WRONLY | O_CREAT | O_TRUNC);
    for (const char *const *v = inherited_lockhound_vars; *v; v++)
        unsetenv(*v);
    for (const char *const *e = spec->env_set; e && *e; e++)
        putenv((char *)*e);
    execv(spec->argv[0], (char *const *)spec->argv);
    fprintf(stderr, "cannot execute %s: %s\n", spec->argv[0], strerror(errno));
    _exit(127);
}

/* 1 when the child ended within the limit, 0 when it is still running. */
static int wait_for_end(pid_t pid, double timeout_s)
{
    int fd = pidfd_open(pid, 0);
    if (fd < 0) {
        perror("pidfd_open");
        return 1; /* cannot watch it: fall back to an unlimited waitpid */
    }
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int ready;
    do
        ready = poll(&p, 1, (int)(timeout_s * 1000));
    while (ready < 0 && errno == EINTR);
    close(fd);
    return ready != 0;
}

int lh_run_child(const struct lh_child_spec *spec, struct lh_child_result *result)
{
    return lh_run_child_limited(spec, 0, result);
}

/* A signal to send once the child said it is ready (lh_run_child_signalled). */
struct signal_plan {
    const char *ready;
    double delay_s;
    int sig;
};

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pause_s(double s)
{
    struct timespec t = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&t, &t) != 0 && errno == EINTR)
        ;
}

/* Waits (polling the capture file: the child writes it, nothing wakes us) until the child's
 * stdout holds plan->ready and a pid, then plan->delay_s more, and signals that pid; gives up
 * when the child ended or the limit ran out first. */
static void carry_out(const struct signal_plan *plan, pid_t child, const char *out_path,
                        double limit_s, double start)
{
    for (;;) {
        char *out = lh_read_file(out_path, NULL);
        const char *at = out ? strstr(out, plan->ready) : NULL;
        long pid = at ? strtol(at + strlen(plan->ready), NULL, 10) : 0;
        free(out);
        if (pid > 0) {
            pause_s(plan->delay_s);
            kill((pid_t)pid, plan->sig);
            return;
        }
        siginfo_t info = {0};
        if (waitid(P_PID, (id_t)child, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid ||
            monotonic_s() - start >= limit_s)
            return;
        pause_s(0.02);
    }
}

static int run_child(const struct lh_child_spec *spec, double limit_s, const struct signal_plan *plan,
                     struct lh_child_result *result)
{
    char in[4096], out[4096], err[4096];
    memset(result, 0, sizeof *result);
    snprintf(in, sizeof in, "%s/child.stdin", spec->work_dir);
    snprintf(out, sizeof out, "%s/child.stdout", spec->work_dir);
    snprintf(err, sizeof err, "%s/child.stderr", spec->work_dir);
    if (write_file(in, spec->stdin_data ? spec->stdin_data : "", spec->stdin_len) != 0) {
        fprintf(stderr, "cannot write %s: %s\n", in, strerror(errno));
        return -1;
    }
    /* Emptied here, before the child exists: a file the child truncates only once it runs would
     * still show an earlier child's "ready <pid>" to carry_out, which would signal that pid (ended,
     * or by now another process) instead of this child's. */
    if (write_file(out, "", 0) != 0 || write_file(err, "", 0) != 0) {
        fprintf(stderr, "cannot empty %s or %s: %s\n", out, err, strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return -1;
    }
    if (pid == 0)
        exec_child(spec, limit_s, in, out, err);
    if (limit_s > 0) {
        double start = monotonic_s();
        setpgid(pid, pid); /* also here: no race with a kill before the child ran setpgid */
        if (plan)
            carry_out(plan, pid, out, limit_s, start);
        double left = limit_s - (monotonic_s() - start);
        result->timed_out = !wait_for_end(pid, left > 0.001 ? left : 0.001);
        if (result->timed_out)
            kill(-pid, SIGKILL);
    }
    while (waitpid(pid, &result->status, 0) < 0) {
        if (errno != EINTR) {
            perror("waitpid");
            return -1;
        }
    }
    result->exit_code = WIFEXITED(result->status) ? WEXITSTATUS(result->status)
                                                  : 128 + WTERMSIG(result->status);
    result->out = lh_read_file(out, &result->out_len);
    result->err = lh_read_file(err, &result->err_len);
    if (!result->out || !result->err) {
        fprintf(stderr, "cannot read the child's output in %s\n", spec->work_dir);
        return -1;
    }
    return 0;
}

int lh_run_child_limited(const struct lh_child_spec *spec, double limit_s,
                         struct lh_child_result *result)
{
    return run_child(spec, limit_s, NULL, result);
}

int lh_run_child_signalled(const struct lh_child_spec *spec, const char *ready, double delay_s,
                           int sig, double limit_s, struct lh_child_result *result)
{
    struct signal_plan plan = {ready, delay_s, sig};
    return run_child(spec, limit_s, &plan, result);
}

void lh_child_result_free(struct lh_child_result *result)
{
    free(result->out);
    free(result->err);
    result->out = result->err = NULL;
}

char *lh_make_temp_dir(const char *label)
{
    const char *tmp = getenv("TMPDIR");
    char *path = NULL;
    if (asprintf(&path, "%s/lh-test-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", label) < 0)
        return NULL;
    if (!mkdtemp(path)) {
        fprintf(stderr, "mkdtemp %s: %s\n", path, strerror(errno));
        free(path);
        return NULL;
    }
    return path;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    remove(path);
    return 0;
}

void lh_remove_tree(const char *path)
{
    if (path)
        nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const json_t *lh_report_finding(const json_t *report, const char *kind)
{
    const json_t *findings = json_object_get(report, "findings");
    for (size_t i = 0; i < json_array_size(findings); i++) {
        const json_t *f = json_array_get(findings, i);
        if (strcmp(json_string_value(json_object_get(f, "kind")) ?: "", kind) == 0)
            return f;
    }
    return NULL;
}
