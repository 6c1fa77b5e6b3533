/* report_sarif.h - the findings as SARIF 2.1.0 (--sarif FILE), for GitHub code scanning and other
 * readers of the OASIS format; the mapping is report_sarif.c's top comment and docs/findings.md. */
#ifndef LH_REPORT_SARIF_H
#define LH_REPORT_SARIF_H

#include <jansson.h>
#include <stddef.h>

/* One SARIF log with one run into path ("-": stdout) whose results are the findings of every
 * report, in order: each a --json document (lh_report_json_document, or what `lockhound run
 * --json` wrote, as `lockhound check` reads it). source_root is an absolute directory: files
 * below it are given relative to it (uriBaseId %SRCROOT%), others as absolute file:// URIs.
 * programs, when not NULL, names each report's program (as the user gave it): every message of
 * its findings ends with " (in PROGRAM)".
 * Returns 0, or -1 after a message on stderr. */
int lh_report_sarif(const char *path, json_t *const *reports, const char *const *programs,
                    size_t nreports, const char *source_root);

/* The SARIF log itself (caller decrefs), for tests and for the writer above. */
json_t *lh_sarif_log(json_t *const *reports, const char *const *programs, size_t nreports,
                     const char *source_root);

#endif
