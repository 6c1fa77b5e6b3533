/* test_run_signals.c - a signal sent to `lockhound run` reaches the program, and the report is
 * still printed: SIGTERM from kill, from `timeout` (which signals its child, then its whole
 * process group) and from `timeout --foreground` (its child only); the terminal's Ctrl-C reaches
 * the program once, not twice.
 *
 * The program (signal_waiter) takes two locks in opposite orders, says "ready PID" on a pipe,
 * and waits for a signal. The test sends the signal only after reading "ready" (no timer decides
 * what has happened), and after lockhound ends it checks that the program has ended too (was not
 * left running as an orphan). A pty gives lockhound and the program a controlling terminal whose
 * ^C the kernel sends to their process group, as a shell's foreground job gets it. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_process.h"

#define LOCKHOUND LH_BIN_DIR "/lockhound"
#define WAITER LH_TEST_PROGRAM_DIR "/signal_waiter"
#define READY_FD "3"
#define TIMEOUT_S "3"

static char *work_dir;

static void make_work_dir(void)
{
    work_dir = lh_make_temp_dir("signals");
    cr_assert_not_null(work_dir, "cannot make a scratch directory");
}

static void remove_work_dir(void)
{
    lh_remove_tree(work_dir);
    free(work_dir);
    work_dir = NULL;
}

TestSuite(run_signals, .init = make_work_dir, .fini = remove_work_dir, .timeout = 60);

struct started {
    pid_t pid;    /* the command the test started (lockhound, or timeout) */
    int ready;    /* read end of the program's pipe */
    int terminal; /* pty master, or -1 */
};

static void output_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", work_dir, name);
}

/* Starts argv (found in PATH) with stdout and stderr into files of the scratch directory, the
 * program's pipe on descriptor 3 and, with a terminal, a new session whose controlling terminal
 * is a pty (stdin). */
static struct started start(char *const argv[], bool with_terminal)
{
    struct started s = {.terminal = -1};
    int pipe_fds[2];
    cr_assert_eq(pipe(pipe_fds), 0);
    const char *slave = NULL;
    if (with_terminal) {
        s.terminal = posix_openpt(O_RDWR | O_NOCTTY);
        cr_assert(s.terminal >= 0 && grantpt(s.terminal) == 0 && unlockpt(s.terminal) == 0);
        slave = ptsname(s.terminal);
        cr_assert_not_null(slave);
    }
    char out[4200], err[4200], tmpdir[4200];
    output_path(out, sizeof out, "stdout");
    output_path(err, sizeof err, "stderr");
    snprintf(tmpdir, sizeof tmpdir, "%s", work_dir);
    fflush(NULL);
    s.pid = fork();
    cr_assert(s.pid >= 0);
    if (s.pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int in = with_terminal ? (setsid(), open(slave, O_RDWR)) : open("/dev/null", O_RDONLY);
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || o < 0 || e < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0 ||
            dup2(pipe_fds[1], 3) < 0)
            _exit(125);
        unsetenv("LD_PRELOAD");
        unsetenv("LOCKHOUND_OPTIONS");
        unsetenv("LOCKHOUND_LIB");
        unsetenv("LOCKHOUND_RUN_DIR");
        setenv("TMPDIR", tmpdir, 1);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(pipe_fds[1]);
    s.ready = pipe_fds[0];
    return s;
}

/* One line from the program's pipe ("" at its end). */
static char *read_line(int fd)
{
    static char line[128];
    size_t n = 0;
    char c;
    while (n + 1 < sizeof line && read(fd, &c, 1) == 1 && c != '\n')
        line[n++] = c;
    line[n] = '\0';
    return line;
}

static pid_t read_ready(const struct started *s)
{
    char *line = read_line(s->ready);
    int pid = 0;
    if (sscanf(line, "ready %d", &pid) != 1) {
        char err[4200];
        output_path(err, sizeof err, "stderr");
        char *text = lh_read_file(err, NULL);
        cr_assert_fail("the program did not say it was ready (got '%s'); stderr:\n%s", line,
                 text ? text : "");
    }
    return pid;
}

struct ended {
    int status; /* as a shell reports it */
    char *out, *err;
};

/* Waits for the command, then checks that the program it ran has ended too. */
static struct ended finish(struct started *s, pid_t program)
{
    int status;
    while (waitpid(s->pid, &status, 0) < 0)
        cr_assert_eq(errno, EINTR);
    close(s->ready);
    if (s->terminal >= 0)
        close(s->terminal);
    char out[4200], err[4200];
    output_path(out, sizeof out, "stdout");
    output_path(err, sizeof err, "stderr");
    struct ended e = {WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status),
                      lh_read_file(out, NULL), lh_read_file(err, NULL)};
    cr_assert(e.out && e.err);
    if (kill(program, 0) == 0) {
        kill(program, SIGKILL);
        cr_assert_fail("the program (pid %d) was left running; stderr:\n%s", (int)program, e.err);
    }
    return e;
}

static void ended_free(struct ended *e)
{
    free(e->out);
    free(e->err);
}

static void assert_inversion_reported(const struct ended *e)
{
    cr_assert(strstr(e->err, "lock-order-inversion"), "no inversion reported; stderr:\n%s", e->err);
    cr_assert(strstr(e->err, "lock_a -> lock_b -> lock_a"), "%s", e->err);
    cr_assert(strstr(e->err, "lockhound: run recorded in "), "%s", e->err);
}

Test(run_signals, sigterm_to_lockhound_ends_the_program_and_the_report_is_printed)
{
    struct started s = start((char *[]){LOCKHOUND, "run", "--", WAITER, "inversion", "die",
                                        READY_FD, NULL},
                             false);
    pid_t program = read_ready(&s);
    cr_assert_eq(kill(s.pid, SIGTERM), 0);
    struct ended e = finish(&s, program);
    assert_inversion_reported(&e);
    cr_assert_eq(e.status, 66, "an error was found: the error exit code; stderr:\n%s", e.err);
    ended_free(&e);
}

Test(run_signals, without_findings_lockhound_exits_as_the_program_died_of_the_signal)
{
    struct started s = start((char *[]){LOCKHOUND, "run", "--", WAITER, "quiet", "die", READY_FD,
                                        NULL},
                             false);
    pid_t program = read_ready(&s);
    cr_assert_eq(kill(s.pid, SIGHUP), 0);
    struct ended e = finish(&s, program);
    cr_assert_eq(e.status, 128 + SIGHUP, "stderr:\n%s", e.err);
    cr_assert(strstr(e.err, "ERROR SUMMARY: 0 errors"), "%s", e.err);
    ended_free(&e);
}

/* timeout signals its child (lockhound) and then its whole process group (with the program). Its
 * limit only has to outlast the program's start (a few milliseconds; "ready" is checked): 3 s
 * leave a loaded machine a wide margin. */
Test(run_signals, under_timeout_the_program_ends_and_the_report_is_printed)
{
    struct started s = start((char *[]){"timeout", TIMEOUT_S, LOCKHOUND, "run", "--", WAITER,
                                        "inversion", "die", READY_FD, NULL},
                             false);
    pid_t program = read_ready(&s);
    struct ended e = finish(&s, program);
    cr_assert_eq(e.status, 124, "timeout's own status for a command it timed out; stderr:\n%s",
                 e.err);
    assert_inversion_reported(&e);
    ended_free(&e);
}

/* timeout --foreground signals lockhound only: the program gets the signal from lockhound. */
Test(run_signals, under_timeout_foreground_the_program_ends_and_the_report_is_printed)
{
    struct started s = start((char *[]){"timeout", "--foreground", TIMEOUT_S, LOCKHOUND, "run", "--",
                                        WAITER, "inversion", "die", READY_FD, NULL},
                             false);
    pid_t program = read_ready(&s);
    struct ended e = finish(&s, program);
    cr_assert_eq(e.status, 124, "stderr:\n%s", e.err);
    assert_inversion_reported(&e);
    ended_free(&e);
}

/* The terminal sends ^C's SIGINT to the foreground process group: lockhound and the program. The
 * program must get it once. A later SIGTERM to lockhound is forwarded after any SIGINT lockhound
 * would have forwarded (it handles one signal at a time, in order), so the count the program
 * prints at SIGTERM is final. */
Test(run_signals, ctrl_c_on_the_terminal_reaches_the_program_once)
{
    struct started s = start((char *[]){LOCKHOUND, "run", "--", WAITER, "quiet", "count",
                                        READY_FD, NULL},
                             true);
    pid_t program = read_ready(&s);
    cr_assert_eq(write(s.terminal, "\003", 1), 1);
    char *line = read_line(s.ready);
    cr_assert_str_eq(line, "int", "the program did not get the terminal's SIGINT");
    cr_assert_eq(kill(s.pid, SIGTERM), 0);
    struct ended e = finish(&s, program);
    cr_assert_str_eq(e.out, "SIGINT received 1 time\n", "stderr:\n%s", e.err);
    cr_assert_eq(e.status, 0, "stderr:\n%s", e.err);
    ended_free(&e);
}
