/* lock_registry.c - see lock_registry.h.
 *
 * Attributes are read from glibc's public lock layout (pthread_mutex_t.__data.__kind holds the
 * type in its low two bits, the robust flag as 16 and the process-shared flag as 128; an rwlock's
 * __data.__flags is 2 for PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP, the only setting under
 * which a reader waits behind a waiting writer). Reading them at registration covers locks made
 * with an attribute object and statically initialised ones alike. */
#include "registry/lock_registry.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/id_pool.h"
#include "base/own_stack.h"
#include "base/pointer_table.h"
#include "base/raw_syscalls.h"
#include "registry/lock_cache.h"
#include "registry/module_map.h"
#include "registry/recorder_lock.h"
#include "registry/shared_mappings.h"
#include "registry/stack_capture.h"
#include "registry/thread_state.h"
#include "runfile/run_file.h"

#include "base/address_index.h"

#define uthash_nonfatal_oom(e) ((void)0)
#include <uthash.h>

enum lh_lock_how { LH_LOCK_INIT, LH_LOCK_STATIC };

struct lh_lock_rec {
  uintptr_t addr;
  uint32_t id, gen, stack;
  uint8_t kind, how;
  int type; /* glibc mutex kind bits, or C11 mtx type */
  bool alive, written;
  bool in_addr, in_id;       /* in by_addr, in by_id: freed when in neither */
  bool named_at_retire;      /* still named when it went: kept for ever (still_named) */
  bool shared_known, shared; /* may be shared with another process (lh_lock_may_be_shared) */
  bool has_backing;          /* in a shared mapping with a backing object: backing is set */
  struct lh_backing backing;
  uint32_t cls;  /* interned class (kind, attributes, site), LH_NO_CLASS until asked for */
  uint32_t node; /* its node in the lock graph (leaf_tuples.h), LH_LOCK_NO_NODE if none */
  uint32_t refs; /* kept-back tuples naming it: its id stays valid while they are there */
  bool recursive, robust, pshared, prefer_writer;
  uint64_t made; /* how many locks were initialised in this process before it */
};

/* Owned by the recorder lock. */
static struct lh_address_index by_addr; /* the latest lock at each address (struct lh_lock_rec *):
                                          * alive, or a tombstone (address_index.h: neighbours
                                          * together, so walking an array of locks stays cached) */
static struct lh_pointer_table by_id;   /* struct lh_lock_rec *, by id; NULL once forgotten */
static struct lh_id_pool ids; /* forgotten ids that were never written are handed out again */
static uint64_t made_count;   /* locks added so far: their creation order, which ids are not */

static struct lh_lock_rec *lock_at(uint32_t id) { return id < ids.next ? by_id.v[id] : NULL; }

static void read_attributes(struct lh_lock_rec *r, const void *obj) {
  if (r->kind == LH_LOCK_MUTEX || r->kind == LH_LOCK_C11_MUTEX) {
    int k = ((const pthread_mutex_t *)obj)->__data.__kind;
    r->type = k & 3;
    r->recursive = r->type == PTHREAD_MUTEX_RECURSIVE_NP;
    r->robust = k & 16;
    r->pshared = k & 128;
  } else if (r->kind == LH_LOCK_RWLOCK) {
    const pthread_rwlock_t *rw = obj;
    r->prefer_writer = rw->__data.__flags == PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP;
    r->pshared = rw->__data.__shared != 0;
  }
}

/* Lock classes: the kind, attributes and init (or first-use) site of a lock, interned
 * (leaf_tuples.h keys tuples by them). Owned by the recorder lock; bounded by the program's lock
 * sites. */
struct lock_class {
  uint32_t key[5];
  uint32_t id;
  UT_hash_handle hh;
};

static struct lock_class *classes;
static uint32_t nclasses;

/* Something may still name the lock by its id once it is no longer the live lock at its address:
 * a contention profile (written at exit) or a data-race report's lockset, which keep ids of any
 * age, or the calling thread's own held set (a lock destroyed or re-initialised while held: the
 * holder's next tuple lists it). Held by another thread, a mutex cannot be destroyed (EBUSY), and
 * destroying any other held lock is reported as destroy-locked, which writes its record. */
static bool ids_kept_elsewhere; /* lh_locks_named_forever was called; read without the lock */

void lh_locks_named_forever(void) { __atomic_store_n(&ids_kept_elsewhere, true, __ATOMIC_RELEASE); }

static bool still_named(const struct lh_lock_rec *r) {
  return __atomic_load_n(&ids_kept_elsewhere, __ATOMIC_ACQUIRE) ||
         lh_held_find(&lh_self.held, r->addr) >= 0;
}

static void drop_if_unreferenced(struct lh_lock_rec *r) {
  if (!r->in_addr && !r->in_id) free(r);
}

/* r is no longer the live lock at its address (destroyed, or replaced by a new init). Its id
 * stays valid while something may name it (still_named). Otherwise it is forgotten: a written
 * lock keeps its id for ever (the run file uses it), an unwritten one gives its id back for the
 * next new lock. The record stays in by_addr as a tombstone only when its generation matters:
 * at a global or static address (the analyzer merges such locks across runs by address and
 * generation, so every lock there is counted; there are only so many such addresses), or when
 * some lock at this address was written (so that a later one gets a higher gen). Memory then
 * follows the locks that are alive or written, not every lock ever initialised - and those that
 * tuples kept back still name (refs), which the lock graph lets go as soon as they can be on no
 * cycle (a destroyed leaf or chain end at once). */
static void forget(struct lh_lock_rec *r, bool named);

/* The lock graph's step for a node whose lock went (lh_locks_on_retire); set once at start-up. */
static void (*node_gone)(uint32_t node);

void lh_locks_on_retire(void (*gone)(uint32_t node)) { node_gone = gone; }

static void retire(struct lh_lock_rec *r) {
  r->alive = false;
  bool named = still_named(r);
  r->named_at_retire = named;
  if (!named && r->node != LH_LOCK_NO_NODE) {
    /* No edge will come to or from it: the graph may drop it, and the kept-back tuples that can
     * no longer be on a cycle with it (leaf_tuples.h). Pinned meanwhile: those tuples name it. */
    uint32_t node = r->node;
    r->node = LH_LOCK_NO_NODE;
    r->refs++;
    if (node_gone) node_gone(node);
    r->refs--;
  }
  forget(r, named);
}

/* Forgets what can be forgotten of a lock that is no longer alive (see retire). A lock that
 * kept-back tuples name keeps its id and record until the last of them goes (lh_lock_unref). */
static void forget(struct lh_lock_rec *r, bool named) {
  if (r->in_id && !named && r->refs == 0) {
    by_id.v[r->id] = NULL;
    r->in_id = false;
    if (!r->written) {
      lh_id_give_back(&ids, r->id);
    }
  }
  if (r->in_addr && !r->written && r->gen == 0 && !lh_modules_contains(r->addr)) {
    lh_address_index_remove(&by_addr, r->addr);
    r->in_addr = false;
  }
  drop_if_unreferenced(r);
}

/* A new lock at obj, replacing whatever was registered there. */
static struct lh_lock_rec *add(const void *obj, uint8_t kind, uint8_t how, uintptr_t pc) {
  uintptr_t addr = (uintptr_t)obj;
  struct lh_lock_rec *old = lh_address_index_find(&by_addr, addr);
  uint32_t id = lh_id_peek(&ids);
  if (id == UINT32_MAX || !lh_pointer_table_reserve(&by_id, id)) return NULL;
  struct lh_lock_rec *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  lh_id_take(&ids);
  r->addr = addr;
  r->id = id;
  r->kind = kind;
  r->how = how;
  r->made = made_count++;
  r->alive = true;
  r->cls = LH_NO_CLASS;
  r->node = LH_LOCK_NO_NODE;
  r->stack = lh_stack_of_site(pc);
  read_attributes(r, obj);
  /* The address names the new record before the old one may be freed. Without memory for the
   * entry, it names nothing rather than the old record. */
  r->in_addr = lh_address_index_put(&by_addr, addr, r);
  if (!r->in_addr && old) lh_address_index_remove(&by_addr, addr);
  if (old) {
    r->gen = old->gen + 1;
    old->in_addr = false;
    lh_lock_epoch_bump(addr);
    if (old->alive)
      retire(old); /* re-initialised without a destroy */
    else
      drop_if_unreferenced(old);
  }
  by_id.v[id] = r;
  r->in_id = true;
  return r;
}

static void cache(const struct lh_lock_rec *r) {
  if (!lh_self.locks && !(lh_self.locks = calloc(1, sizeof *lh_self.locks)))
    return; /* no cache: every look-up takes this path */
  struct lh_lock_cache_entry *e =
      &lh_self.locks->e[lh_addr_hash(r->addr) & (LH_LOCK_CACHE_SIZE - 1)];
  e->addr = r->addr;
  e->id = r->id;
  e->epoch = lh_lock_epoch_of(r->addr);
}

struct lookup_ctx {
  const void *obj;
  uint8_t kind;
  uintptr_t pc;
  uint32_t id;
};

static void look_up(void *p) { /* on lockhound's own stack (own_stack.h) */
  struct lookup_ctx *c = p;
  uintptr_t addr = (uintptr_t)c->obj;
  struct lh_lock_rec *r = lh_address_index_find(&by_addr, addr);
  if (!r || !r->alive || r->kind != c->kind) r = add(c->obj, c->kind, LH_LOCK_STATIC, c->pc);
  if (r) {
    cache(r);
    c->id = r->id;
  }
}

uint32_t lh_lock_id(const void *obj, uint8_t kind, uintptr_t pc) {
  struct lh_lock_cache_entry *e = lh_lock_cache_hit(lh_self.locks, (uintptr_t)obj);
  if (__builtin_expect(e != NULL, 1)) {
    return e->id;
  }
  struct lookup_ctx c = {obj, kind, pc, UINT32_MAX};
  lh_recorder_lock();
  lh_own_stack_call(look_up, &c); /* add() may retire a lock, which may write tuples */
  lh_recorder_unlock();
  return c.id;
}

struct init_ctx {
  const void *obj;
  uint8_t kind;
  uintptr_t pc;
};

static void initialised(void *p) { /* on lockhound's own stack (own_stack.h) */
  const struct init_ctx *c = p;
  add(c->obj, c->kind, LH_LOCK_INIT, c->pc);
}

void lh_lock_initialised(const void *obj, uint8_t kind, uintptr_t pc) {
  /* A lock initialised again while this thread believed it held: it is a fresh, free lock now.
   * Other threads' held sets are their own; each forgets such an entry when it next takes a lock
   * at that address (the lock id differs: recorder.c) or, before blocking, when glibc says it
   * does not hold it (blocking.c). */
  int i = lh_held_find(&lh_self.held, (uintptr_t)obj);
  if (i >= 0) lh_held_remove(&lh_self.held, i);
  struct init_ctx c = {obj, kind, pc};
  lh_recorder_lock();
  lh_own_stack_call(initialised, &c);
  lh_recorder_unlock();
}

struct destroy_ctx {
  uint32_t lock;
  int32_t thread;
  uint32_t stack;
};

static void fill_destroy(struct lh_json_line *jl, const void *p) {
  const struct destroy_ctx *d = p;
  lh_jl_kv_int(jl, "lock", d->lock);
  lh_jl_kv_int(jl, "thread", d->thread);
  lh_jl_kv_int(jl, "stack", d->stack == LH_NO_STACK ? -1 : (int64_t)d->stack);
}

struct destroyed_ctx {
  const void *obj;
  uintptr_t pc;
};

static void destroyed(void *p) { /* on lockhound's own stack (own_stack.h) */
  const struct destroyed_ctx *c = p;
  uintptr_t addr = (uintptr_t)c->obj;
  struct lh_lock_rec *r = lh_address_index_find(&by_addr, addr);
  if (r && r->alive) {
    lh_lock_epoch_bump(addr);
    if (r->written) {
      struct destroy_ctx d = {r->id, lh_self.id, lh_stack_here_at(c->pc)};
      lh_thread_ensure_written(lh_self.id);
      lh_stack_ensure_written(d.stack);
      lh_run_write("destroy", fill_destroy, &d);
    }
    retire(r);
  }
}

void lh_lock_destroyed(const void *obj, uintptr_t pc) {
  struct destroyed_ctx c = {obj, pc};
  lh_recorder_lock();
  lh_own_stack_call(destroyed, &c);
  lh_recorder_unlock();
}

static const char *kind_name(uint8_t kind) {
#define NAME(e, name) name,
  static const char *const names[] = {LH_LOCK_KINDS(NAME)};
#undef NAME
  return kind < LH_LOCK_KIND_COUNT ? names[kind] : names[LH_LOCK_MUTEX];
}

static const char *type_name(const struct lh_lock_rec *r) {
  static const char *const mutex_types[] = {"normal", "recursive", "errorcheck", "adaptive"};
  if (r->kind == LH_LOCK_MUTEX || r->kind == LH_LOCK_C11_MUTEX) return mutex_types[r->type & 3];
  return NULL;
}

static void learn_sharing(struct lh_lock_rec *r);

static void fill_lock(struct lh_json_line *jl, const void *p) {
  const struct lh_lock_rec *r = p;
  lh_jl_kv_int(jl, "id", r->id);
  lh_jl_kv_str(jl, "kind", kind_name(r->kind));
  lh_jl_kv_hex(jl, "addr", r->addr);
  lh_jl_kv_int(jl, "gen", r->gen);
  lh_jl_kv_str(jl, "how", r->how == LH_LOCK_INIT ? "init" : "static");
  lh_jl_kv_int(jl, "stack", r->stack == LH_NO_STACK ? -1 : (int64_t)r->stack);
  const char *type = type_name(r);
  if (type) lh_jl_kv_str(jl, "type", type);
  if (r->robust) lh_jl_kv_bool(jl, "robust", true);
  if (r->pshared) lh_jl_kv_bool(jl, "pshared", true);
  if (r->kind == LH_LOCK_RWLOCK) lh_jl_kv_str(jl, "prefer", r->prefer_writer ? "writer" : "reader");
  if (r->has_backing) lh_backing_write(jl, &r->backing);
  /* Python locks are named after the source line that made them, several by one line (a list,
   * a class's instances): the analyzer numbers those in creation order */
  if (r->kind == LH_LOCK_PYTHON) lh_jl_kv_int(jl, "made", (int64_t)r->made);
}

void lh_lock_ensure_written(uint32_t id) {
  struct lh_lock_rec *r = lock_at(id);
  if (!r || r->written || !lh_run_file_active()) return;
  lh_stack_ensure_written(r->stack);
  learn_sharing(r);
  r->written = true;
  lh_run_write("lock", fill_lock, r);
}

void lh_locks_mark_unwritten(void) {
  for (uint32_t i = 0; i < ids.next; i++)
    if (lock_at(i)) lock_at(i)->written = false;
}

uint64_t lh_locks_made(void) { return made_count; }

bool lh_lock_is_live(uintptr_t addr, uint32_t id) {
  struct lh_lock_rec *r = lh_address_index_find(&by_addr, addr);
  return r && r->alive && r->id == id;
}

uint32_t lh_lock_class(uint32_t id) {
  struct lh_lock_rec *r = lock_at(id);
  if (!r) return LH_NO_CLASS;
  if (r->cls != LH_NO_CLASS) return r->cls;
  struct lock_class probe = {.key = {r->kind, r->how, (uint32_t)r->type,
                                     r->robust | r->pshared << 1 | r->prefer_writer << 2,
                                     r->stack}};
  struct lock_class *c;
  HASH_FIND(hh, classes, probe.key, sizeof probe.key, c);
  if (!c) {
    if (!(c = malloc(sizeof *c))) return LH_NO_CLASS;
    memcpy(c->key, probe.key, sizeof c->key);
    c->id = nclasses++;
    HASH_ADD(hh, classes, key, sizeof c->key, c);
  }
  return r->cls = c->id;
}

uint32_t lh_lock_node(uint32_t id) {
  struct lh_lock_rec *r = lock_at(id);
  return r ? r->node : LH_LOCK_NO_NODE;
}

void lh_lock_set_node(uint32_t id, uint32_t node) {
  struct lh_lock_rec *r = lock_at(id);
  if (r) r->node = node;
}

void lh_lock_ref(uint32_t id) {
  struct lh_lock_rec *r = lock_at(id);
  if (r) r->refs++;
}

void lh_lock_unref(uint32_t id) {
  struct lh_lock_rec *r = lock_at(id);
  if (r && r->refs > 0 && --r->refs == 0 && !r->alive && !r->named_at_retire) forget(r, false);
}

/* ---- may a lock be shared with another process? ----
 * The pshared attribute says so; a lock in a MAP_SHARED mapping may be too (glibc's plain
 * mutexes work across processes in practice); an address in no mapping known is taken for
 * shared (assume the worst). A lock in a shared mapping backed by an object also gets that
 * object's identity (shared_mappings.h), written in its record, by which the analyzer makes it
 * one lock across the processes of a run. Asked once per lock (a new lock's tuple, its record). */
static void learn_sharing(struct lh_lock_rec *r) {
  if (r->shared_known) return;
  bool has_backing;
  enum lh_mapping_kind k = lh_mapping_of(r->addr, &r->backing, &has_backing);
  r->shared = r->pshared || k != LH_MAPPING_PRIVATE;
  r->has_backing = has_backing;
  r->shared_known = true;
}

bool lh_lock_may_be_shared(uint32_t id) {
  struct lh_lock_rec *r = lock_at(id);
  if (!r) return true;
  learn_sharing(r);
  return r->shared;
}

bool lh_lock_backing(uint32_t id, struct lh_backing *out) {
  struct lh_lock_rec *r = lock_at(id);
  if (!r) return false;
  learn_sharing(r);
  if (r->has_backing) *out = r->backing;
  return r->has_backing;
}
