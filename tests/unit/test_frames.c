/* Frames of a recorded stack: which modules a check may leave unsymbolized. */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../fixtures/runs/run_text.h"
#include "symbols/frames.h"

Test(frames, the_system_library_directories_hold_system_libraries) {
  cr_expect(lh_module_is_system_library("/lib/x86_64-linux-gnu/libc.so.6"));
  cr_expect(lh_module_is_system_library("/usr/lib/x86_64-linux-gnu/libpthread.so.0"));
  cr_expect(lh_module_is_system_library("/lib64/ld-linux-x86-64.so.2"));
  cr_expect(lh_module_is_system_library("/usr/lib64/libm.so.6"));
}

Test(frames, programs_and_libraries_elsewhere_are_not_system_libraries) {
  cr_expect_not(lh_module_is_system_library("/usr/bin/pigz"));
  cr_expect_not(lh_module_is_system_library("/home/student/prog"));
  cr_expect_not(lh_module_is_system_library("/usr/local/lib/libmine.so"));
  cr_expect_not(lh_module_is_system_library("/usr/library/x.so"));
  cr_expect_not(lh_module_is_system_library("/libx.so"));
  cr_expect_not(lh_module_is_system_library(NULL));
}

static bool nothing_wanted(const char *module_path) {
  (void)module_path;
  return false;
}

/* A run whose stack 16 is one frame in the C library this test runs with, at getpid. */
static struct lh_model *run_with_a_libc_frame(void) {
  Dl_info di;
  cr_assert(dladdr((void *)getpid, &di) && di.dli_fname && di.dli_fbase);
  uintptr_t rel = (uintptr_t)dlsym(RTLD_DEFAULT, "getpid") - (uintptr_t)di.dli_fbase;
  struct rb rb = {0};
  rb_standard(&rb, 1, 0);
  rb_add(&rb,
         "{'t':'module','id':1,'path':'%s','base':'0x7f0000000000','segs':[['0x7f0000000000',"
         "'0x7f0001000000']]}",
         di.dli_fname);
  rb_add(&rb, "{'t':'stack','id':16,'pcs':['0x%lx']}", 0x7f0000000000ul + rel + 1);
  rb_end(&rb);
  struct lh_model *m = lh_model_new();
  char *diag = NULL;
  rb_load_all(m, &rb, 1, &diag);
  lh_model_finish(m);
  free(rb.buf);
  free(diag);
  return m;
}

Test(frames, a_frame_of_an_unwanted_module_is_left_unsymbolized) {
  struct lh_model *m = run_with_a_libc_frame();
  struct lh_symbolizer *sym = lh_sym_new();
  struct lh_shown_frame all[4], some[4];
  cr_assert_eq(lh_frames_of_stack(sym, m, 16, all, 4), 1);
  cr_assert_not_null(all[0].function, "the C library names its own function");
  cr_expect(strstr(all[0].function, "getpid"), "%s", all[0].function);
  cr_assert_eq(lh_frames_of_stack_where(sym, m, 16, some, 4, nothing_wanted), 1);
  cr_expect_null(some[0].function);
  cr_expect_null(some[0].file);
  cr_expect_str_eq(some[0].module, all[0].module);
  cr_expect_eq(some[0].offset, all[0].offset);
  lh_sym_free(sym);
  lh_model_free(m);
}
