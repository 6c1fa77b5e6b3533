/* run_file.h - the process's run file: where it goes, creating it safely, appending records.
 *
 * docs/run-file-format.md is the format. Every record is built in memory (json_line.h) and
 * written with one write(2) on an O_APPEND descriptor as soon as it is known, so nothing already
 * recorded is lost when the process dies abruptly. Under `lockhound run` (LOCKHOUND_SUPERVISED)
 * the file is opened at start-up, so that even a program that never locks has a run file; a
 * program preloaded by hand opens it at its first record, so that processes that never touch a
 * lock (a shell, make) leave nothing behind. All functions run under the recorder lock. */
#ifndef LH_RUN_FILE_H
#define LH_RUN_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/warnings.h" /* lh_warn: many writers of records warn too */
#include "runfile/json_line.h"

typedef void (*lh_record_fill)(struct lh_json_line *jl, const void *ctx);

/* Reads the environment; opens the file now when supervised. first_records writes what every
 * new file begins with after its header (the module map: lifecycle.c passes it, as the run file
 * knows nothing of what goes into it); it is called under the recorder lock. */
void lh_run_file_start(void (*first_records)(void));
/* Opens the file if it is not open yet; false when recording is off (a refused directory, a
 * failed open: said once on stderr) or already finished. */
bool lh_run_file_active(void);
/* Appends one record {"t":type, ...fill...}. */
void lh_run_write(const char *type, lh_record_fill fill, const void *ctx);
/* Whether records written now go into a file that is open and not finished. */
bool lh_run_file_writing(void);
/* The race detector runs in this process: the `end` record will say so ("races": true). */
void lh_run_file_note_races(void);
/* Writes the `end` record and closes the file; returns its path, or NULL if none was made.
 * how is how the process ends ("exit", "_exit", "exec", "signal"), sig the fatal signal (0: none):
 * the `end` record says both. The records before it (call counts, profile) are the caller's. */
const char *lh_run_file_finish(const char *how, int sig);
/* After an exec that failed: recording goes on, in a new file that repeats what it refers to
 * (the caller first marks every record unwritten; the same in a fork child). */
void lh_run_file_resume(void);
/* Whether the calling process is the one this run file belongs to (not a vfork or clone child
 * that shares lockhound's memory without going through the fork wrapper). */
bool lh_run_file_owner(void);
/* In a fork child: forgets the parent's file; the child's own file starts at its next record. */
/* The fork point: the parent's pid, and the thread that forked with its segment at the fork
 * (the child's records come after everything the parent's thread did up to there). */
void lh_run_file_fork_child(unsigned fork_number, pid_t parent, int32_t thread, uint32_t seg);
bool lh_run_supervised(void);
/* The run directory, opened and checked as for the run file (a descriptor the caller closes), or
 * -1 (said on stderr); and the session id: for files beside the run files (watch/shared_waits.c).
 * Under the recorder lock. */
int lh_run_dir_open(void);
const char *lh_run_session(void);

#endif
