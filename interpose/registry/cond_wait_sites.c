/* cond_wait_sites.c - see cond_wait_sites.h. */
#include "registry/cond_wait_sites.h"

#include <stdbool.h>
#include <string.h>

#include "base/table_memory.h"
#include "common/vocabulary.h"
#include "registry/object_registry.h"
#include "registry/stack_capture.h"
#include "registry/thread_state.h"
#include "runfile/json_line.h"
#include "runfile/run_file.h"

/* One bit per stack id: set once the site's record is in the run file. Owned by the recorder
 * lock. */
static uint64_t *seen;
static size_t seen_words;

static bool grow_to(uint32_t stack) {
  size_t need = (size_t)stack / 64 + 1;
  if (need <= seen_words) return true;
  size_t words = seen_words ? seen_words : 64;
  while (words < need) words *= 2;
  uint64_t *bigger = lh_table_alloc(words, sizeof *bigger);
  if (!bigger) return false;
  if (seen) memcpy(bigger, seen, seen_words * sizeof *seen);
  lh_table_free(seen, seen_words, sizeof *seen);
  seen = bigger;
  seen_words = words;
  return true;
}

struct site_record {
  int32_t thread;
  uint32_t stack, object;
};

static void fill_site(struct lh_json_line *jl, const void *p) {
  const struct site_record *s = p;
  lh_jl_kv_int(jl, "thread", s->thread);
  lh_jl_kv_int(jl, "stack", s->stack);
  lh_jl_kv_int(jl, "object", s->object);
}

void lh_cond_wait_site_seen(uint32_t stack, const void *cond, uintptr_t pc) {
  if (stack == LH_NO_STACK || !lh_run_file_active()) return;
  if (stack / 64 < seen_words && (seen[stack / 64] >> (stack % 64) & 1)) return;
  if (!grow_to(stack)) return;
  seen[stack / 64] |= 1ull << (stack % 64);
  struct site_record s = {lh_self.id, stack, lh_object_ref(cond, LH_OBJECT_COND, pc)};
  if (s.object == UINT32_MAX) return;
  lh_thread_ensure_written(s.thread);
  lh_stack_ensure_written(s.stack);
  lh_object_ensure_written(s.object);
  lh_run_write("cond_wait_site", fill_site, &s);
}

void lh_cond_wait_sites_mark_unwritten(void) {
  if (seen) memset(seen, 0, seen_words * sizeof *seen);
}
