/* lock_names.h - names for locks that a reader recognises. */
#ifndef LH_LOCK_NAMES_H
#define LH_LOCK_NAMES_H

#include "model/model.h"
#include "symbols/symbolize.h"

/* One name per model lock (see lock_names.c). The array and its strings are the caller's. */
char **lh_lock_names(struct lh_symbolizer *sym, const struct lh_model *m);
/* The same for model objects (free with lh_lock_names_free(names, m->nobjects)). */
char **lh_object_names(struct lh_symbolizer *sym, const struct lh_model *m);
void lh_lock_names_free(char **names, size_t n);

/* Names in a few words, for a sentence: the items of one list share one name with their indices
 * ("accounts[0..4].mtx", "forks[0,2]"), the others as they are, separated by ", ", in the order
 * of their first appearance. Caller frees. */
char *lh_names_compact(const char *const *names, size_t n);

#endif
