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
  cr_expect_gt(found, 1000, "the tables keep most of its addresses (%zu of 4096)", found);
  cr_expect(lh_destroyed_large(), "more addresses than one page holds map the second level");
  static char never[64];
  cr_expect_not(lh_destroyed_find(never + 8));
  for (int i = 0; i < 8192; i += 2) lh_destroyed_remove(pool + 32 * i);
}

/* A few destroyed objects stay in the first level's page: the second is mapped only when a window
 * there is full. Run alone (a fresh process per test): the tables are process-wide. */
Test(destroyed_objects, a_few_destroyed_objects_stay_in_one_page) {
  static char sems[64 * 32];
  for (int i = 0; i < 64; i++) lh_destroyed_add(sems + 32 * i);
  cr_expect_not(lh_destroyed_large());
  for (int i = 0; i < 64; i++) cr_expect(lh_destroyed_find(sems + 32 * i), "address %d", i);
  for (int i = 0; i < 64; i++) lh_destroyed_remove(sems + 32 * i);
}

/* Addresses destroyed before the second level existed are still found, and removed, after. */
Test(destroyed_objects, the_first_level_is_still_read_once_the_second_is_mapped) {
  static char early[8], pool[4096 * 32];
  lh_destroyed_add(early);
  for (int i = 0; i < 4096; i++) lh_destroyed_add(pool + 32 * i);
  cr_assert(lh_destroyed_large());
  cr_expect(lh_destroyed_find(early));
  lh_destroyed_remove(early);
  cr_expect_not(lh_destroyed_find(early));
  for (int i = 0; i < 4096; i++) lh_destroyed_remove(pool + 32 * i);
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

/* More condvars than the tables hold: a condvar gets its own mutex or nothing - never another's. */
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

/* pigz waits on two dozen condvars at once: they stay in the first level's page (a direct-mapped
 * page overflowed at the first two condvars on one slot, and pigz's waits wrote 48 KiB of the
 * second level). */
Test(cond_mutexes, a_few_dozen_condvars_stay_in_one_page) {
  enum { N = 24 }; /* a window of 8 then overflows with a chance under 1e-6 (48: 2e-4) */
  static char conds[N * 48];
  static int mutexes[N];
  for (int i = 0; i < N; i++) lh_cond_mutex_set(conds + 48 * i, &mutexes[i]);
  cr_expect_not(lh_cond_mutex_large());
  for (int i = 0; i < N; i++)
    cr_expect_eq(lh_cond_mutex_get(conds + 48 * i), (uintptr_t)&mutexes[i], "condvar %d", i);
  for (int i = 0; i < N; i++) lh_cond_mutex_forget_cond(conds + 48 * i);
}

/* A condvar whose pair was in the first level and that waits again with another mutex once the
 * second level is mapped gives the new mutex, never the old one. */
Test(cond_mutexes, a_pair_moved_to_the_second_level_replaces_the_first) {
  static char conds[1024 * 48], early[48];
  static int mutexes[1024], m1, m2;
  lh_cond_mutex_set(early, &m1);
  cr_expect_not(lh_cond_mutex_large(), "one condvar stays in the first page");
  for (int i = 0; i < 1024; i++) lh_cond_mutex_set(conds + 48 * i, &mutexes[i]);
  cr_assert(lh_cond_mutex_large(), "condvars pushing others out map the second level");
  uintptr_t m = lh_cond_mutex_get(early);
  cr_expect(m == 0 || m == (uintptr_t)&m1);
  lh_cond_mutex_set(early, &m2);
  cr_expect_eq(lh_cond_mutex_get(early), (uintptr_t)&m2);
  /* Four times the second level's pairs: early's is pushed out there (but for a chance of e^-4). */
  static char more[4 * LH_COND_MUTEX_LARGE * 48];
  for (int i = 0; i < 4 * LH_COND_MUTEX_LARGE; i++) lh_cond_mutex_set(more + 48 * i, &m1);
  m = lh_cond_mutex_get(early);
  cr_expect(m == 0 || m == (uintptr_t)&m2, "never the first level's older pair");
  for (int i = 0; i < 4 * LH_COND_MUTEX_LARGE; i++) lh_cond_mutex_forget_cond(more + 48 * i);
  lh_cond_mutex_forget_cond(early);
  cr_expect_eq(lh_cond_mutex_get(early), 0, "forgotten from both levels");
  for (int i = 0; i < 1024; i++) lh_cond_mutex_forget_cond(conds + 48 * i);
}
