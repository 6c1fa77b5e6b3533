/* run_loader.h - reading run files (docs/run-file-format.md) into the model. */
#ifndef LH_RUN_LOADER_H
#define LH_RUN_LOADER_H

#include <stdio.h>

#include "model/model.h"

/* Loads one run file into m. Bad records are skipped with a warning on diag, and the notes about a
 * file that was cut short are written there too. Returns 0 when the file was used, -1 when it
 * cannot be used at all (unreadable, not a run file, a newer format); the message is on diag. */
int lh_load_run_file(struct lh_model *m, const char *path, FILE *diag);
/* `lockhound run` saw its program (process pid) killed by signal sig: a run file of that pid
 * without an `end` record is said to have died of it, by name. */
void lh_loader_note_killed(long long pid, int sig);
/* Loads files[0..n) into m, reading a file given twice only once (else its threads would look
 * like other threads, and its lock-order reversals like inversions between runs). Returns 0, or
 * nonzero after the first file that cannot be read, with messages on diag. */
int lh_load_run_files(struct lh_model *m, char *const *files, size_t n, FILE *diag);

/* The same, for run-file text already in memory (the fuzz harness and the tests use it); `name`
 * is the file name the messages give. */
int lh_load_run_text(struct lh_model *m, const char *name, const char *text, size_t len,
                     FILE *diag);

#endif
