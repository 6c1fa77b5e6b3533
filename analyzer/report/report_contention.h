/* report_contention.h - the per-lock contention profile (--contention). */
#ifndef LH_REPORT_CONTENTION_H
#define LH_REPORT_CONTENTION_H

#include <stdio.h>

#include "model/model.h"
#include "report/i18n/messages.h"

/* Writes the profile of m's `contention` records, lock names from names[], lines prefixed, in
 * lang. */
void lh_report_contention(FILE *out, const struct lh_model *m, char **names, const char *prefix,
                          enum lh_lang lang);

#endif
