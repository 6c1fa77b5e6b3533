/* The addresses of destroyed semaphores and condvars (interpose/registry/destroyed_objects.h) and
 * the condvar -> mutex table (interpose/registry/cond_mutexes.h): lock-free caches that may forget
 * but never invent. */
#include <criterion/criterion.h>

#include "registry/cond_mutexes.h"
#include "registry/destroyed_objects.h"

/* The tables are process-wide: each test uses addresses of its own. */

Test(destroyed_objects, an_address_is_destroyed_from_its_destroy_until_its_next_init) {
  static char sem[128];
  cr_expect_not(lh_destroyed_find(sem));
  lh_destroyed_add(sem);
  cr_expect(lh_destroyed_maybe(sem));
  cr_expect_not(lh_destroyed_find(sem + 64), "only that address");
  lh_destroyed_remove(sem);
  cr_expect_not(lh_destroyed_find(sem));
  lh_destroyed_add(sem);
  cr_expect(lh_destroyed_find(sem), "destroyed again after a second life");
  lh_destroyed_remove(sem);
}

/* 32-byte semaphores side by side, many more than a window: every address still destroyed is
 * either found or forgotten, an address initialised again is never found, and one never destroyed
 * is never found. */
Test(destroyed_objects, an_overfull_table_forgets_but_never_invents) {
  static char pool[8192 * 32];
  for (int i = 0; i < 8192; i++) lh_destroyed_add(pool + 32 * i);
  size_t found = 0;
  for (int i = 0; i < 8192; i++) {
    if (i % 2) lh_destroyed_remove(pool + 32 * i);
  }
  for (int i = 0; i < 8192; i++) {
    bool f = lh_destroyed_find(pool + 32 * i);
    if (i % 2) cr_assert_not(f, "address %d was initialised again", i);
    found += f;
  }
  cr_expect_gt(found, 1000, "the table keeps most of its addresses (%zu of 4096)", found);
  static char never[64];
  cr_expect_not(lh_destroyed_find(never + 8));
  for (int i = 0; i < 8192; i += 2) lh_destroyed_remove(pool + 32 * i);
}

Test(cond_mutexes, a_condvar_gives_the_mutex_of_its_last_wait_until_its_destroy) {
  static char cond[48], cond2[48], m1[40], m2[40];
  cr_expect_eq(lh_cond_mutex_get(cond), 0);
  lh_cond_mutex_set(cond, m1);
  cr_expect_eq(lh_cond_mutex_get(cond), (uintptr_t)m1);
  lh_cond_mutex_set(cond, m2);
  cr_expect_eq(lh_cond_mutex_get(cond), (uintptr_t)m2);
  cr_expect_eq(lh_cond_mutex_get(cond2), 0, "another condvar has none");
  lh_cond_mutex_forget_cond(cond2); /* forgetting another condvar keeps this one */
  cr_expect_eq(lh_cond_mutex_get(cond), (uintptr_t)m2);
  lh_cond_mutex_forget_cond(cond);
  cr_expect_eq(lh_cond_mutex_get(cond), 0);
}

/* Two condvars on one slot: the later one wins, and the other one gets nothing - never the
 * other's mutex. */
Test(cond_mutexes, condvars_sharing_a_slot_never_get_each_others_mutex) {
  static char conds[4096 * 48];
  static int mutexes[4096];
  for (int i = 0; i < 4096; i++) lh_cond_mutex_set(conds + 48 * i, &mutexes[i]);
  size_t known = 0;
  for (int i = 0; i < 4096; i++) {
    uintptr_t m = lh_cond_mutex_get(conds + 48 * i);
    cr_assert(m == 0 || m == (uintptr_t)&mutexes[i], "condvar %d got another's mutex", i);
    known += m != 0;
  }
  cr_expect_gt(known, 0);
  for (int i = 0; i < 4096; i++) lh_cond_mutex_forget_cond(conds + 48 * i);
}
