/* output_file.h - opening and closing one file the analyzer writes (a JSON or HTML report): "-" is
 * stdout, and a write that failed at any point is reported once, at close. Which outputs a command
 * may write, and their collisions, are commands/outputs.h's business. */
#ifndef LH_OUTPUT_FILE_H
#define LH_OUTPUT_FILE_H

#include <stdio.h>

/* Opens an output for writing ("-": stdout); NULL after a message on stderr. */
FILE *lh_output_open(const char *path);
/* Flushes and closes it (stdout is flushed, not closed); a write that failed at any point, or the
 * close, gives one message on stderr and -1. */
int lh_output_close(FILE *out, const char *path);

#endif
