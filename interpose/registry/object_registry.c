/* object_registry.c - see object_registry.h.
 *
 * Memory follows the live objects: a destroyed object is forgotten at once. Nothing keeps an
 * object's id across a recorder-lock section (a finding looks its objects up and writes them in
 * one section), so a destroyed object that was never written gives its id back for the next new
 * one, and a written one leaves only a NULL slot behind (its id stays taken: the run file uses
 * it). */
#include "registry/object_registry.h"

#include <stdlib.h>
#include <string.h>

#include "base/id_pool.h"
#include "base/pointer_table.h"
#include "registry/shared_mappings.h"
#include "registry/stack_capture.h"
#include "runfile/run_file.h"

#define uthash_nonfatal_oom(e) ((void)0)
#include <uthash.h>

struct lh_object {
  uintptr_t addr;
  uint32_t id, stack;
  uint8_t kind;
  unsigned count;
  char *name;
  bool written;
  bool initialised; /* seen in its init call (else first seen in use) */
  bool has_backing; /* in a shared mapping backed by an object (shared_mappings.h) */
  struct lh_backing backing;
  uintptr_t cond_mutex; /* condvars: the mutex of the current waiters */
  uint32_t cond_waiters;
  int32_t cond_thread; /* the waiter that brought cond_mutex, and where it waits */
  uint32_t cond_stack;
  UT_hash_handle hh;
};

/* Owned by the recorder lock. */
static struct lh_object *by_addr;     /* the live object at each address */
static struct lh_pointer_table by_id; /* NULL once destroyed */
static struct lh_id_pool ids; /* forgotten ids that were never written are handed out again */

static struct lh_object *object_at(uint32_t id) { return id < ids.next ? by_id.v[id] : NULL; }

static struct lh_object *add(const void *addr, uint8_t kind, uintptr_t pc) {
  lh_object_destroyed(addr);
  uint32_t id = lh_id_peek(&ids);
  if (id == UINT32_MAX || !lh_pointer_table_reserve(&by_id, id)) return NULL;
  struct lh_object *o = calloc(1, sizeof *o);
  if (!o) return NULL;
  lh_id_take(&ids);
  o->addr = (uintptr_t)addr;
  o->id = id;
  o->kind = kind;
  o->stack = pc ? lh_stack_of_site(pc) : LH_NO_STACK;
  HASH_ADD(hh, by_addr, addr, sizeof o->addr, o);
  by_id.v[id] = o;
  return o;
}

void lh_object_initialised(const void *addr, uint8_t kind, uintptr_t pc, unsigned count,
                           const char *name) {
  struct lh_object *o = add(addr, kind, pc);
  if (!o) return;
  o->initialised = true;
  o->count = count;
  o->name = name ? strdup(name) : NULL;
}

void lh_object_destroyed(const void *addr) {
  uintptr_t a = (uintptr_t)addr;
  struct lh_object *o;
  HASH_FIND(hh, by_addr, &a, sizeof a, o);
  if (!o) return;
  HASH_DEL(by_addr, o);
  by_id.v[o->id] = NULL;
  if (!o->written) {
    lh_id_give_back(&ids, o->id);
  }
  free(o->name);
  free(o);
}

static struct lh_object *find(const void *addr) {
  uintptr_t a = (uintptr_t)addr;
  struct lh_object *o;
  HASH_FIND(hh, by_addr, &a, sizeof a, o);
  return o;
}

uint32_t lh_object_ref(const void *addr, uint8_t kind, uintptr_t pc) {
  struct lh_object *o = find(addr);
  if (!o || o->kind != kind) o = add(addr, kind, pc);
  return o ? o->id : UINT32_MAX;
}

unsigned lh_object_barrier_count(const void *addr) {
  struct lh_object *o = find(addr);
  return o && o->kind == LH_OBJECT_BARRIER ? o->count : 0;
}

uintptr_t lh_object_cond_enter(const void *cond, const void *mutex, uintptr_t pc, int32_t thread,
                               uint32_t stack, int32_t *other_thread, uint32_t *other_stack) {
  lh_object_ref(cond, LH_OBJECT_COND, pc);
  struct lh_object *o = find(cond);
  if (!o) return 0;
  uintptr_t other = o->cond_waiters && o->cond_mutex != (uintptr_t)mutex ? o->cond_mutex : 0;
  *other_thread = o->cond_thread;
  *other_stack = o->cond_stack;
  if (!o->cond_waiters || other) {
    o->cond_thread = thread;
    o->cond_stack = stack;
  }
  o->cond_mutex = (uintptr_t)mutex;
  o->cond_waiters++;
  return other;
}

void lh_object_cond_leave(const void *cond) {
  struct lh_object *o = find(cond);
  if (o && o->cond_waiters) o->cond_waiters--;
}

static void fill_object(struct lh_json_line *jl, const void *p) {
#define NAME(e, name) name,
  static const char *const kinds[] = {LH_OBJECT_KINDS(NAME)};
#undef NAME
  const struct lh_object *o = p;
  lh_jl_kv_int(jl, "id", o->id);
  lh_jl_kv_str(jl, "kind", kinds[o->kind]);
  lh_jl_kv_hex(jl, "addr", o->addr);
  lh_jl_kv_str(jl, "how", o->initialised ? "init" : "static");
  lh_jl_kv_int(jl, "stack", o->stack == LH_NO_STACK ? -1 : (int64_t)o->stack);
  if (o->kind == LH_OBJECT_BARRIER && o->count) lh_jl_kv_int(jl, "count", o->count);
  if (o->name) lh_jl_kv_str(jl, "name", o->name);
  if (o->has_backing) lh_backing_write(jl, &o->backing);
}

void lh_object_ensure_written(uint32_t id) {
  struct lh_object *o = object_at(id);
  if (!o || o->written || !lh_run_file_active()) return;
  lh_stack_ensure_written(o->stack);
  /* Asked once, as it is first written: the identity that makes it one object across the
   * processes of a run (the analyzer keys it by that). */
  lh_mapping_of(o->addr, &o->backing, &o->has_backing);
  o->written = true;
  lh_run_write("object", fill_object, o);
}

void lh_objects_mark_unwritten(void) {
  for (uint32_t i = 0; i < ids.next; i++)
    if (object_at(i)) object_at(i)->written = false;
}
