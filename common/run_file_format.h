/* run_file_format.h - constants of the run file, shared by its writer (interpose/runfile/run_file.c)
 * and its reader (analyzer/model/run_loader.c). docs/run-file-format.md is the full contract; this
 * header only pins the values both halves must agree on. */
#ifndef LH_RUN_FILE_FORMAT_H
#define LH_RUN_FILE_FORMAT_H

#define LH_RUN_FORMAT_NAME "lockhound-run"
#define LH_RUN_FORMAT_VERSION 1
#define LH_RUN_FILE_SUFFIX ".lhrun"
/* SESSION.PID.lhwait: a process's waits for locks in shared mappings, published beside the run
 * files while they last (interpose/watch/shared_waits.h); `lockhound run` removes them at the end. */
#define LH_WAIT_FILE_SUFFIX ".lhwait"

/* In a stack's pcs, a Python frame (a `pyframe` record) stands as LH_PYFRAME_TAG | its id: the
 * top 12 bits set, which no code address of a user-space program has. */
#define LH_PYFRAME_TAG 0xfff0000000000000ull
#define LH_PYFRAME_MAX 0xfffffffffffull

/* Environment the command and the library use to talk to each other. */
#define LH_ENV_RUN_DIR "LOCKHOUND_RUN_DIR"       /* where run files go */
#define LH_ENV_SESSION "LOCKHOUND_SESSION"       /* session id shared by one `lockhound run` */
#define LH_ENV_SUPERVISED "LOCKHOUND_SUPERVISED" /* "1": `lockhound run` reports, not the library */
#define LH_ENV_BIN "LOCKHOUND_BIN"               /* override: path of the lockhound command */
#define LH_ENV_LIB "LOCKHOUND_LIB"               /* override: path of liblockhound.so */

#endif
