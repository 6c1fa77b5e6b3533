/* test_run_loader.c - reading run files: good files, and every kind of damage a file can have.
 * A damaged record costs one warning naming FILE:LINE and is skipped; only a file that is not a
 * run file at all (or of a newer version) is refused. */
#include <criterion/criterion.h>

#include "../cli/cli_support.h"
#include "../fixtures/runs/run_text.h"

struct loaded {
  struct lh_model *m;
  char *diag;
  int rc;
};

static struct loaded load_text(const char *text) {
  struct rb rb = {0};
  rb_raw(&rb, text);
  struct loaded l = {lh_model_new(), NULL, 0};
  l.rc = rb_load_all(l.m, &rb, 1, &l.diag);
  free(rb.buf);
  return l;
}

static struct loaded load_rb(struct rb *rb) {
  struct loaded l = load_text(rb->buf);
  free(rb->buf);
  return l;
}

static void unload(struct loaded *l) {
  lh_model_free(l->m);
  free(l->diag);
}

Test(run_loader, a_complete_file_loads_every_record_without_a_message) {
  struct lh_model *m = lh_model_new();
  char *diag = NULL;
  size_t dlen;
  FILE *d = open_memstream(&diag, &dlen);
  cr_assert_eq(lh_load_run_file(m, cli_fixture("ab_ba.lhrun"), d), 0);
  fclose(d);
  cr_assert_str_empty(diag);
  cr_assert_eq(m->nfiles, 1);
  cr_assert_eq(m->files[0].pid, 3100);
  cr_assert(m->files[0].ended);
  cr_assert_eq(m->nthreads, 3);
  cr_assert_eq(m->nlocks, 2);
  cr_assert_eq(m->ntuples, 4);
  cr_assert_eq(m->njoins, 2);
  cr_assert_eq(m->nmodules, 2);
  lh_model_free(m);
  free(diag);
}

Test(run_loader, stack_frames_are_stored_relative_to_their_module) {
  struct rb rb = {0};
  rb_standard(&rb, 0, 0);
  rb_add(&rb, "{'t':'stack','id':20,'pcs':['0x1234','0xdead0000']}");
  struct loaded l = load_rb(&rb);
  const struct lh_stack *s = &l.m->stacks[l.m->nstacks - 1];
  cr_assert_eq(s->n, 2);
  cr_assert_eq(s->frames[0].module, 0);
  cr_assert_eq(s->frames[0].rel, 0x234);
  cr_assert_eq(s->frames[1].module, LH_NONE, "an address outside every module keeps no module");
  cr_assert_eq(s->frames[1].rel, 0xdead0000);
  unload(&l);
}

/* A library unloaded and another loaded at its address (dlclose, dlopen): the later module
 * record covers the address for the records after it, the earlier one for those before. */
Test(run_loader, a_later_module_record_at_the_same_address_names_the_stacks_after_it) {
  struct rb rb = {0};
  rb_standard(&rb, 0, 0);
  rb_add(&rb, "{'t':'module','id':1,'path':'/lib/"
              "first.so','base':'0x70000','segs':[['0x70000','0x71000']]}");
  rb_add(&rb, "{'t':'stack','id':20,'pcs':['0x70010']}");
  rb_add(&rb, "{'t':'module','id':2,'path':'/lib/"
              "second.so','base':'0x70000','segs':[['0x70000','0x71000']]}");
  rb_add(&rb, "{'t':'stack','id':21,'pcs':['0x70020']}");
  struct loaded l = load_rb(&rb);
  cr_assert_str_empty(l.diag);
  const struct lh_stack *before = &l.m->stacks[l.m->nstacks - 2],
                        *after = &l.m->stacks[l.m->nstacks - 1];
  cr_assert_str_eq(l.m->modules[before->frames[0].module].path, "/lib/first.so");
  cr_assert_str_eq(l.m->modules[after->frames[0].module].path, "/lib/second.so");
  cr_assert_eq(after->frames[0].rel, 0x20);
  unload(&l);
}

Test(run_loader, a_line_that_is_not_json_is_skipped_with_its_line_number) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 1);
  rb_raw(&rb, "{\"t\":\"acq\", this is not json\n");
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':0,'mode':'w','stack':1,'held':[]}");
  rb_end(&rb);
  struct loaded l = load_rb(&rb);
  cr_assert_eq(l.rc, 0);
  cr_assert(strstr(l.diag, "lockhound: run1.lhrun:22: not valid JSON"), "%s", l.diag);
  cr_assert(strstr(l.diag, "; record skipped\n"));
  cr_assert_eq(l.m->ntuples, 1, "the records after the bad line are still used");
  unload(&l);
}

Test(run_loader, a_reference_to_an_unknown_lock_skips_the_record) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 1);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':7,'mode':'w','stack':1,'held':[]}");
  rb_end(&rb);
  struct loaded l = load_rb(&rb);
  cr_assert(strstr(l.diag, "lock 7 refers to no earlier record; record skipped"), "%s", l.diag);
  cr_assert_eq(l.m->ntuples, 0);
  unload(&l);
}

Test(run_loader, a_held_lock_that_does_not_exist_skips_the_record) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 1);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':0,'mode':'w','stack':1,'held':[[9,'w',1]]}");
  rb_end(&rb);
  struct loaded l = load_rb(&rb);
  cr_assert(strstr(l.diag, "held lock 9 refers to no earlier record"), "%s", l.diag);
  cr_assert_eq(l.m->ntuples, 0);
  unload(&l);
}

Test(run_loader, a_field_of_the_wrong_type_skips_the_record) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 1);
  rb_add(&rb, "{'t':'acq','thread':'one','seg':0,'lock':0,'mode':'w','stack':1,'held':[]}");
  rb_add(&rb, "{'t':'lock','id':5,'kind':'mutex','addr':1234}");
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':0,'mode':'x','stack':1,'held':[]}");
  rb_end(&rb);
  struct loaded l = load_rb(&rb);
  cr_assert(strstr(l.diag, "thread is not an integer"), "%s", l.diag);
  cr_assert(strstr(l.diag, "addr is not a 0x-prefixed hexadecimal address"), "%s", l.diag);
  cr_assert(strstr(l.diag, "field 'mode' is not \"r\" or \"w\""), "%s", l.diag);
  cr_assert_eq(l.m->ntuples, 0);
  cr_assert_eq(l.m->nlocks, 1);
  unload(&l);
}

Test(run_loader, huge_and_negative_numbers_are_out_of_range) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 1);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':99999999999999,'lock':0,'mode':'w','stack':1}");
  rb_add(&rb, "{'t':'stack','id':-5,'pcs':[]}");
  rb_add(&rb, "{'t':'stack','id':77,'pcs':['0x12345678901234567']}");
  rb_end(&rb);
  struct loaded l = load_rb(&rb);
  cr_assert(strstr(l.diag, "field 'seg' is out of range"), "%s", l.diag);
  cr_assert(strstr(l.diag, "field 'id' is out of range"), "%s", l.diag);
  cr_assert(strstr(l.diag, "a pc is not a 0x-prefixed hexadecimal address"), "%s", l.diag);
  unload(&l);
}

Test(run_loader, an_id_used_twice_keeps_the_first_record) {
  struct rb rb = {0};
  rb_standard(&rb, 0, 1);
  rb_add(&rb, "{'t':'lock','id':0,'kind':'rwlock','addr':'0x8800'}");
  rb_end(&rb);
  struct loaded l = load_rb(&rb);
  cr_assert(strstr(l.diag, "id 0 is used twice"), "%s", l.diag);
  cr_assert_eq(l.m->nlocks, 1);
  cr_assert_eq(l.m->locks[0].kind, LH_LOCK_MUTEX);
  unload(&l);
}

Test(run_loader, an_unknown_record_type_is_skipped_with_a_warning) {
  struct rb rb = {0};
  rb_standard(&rb, 0, 0);
  rb_add(&rb, "{'t':'teleport','to':'mars'}");
  rb_add(&rb, "[1,2,3]");
  rb_end(&rb);
  struct loaded l = load_rb(&rb);
  cr_assert(strstr(l.diag, "unknown record type 'teleport'; record skipped"), "%s", l.diag);
  cr_assert(strstr(l.diag, "not a JSON object; record skipped"), "%s", l.diag);
  cr_assert_eq(l.rc, 0);
  unload(&l);
}

Test(run_loader, unknown_fields_are_ignored) {
  struct rb rb = {0};
  rb_standard(&rb, 0, 0);
  rb_add(&rb, "{'t':'lock','id':0,'kind':'mutex','addr':'0x8000','colour':'blue'}");
  rb_end(&rb);
  struct loaded l = load_rb(&rb);
  cr_assert_str_empty(l.diag);
  cr_assert_eq(l.m->nlocks, 1);
  unload(&l);
}

Test(run_loader, an_incomplete_last_line_is_dropped_with_a_note) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 1);
  rb_add(&rb, "{'t':'acq','thread':1,'seg':0,'lock':0,'mode':'w','stack':1,'held':[]}");
  rb_raw(&rb, "{\"t\":\"acq\",\"thread\":1,\"seg\":0,\"lo");
  struct loaded l = load_rb(&rb);
  cr_assert_eq(l.rc, 0);
  cr_assert(strstr(l.diag, "run1.lhrun:23: the last line is incomplete: the program was cut off "
                           "while writing it; everything before it is used"),
            "%s", l.diag);
  cr_assert(l.m->files[0].truncated);
  cr_assert_eq(l.m->ntuples, 1);
  unload(&l);
}

Test(run_loader, a_file_without_an_end_record_says_the_program_ended_abruptly) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 1);
  struct loaded l = load_rb(&rb);
  cr_assert_eq(l.rc, 0);
  cr_assert(strstr(l.diag, "lockhound: run1.lhrun: the program ended abruptly (a signal lockhound "
                           "could not catch); its report is built from what was recorded before"),
            "%s", l.diag);
  cr_assert_not(l.m->files[0].ended);
  unload(&l);
}

Test(run_loader, an_end_record_with_a_signal_names_the_signal) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 1);
  rb_add(&rb, "{'t':'end','ns':5,'how':'signal','signal':11}");
  struct loaded l = load_rb(&rb);
  cr_assert_eq(l.rc, 0);
  cr_assert(strstr(l.diag, "lockhound: run1.lhrun: the program was killed by signal SIGSEGV (11); "
                           "its report is built from what was recorded before"),
            "%s", l.diag);
  cr_assert_null(strstr(l.diag, "abruptly"), "%s", l.diag);
  cr_assert_eq(l.m->files[0].signal, 11);
  unload(&l);
}

Test(run_loader, an_end_record_of_exec_or_underscore_exit_or_an_old_library_is_an_orderly_end) {
  const char *ends[] = {"{'t':'end','ns':5,'how':'exec'}", "{'t':'end','ns':5,'how':'_exit'}",
                        "{'t':'end','ns':5}"};
  for (size_t i = 0; i < 3; i++) {
    struct rb rb = {0};
    rb_standard(&rb, 1, 1);
    rb_add(&rb, ends[i]);
    struct loaded l = load_rb(&rb);
    cr_assert_eq(l.rc, 0);
    cr_assert_str_empty(l.diag, "%s: %s", ends[i], l.diag);
    cr_assert(l.m->files[0].ended);
    unload(&l);
  }
}

Test(run_loader, a_kill_that_lockhound_run_saw_is_named_for_the_program_s_file) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 1); /* pid 4242, no end record */
  lh_loader_note_killed(4242, 9);
  struct loaded l = load_rb(&rb);
  lh_loader_note_killed(0, 0);
  cr_assert_eq(l.rc, 0);
  cr_assert(strstr(l.diag, "lockhound: run1.lhrun: the program was killed by signal SIGKILL (9); "
                           "its report is built from what was recorded before"),
            "%s", l.diag);
  unload(&l);
}

Test(run_loader, a_fork_child_that_left_with_exit_underscore_is_not_called_abrupt) {
  struct rb rb = {0};
  rb_run(&rb, 4243, "/bin/prog", "4242.1");
  rb_add(&rb,
         "{'t':'module','id':0,'path':'/bin/prog','base':'0x1000','segs':[['0x1000','0x9000']]}");
  rb_add(&rb, "{'t':'stack','id':0,'pcs':['0x1100']}");
  rb_add(&rb, "{'t':'thread','id':0,'tid':200,'parent':-1,'parent_seg':0,'stack':-1,'how':'fork'}");
  rb_add(&rb, "{'t':'lock','id':0,'kind':'mutex','addr':'0x8000','gen':0,'how':'static','stack':0,'"
              "type':'normal'}");
  struct loaded l = load_rb(&rb);
  cr_assert_eq(l.rc, 0);
  cr_assert(strstr(l.diag, "lockhound: run1.lhrun: a fork child that ended by a signal (or was "
                           "recorded by a library older than _exit and exec records); its report "
                           "is built from what it recorded"),
            "%s", l.diag);
  cr_assert_null(strstr(l.diag, "abruptly"));
  unload(&l);
}

Test(run_loader, an_abrupt_end_goes_unmentioned_when_nothing_was_recorded) {
  struct rb rb = {0};
  rb_standard(&rb, 0, 0); /* the main thread only: no lock, no other thread */
  struct loaded l = load_rb(&rb);
  cr_assert_eq(l.rc, 0);
  cr_assert_str_empty(l.diag);
  unload(&l);
}

Test(run_loader, a_file_whose_first_line_is_not_a_run_record_is_refused) {
  struct loaded l = load_text("{\"t\":\"lock\",\"id\":0}\n");
  cr_assert_eq(l.rc, -1);
  cr_assert_str_eq(l.diag,
                   "lockhound: run1.lhrun is not a lockhound run file (its first line is not a "
                   "\"lockhound-run\" record)\n");
  cr_assert_eq(l.m->nfiles, 0);
  unload(&l);
}

Test(run_loader, a_text_file_is_not_a_run_file) {
  struct loaded l = load_text("hello world\n");
  cr_assert_eq(l.rc, -1);
  cr_assert(strstr(l.diag, "is not a lockhound run file"), "%s", l.diag);
  unload(&l);
}

Test(run_loader, an_empty_file_is_not_a_run_file) {
  struct loaded l = load_text("");
  cr_assert_eq(l.rc, -1);
  cr_assert_str_eq(l.diag, "lockhound: run1.lhrun is empty: not a lockhound run file\n");
  unload(&l);
}

Test(run_loader, a_newer_format_version_is_refused_naming_both_versions) {
  struct loaded l =
      load_text("{\"t\":\"run\",\"format\":\"lockhound-run\",\"version\":7,\"pid\":1}\n");
  cr_assert_eq(l.rc, -1);
  cr_assert(strstr(l.diag, "run1.lhrun is in run-file format version 7, but this lockhound reads "
                           "version 1 only"),
            "%s", l.diag);
  unload(&l);
}

Test(run_loader, an_unreadable_file_is_reported_with_the_reason) {
  struct lh_model *m = lh_model_new();
  char *diag = NULL;
  size_t dlen;
  FILE *d = open_memstream(&diag, &dlen);
  cr_assert_eq(lh_load_run_file(m, "/nonexistent/x.lhrun", d), -1);
  fclose(d);
  cr_assert_str_eq(diag,
                   "lockhound: cannot read /nonexistent/x.lhrun: No such file or directory\n");
  lh_model_free(m);
  free(diag);
}

Test(run_loader, warnings_stop_after_ten_and_the_rest_are_counted) {
  struct rb rb = {0};
  rb_standard(&rb, 0, 0);
  for (int i = 0; i < 25; i++) rb_add(&rb, "{'t':'join'}");
  rb_end(&rb);
  struct loaded l = load_rb(&rb);
  size_t lines = 0;
  for (const char *p = l.diag; (p = strstr(p, "record skipped")); p++) lines++;
  cr_assert_eq(lines, 10);
  cr_assert(strstr(l.diag, "lockhound: run1.lhrun: 15 more bad records skipped"), "%s", l.diag);
  cr_assert_eq(l.m->files[0].bad_records, 25);
  unload(&l);
}

Test(run_loader, a_cond_wait_site_is_kept_for_the_source_check) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 1);
  rb_objects(&rb);
  rb_add(&rb, "{'t':'cond_wait_site','thread':1,'stack':3,'object':1}");
  rb_end(&rb);
  struct loaded l = load_rb(&rb);
  cr_assert_eq(l.diag[0], '\0', "%s", l.diag);
  cr_assert_eq(l.m->nwait_sites, 1);
  cr_expect_eq(l.m->wait_sites[0].stack, 3);
  cr_expect_eq(l.m->objects[l.m->wait_sites[0].object].kind, LH_OBJECT_COND);
  unload(&l);
}

Test(run_loader, a_cond_wait_site_of_an_unknown_object_is_skipped) {
  struct rb rb = {0};
  rb_standard(&rb, 1, 1);
  rb_add(&rb, "{'t':'cond_wait_site','thread':1,'stack':3,'object':5}");
  rb_add(&rb, "{'t':'cond_wait_site','thread':1,'object':5}");
  rb_end(&rb);
  struct loaded l = load_rb(&rb);
  cr_assert(strstr(l.diag, "object 5 refers to no earlier record; record skipped"), "%s", l.diag);
  cr_assert(strstr(l.diag, "'stack'"), "%s", l.diag);
  cr_assert_eq(l.m->nwait_sites, 0);
  unload(&l);
}
