/* race_report.c - writing data races (race_report.h). */
#include "race/race_report.h"
#include "race/race_alloc.h"

#include <time.h>
#include <uthash.h>

#include "race/race.h"
#include "race/race_heap.h"
#include "race/race_locksets.h"
#include "race/race_shadow.h"
#include "race/race_spin.h"
#include "race/race_stacks.h"
#include "registry/lock_registry.h"
#include "registry/recorder_lock.h"
#include "registry/stack_capture.h"
#include "runfile/json_line.h"
#include "runfile/run_file.h"

#define MAX_REPORTS 10000

struct seen_pair {
  uint64_t key; /* now stack << 32 | before stack */
  UT_hash_handle hh;
};

/* Owned by seen_lock: the pairs already written and their count. */
static lh_spin seen_lock;
static struct seen_pair *seen;
static unsigned nseen;
static unsigned long dropped;

/* True the first time a pair of stacks is seen (and while under the cap). */
static bool first_time(uint32_t now, uint32_t before) {
  uint64_t key = (uint64_t)now << 32 | before;
  bool first = false;
  lh_spin_lock(&seen_lock);
  struct seen_pair *p;
  HASH_FIND(hh, seen, &key, sizeof key, p);
  if (!p && nseen < MAX_REPORTS && (p = __libc_calloc(1, sizeof *p))) {
    p->key = key;
    HASH_ADD(hh, seen, key, sizeof p->key, p);
    nseen++;
    first = true;
  } else if (!p) {
    dropped++;
  }
  lh_spin_unlock(&seen_lock);
  return first;
}

struct side_out {
  int32_t thread;
  uintptr_t addr;
  unsigned size;
  bool write, atomic;
  uint32_t op;    /* enum lh_race_op */
  uint32_t stack; /* lh stack id */
  const struct lh_lockset *locks;
};

struct race_out {
  uintptr_t addr;
  struct side_out side[2];
  bool has_block;
  struct lh_heap_block block;
  uint32_t block_stack;
};

/* Under the recorder lock: the race stack as a run-file stack, written. */
static uint32_t written_stack(uint32_t race_stack) {
  uintptr_t pcs[LH_STACK_MAX];
  uint32_t n = lh_race_stack_pcs(race_stack, pcs, LH_STACK_MAX);
  uint32_t id = lh_stack_of_pcs(pcs, n);
  if (id != LH_NO_STACK) lh_stack_ensure_written(id);
  return id;
}

static void side_of(struct side_out *o, uintptr_t granule, const struct lh_race_side *s) {
  o->thread = (int32_t)lh_cell_slot(s->w0);
  o->addr = granule + lh_cell_off(s->w0);
  o->size = lh_cell_len(s->w0);
  o->write = (s->w0 & LH_CELL_WRITE) != 0;
  o->atomic = (s->w0 & LH_CELL_ATOMIC) != 0;
  o->op = s->op;
  o->stack = written_stack(s->stack);
  o->locks = lh_lockset_get(s->lsid);
  lh_thread_ensure_written(o->thread);
  for (uint32_t i = 0; o->locks && i < o->locks->n; i++)
    lh_lock_ensure_written(o->locks->e[i] >> 1);
}

static void fill_stack_field(struct lh_json_line *jl, uint32_t stack) {
  if (stack == LH_NO_STACK)
    lh_jl_kv_int(jl, "stack", -1);
  else
    lh_jl_kv_int(jl, "stack", stack);
}

static void fill_side(struct lh_json_line *jl, const struct side_out *o) {
  lh_jl_open(jl, '{');
  lh_jl_kv_int(jl, "thread", o->thread);
  lh_jl_kv_hex(jl, "addr", o->addr);
  lh_jl_kv_int(jl, "size", o->size);
  lh_jl_kv_bool(jl, "write", o->write);
  lh_jl_kv_bool(jl, "atomic", o->atomic);
  /* the run file's names of what an access was (docs/run-file-format.md, `race`) */
  static const char *const ops[] = {[LH_RACE_OP_FREE] = "free",
                                    [LH_RACE_OP_SYNC_USE] = "sync-use",
                                    [LH_RACE_OP_SYNC_WRITE] = "sync-init-destroy"};
  if (o->op < sizeof ops / sizeof *ops && ops[o->op]) lh_jl_kv_str(jl, "op", ops[o->op]);
  fill_stack_field(jl, o->stack);
  lh_jl_key(jl, "locks");
  lh_jl_open(jl, '[');
  for (uint32_t i = 0; o->locks && i < o->locks->n; i++) {
    lh_jl_open(jl, '[');
    lh_jl_int(jl, o->locks->e[i] >> 1);
    lh_jl_str(jl, (o->locks->e[i] & 1) ? "r" : "w");
    lh_jl_close(jl, ']');
  }
  lh_jl_close(jl, ']');
  lh_jl_close(jl, '}');
}

static void fill_race(struct lh_json_line *jl, const void *p) {
  const struct race_out *r = p;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  lh_jl_kv_str(jl, "kind", "data-race");
  lh_jl_kv_int(jl, "ns", (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
  lh_jl_kv_str(jl, "action", "continue");
  lh_jl_kv_hex(jl, "addr", r->addr);
  lh_jl_key(jl, "accesses");
  lh_jl_open(jl, '[');
  fill_side(jl, &r->side[0]);
  fill_side(jl, &r->side[1]);
  lh_jl_close(jl, ']');
  if (r->has_block) {
    lh_jl_key(jl, "block");
    lh_jl_open(jl, '{');
    lh_jl_kv_hex(jl, "addr", r->block.addr);
    lh_jl_kv_int(jl, "size", (int64_t)r->block.size);
    lh_jl_kv_int(jl, "thread", r->block.thread);
    fill_stack_field(jl, r->block_stack);
    lh_jl_close(jl, '}');
  }
  lh_jl_key(jl, "threads");
  lh_jl_open(jl, '[');
  for (int i = 0; i < 2; i++) {
    lh_jl_open(jl, '{');
    lh_jl_kv_int(jl, "thread", r->side[i].thread);
    fill_stack_field(jl, r->side[i].stack);
    lh_jl_close(jl, '}');
  }
  lh_jl_close(jl, ']');
}

void lh_race_report_fork_lock(bool take) {
  take ? lh_spin_lock(&seen_lock) : lh_spin_unlock(&seen_lock);
}

void lh_race_report(uintptr_t granule, const struct lh_race_side *now,
                    const struct lh_race_side *before) {
  if (!first_time(now->stack, before->stack)) return;
  lh_self.race.reported++;
  struct race_out out = {0};
  unsigned o1 = lh_cell_off(now->w0), o2 = lh_cell_off(before->w0);
  out.addr = granule + (o1 > o2 ? o1 : o2);
  out.has_block = lh_heap_block_of(out.addr, &out.block);
  lh_recorder_lock();
  if (!lh_run_file_active()) {
    lh_recorder_unlock();
    return;
  }
  side_of(&out.side[0], granule, now);
  side_of(&out.side[1], granule, before);
  if (out.has_block) {
    out.block_stack = written_stack(out.block.stack);
    if (out.block.thread >= 0) lh_thread_ensure_written(out.block.thread);
  }
  lh_run_write("finding", fill_race, &out);
  lh_recorder_unlock();
}
