/* test_race_loader.c - reading `finding` records of kind data-race: what the model keeps of a
 * good one (the memory, a heap block, both accesses with their locks), and every way a bad one is
 * refused with its message (docs/run-file-format.md). A damaged record never crashes the loader.
 * The run is run_text.h's standard one: module /bin/prog holds [0x1000, 0x9000), so 0x8100 is a
 * global and 0xa000 is not; threads 1 and 2; locks 0 and 1. */
#include <criterion/criterion.h>

#include "../fixtures/runs/run_text.h"
#include "analysis/race_findings.h"

#define W1                                                                                         \
  "{'thread':1,'addr':'0x8100','size':4,'write':true,'atomic':false,'stack':1,'locks':[[0,'w']]}"
#define R2 "{'thread':2,'addr':'0x8100','size':4,'write':false,'atomic':false,'stack':2,'locks':[]}"

struct loaded {
  struct lh_model *m;
  char *diag;
  unsigned line; /* the line of the record under test */
};

/* The standard run plus one data-race record: addr 0x8100, the given accesses and extra fields. */
static struct loaded load_race(const char *addr, const char *accesses, const char *extra) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  struct loaded l = {.m = lh_model_new()};
  for (size_t i = 0; i < rb.len; i++) l.line += rb.buf[i] == '\n';
  l.line++;
  rb_add(&rb,
         "{'t':'finding','kind':'data-race','ns':5,'action':'continue','addr':'%s','accesses':%s,"
         "'threads':[{'thread':1,'stack':1},{'thread':2,'stack':2}]%s}",
         addr, accesses, extra);
  rb_end(&rb);
  rb_load_all(l.m, &rb, 1, &l.diag);
  lh_model_finish(l.m);
  free(rb.buf);
  return l;
}

static void unload(struct loaded *l) {
  lh_model_free(l->m);
  free(l->diag);
}

static void assert_skipped(const char *accesses, const char *extra, const char *why) {
  struct loaded l = load_race("0x8100", accesses, extra);
  char want[512];
  snprintf(want, sizeof want, ":%u: %s; record skipped\n", l.line, why);
  cr_assert(strstr(l.diag, want), "want '%s' in: %s", want, l.diag);
  cr_assert_eq(l.m->nincidents, 0);
  unload(&l);
}

/* ---- good records ---- */

Test(race_loader, a_race_on_a_global_keeps_both_accesses_and_its_place_in_the_module) {
  struct loaded l = load_race("0x8102", "[" W1 "," R2 "]", "");
  cr_assert_str_eq(l.diag, "", "%s", l.diag);
  cr_assert_eq(l.m->nincidents, 1);
  const struct lh_incident *x = &l.m->incidents[0];
  cr_assert_eq(x->kind, LH_FINDING_DATA_RACE);
  const struct lh_race *r = x->race;
  cr_assert_not_null(r);
  cr_assert_eq(r->addr, 0x8102);
  cr_assert_eq(r->module, 0);
  cr_assert_eq(r->rel, 0x7102, "relative to the load bias 0x1000");
  cr_assert_not(r->heap);
  const struct lh_access *w = &r->access[0], *rd = &r->access[1];
  cr_assert_eq(l.m->threads[w->thread].id, 1);
  cr_assert_eq(w->addr, 0x8100);
  cr_assert_eq(w->size, 4);
  cr_assert(w->write);
  cr_assert_not(w->atomic);
  cr_assert_eq(w->nlocks, 1);
  cr_assert_eq(w->locks[0].lock, 0);
  cr_assert_eq(w->locks[0].mode, LH_MODE_WRITE);
  cr_assert_eq(l.m->stacks[w->stack].frames[0].rel, 0x1110 - 0x1000);
  cr_assert_eq(l.m->threads[rd->thread].id, 2);
  cr_assert_not(rd->write);
  cr_assert_eq(rd->nlocks, 0);
  unload(&l);
}

Test(race_loader, a_race_in_a_heap_block_keeps_the_block_and_no_module) {
  struct loaded l = load_race("0xa010", "[" W1 "," R2 "]",
                              ",'block':{'addr':'0xa000','size':48,'thread':0,'stack':5}");
  /* the accesses are at 0x8100, which does not touch 0xa010 */
  cr_assert_eq(l.m->nincidents, 0);
  unload(&l);
  const char *acc = "[{'thread':1,'addr':'0xa010','size':8,'write':true,'stack':1},"
                    "{'thread':2,'addr':'0xa010','size':8,'stack':2,'atomic':true}]";
  l = load_race("0xa010", acc, ",'block':{'addr':'0xa000','size':48,'thread':0,'stack':5}");
  cr_assert_str_eq(l.diag, "", "%s", l.diag);
  cr_assert_eq(l.m->nincidents, 1);
  const struct lh_race *r = l.m->incidents[0].race;
  cr_assert(r->heap);
  cr_assert_eq(r->module, LH_NONE);
  cr_assert_eq(r->block_addr, 0xa000);
  cr_assert_eq(r->block_size, 48);
  cr_assert_eq(l.m->threads[r->block_thread].id, 0);
  cr_assert_neq(r->block_stack, LH_NONE);
  cr_assert(r->access[1].atomic, "an atomic read against a plain write races");
  cr_assert_eq(r->access[1].nlocks, 0, "locks may be left out");
  unload(&l);
}

Test(race_loader, a_race_outside_every_module_and_block_is_other_memory) {
  const char *acc = "[{'thread':1,'addr':'0xa000','size':4,'write':true,'stack':1},"
                    "{'thread':2,'addr':'0xa000','size':4,'stack':2}]";
  struct loaded l = load_race("0xa000", acc, "");
  cr_assert_eq(l.m->nincidents, 1);
  cr_assert_eq(l.m->incidents[0].race->module, LH_NONE);
  cr_assert_not(l.m->incidents[0].race->heap);
  unload(&l);
}

Test(race_loader, a_lock_both_hold_for_reading_does_not_keep_them_apart) {
  const char *acc =
      "[{'thread':1,'addr':'0x8100','size':4,'write':true,'stack':1,'locks':[[1,'r']]},"
      "{'thread':2,'addr':'0x8100','size':4,'stack':2,'locks':[[1,'r'],[0,'w']]}]";
  struct loaded l = load_race("0x8100", acc, "");
  cr_assert_str_eq(l.diag, "", "%s", l.diag);
  cr_assert_eq(l.m->nincidents, 1);
  cr_assert_eq(l.m->incidents[0].race->access[1].nlocks, 2);
  unload(&l);
}

Test(race_loader, a_free_and_a_use_of_a_lock_say_what_they_were) {
  const char *acc =
      "[{'thread':1,'addr':'0x8100','size':8,'write':true,'op':'free','stack':1},"
      "{'thread':2,'addr':'0x8100','size':1,'atomic':true,'op':'sync-use','stack':2}]";
  struct loaded l = load_race("0x8100", acc, "");
  cr_assert_str_eq(l.diag, "", "%s", l.diag);
  cr_assert_eq(l.m->incidents[0].race->access[0].op, LH_ACCESS_FREE);
  cr_assert_eq(l.m->incidents[0].race->access[1].op, LH_ACCESS_SYNC_USE);
  unload(&l);
}

Test(race_loader, an_access_without_op_is_the_programs_own) {
  struct loaded l = load_race("0x8100", "[" W1 "," R2 "]", "");
  cr_assert_eq(l.m->incidents[0].race->access[0].op, LH_ACCESS_PLAIN);
  unload(&l);
}

Test(race_loader, an_unknown_op_skips_the_record) {
  assert_skipped("[{'thread':1,'addr':'0x8100','size':4,'write':true,'op':'poke','stack':1},"
                 "{'thread':2,'addr':'0x8100','size':4,'stack':2}]",
                 "", "access entry 0: unknown op 'poke'");
}

Test(race_loader, other_finding_kinds_have_no_race) {
  struct rb rb = {0};
  rb_standard(&rb, 2, 2);
  rb_deadlock(&rb, "deadlock", 1);
  rb_end(&rb);
  struct lh_model *m = rb_model(&rb, NULL);
  free(rb.buf);
  cr_assert_eq(m->nincidents, 1);
  cr_assert_null(m->incidents[0].race);
  lh_model_free(m);
}

/* ---- bad records ---- */

Test(race_loader, a_race_without_its_two_accesses_is_skipped) {
  const char *why = "a data race needs 'accesses': an array of its two access entries";
  assert_skipped("[" W1 "]", "", why);
  assert_skipped("[" W1 "," R2 "," R2 "]", "", why);
  assert_skipped("{}", "", why);
}

Test(race_loader, a_race_without_an_address_is_skipped) {
  struct loaded l = load_race("8100", "[" W1 "," R2 "]", "");
  cr_assert(strstr(l.diag, "addr is not a 0x-prefixed hexadecimal address; record skipped"), "%s",
            l.diag);
  cr_assert_eq(l.m->nincidents, 0);
  unload(&l);
}

Test(race_loader, an_access_that_is_not_an_object_is_skipped) {
  assert_skipped("[" W1 ",7]", "", "access entry 1 is not an object");
}

Test(race_loader, an_access_by_an_unknown_thread_is_skipped) {
  assert_skipped("[" W1 ",{'thread':9,'addr':'0x8100','size':4,'stack':2}]", "",
                 "thread 9 refers to no earlier record");
}

Test(race_loader, an_access_of_no_bytes_is_skipped) {
  assert_skipped("[" W1 ",{'thread':2,'addr':'0x8100','size':0,'stack':2}]", "",
                 "field 'size' is out of range (0)");
}

Test(race_loader, an_access_without_a_stack_field_is_skipped) {
  assert_skipped("[" W1 ",{'thread':2,'addr':'0x8100','size':4}]", "", "field 'stack' is missing");
}

Test(race_loader, an_access_whose_locks_are_not_an_array_is_skipped) {
  assert_skipped("[" W1 ",{'thread':2,'addr':'0x8100','size':4,'stack':2,'locks':3}]", "",
                 "field 'locks' is not an array");
}

Test(race_loader, a_held_lock_that_is_no_pair_is_skipped) {
  assert_skipped("[" W1 ",{'thread':2,'addr':'0x8100','size':4,'stack':2,'locks':[[0,'w',1]]}]", "",
                 "lock entry 0 of an access is not a [lock, mode] pair");
}

Test(race_loader, a_held_lock_never_recorded_is_skipped) {
  assert_skipped("[" W1 ",{'thread':2,'addr':'0x8100','size':4,'stack':2,'locks':[[7,'w']]}]", "",
                 "an access's lock 7 refers to no earlier record");
}

Test(race_loader, a_held_lock_of_an_unknown_mode_is_skipped) {
  assert_skipped("[" W1 ",{'thread':2,'addr':'0x8100','size':4,'stack':2,'locks':[[1,'x']]}]", "",
                 "an access's lock mode is not \"r\" or \"w\"");
}

Test(race_loader, two_accesses_by_one_thread_are_skipped) {
  assert_skipped("[" W1 ",{'thread':1,'addr':'0x8100','size':4,'stack':2}]", "",
                 "the two accesses of a data race are by the same thread");
}

Test(race_loader, two_reads_or_two_atomic_accesses_are_skipped) {
  const char *why = "these two accesses cannot race (both reads, or both atomic)";
  assert_skipped("[{'thread':1,'addr':'0x8100','size':4,'stack':1}," R2 "]", "", why);
  assert_skipped("[{'thread':1,'addr':'0x8100','size':4,'write':true,'atomic':true,'stack':1},"
                 "{'thread':2,'addr':'0x8100','size':4,'atomic':true,'stack':2}]",
                 "", why);
}

Test(race_loader, accesses_under_a_common_lock_are_skipped) {
  assert_skipped("[" W1 ",{'thread':2,'addr':'0x8100','size':4,'stack':2,'locks':[[0,'r']]}]", "",
                 "these two accesses hold a common lock, so they cannot race");
}

Test(race_loader, an_access_that_misses_the_raced_byte_is_skipped) {
  assert_skipped("[" W1 ",{'thread':2,'addr':'0x8104','size':4,'stack':2}]", "",
                 "access entry 1 does not touch 'addr'");
}

Test(race_loader, a_block_that_is_not_an_object_is_skipped) {
  assert_skipped("[" W1 "," R2 "]", ",'block':[1]", "field 'block' is not an object");
}

Test(race_loader, a_block_that_does_not_hold_the_raced_byte_is_skipped) {
  assert_skipped("[" W1 "," R2 "]", ",'block':{'addr':'0x8000','size':16,'thread':0,'stack':5}",
                 "the block does not hold 'addr'");
}

Test(race_loader, a_block_of_no_bytes_or_from_an_unknown_stack_is_skipped) {
  assert_skipped("[" W1 "," R2 "]", ",'block':{'addr':'0x8100','size':0}",
                 "field 'size' is out of range (0)");
  assert_skipped("[" W1 "," R2 "]", ",'block':{'addr':'0x8100','size':8,'stack':99}",
                 "stack 99 refers to no earlier record");
}

/* ---- damage ---- */

Test(race_loader, a_race_record_cut_or_garbled_anywhere_never_crashes_the_loader) {
  const char *good =
      "{'t':'finding','kind':'data-race','action':'continue','addr':'0xa010','accesses':[" W1 ","
      "{'thread':2,'addr':'0xa010','size':8,'stack':2,'locks':[[1,'r']]}],'threads':[{'thread':1}],"
      "'block':{'addr':'0xa000','size':48,'thread':0,'stack':5}}";
  size_t n = strlen(good);
  static const char replacements[] = "\"0-9]{x,:";
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k <= sizeof replacements - 1; k++) {
      char line[1024];
      snprintf(line, sizeof line, "%s", good);
      if (k == sizeof replacements - 1)
        line[i] = '\0'; /* cut here */
      else
        line[i] = replacements[k];
      struct rb rb = {0};
      rb_standard(&rb, 2, 2);
      rb_add(&rb, "%s", line);
      rb_end(&rb);
      struct lh_model *m = rb_model(&rb, NULL);
      free(rb.buf);
      struct lh_analysis_options o = {8};
      struct lh_analysis_stats stats;
      struct lh_findings *f = lh_analyse(m, &o, &stats);
      cr_assert_leq(f->n, 1);
      lh_findings_free(f);
      lh_model_free(m);
    }
}
