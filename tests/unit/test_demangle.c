/* test_demangle.c - C++ names as a reader writes them (analyzer/symbols/demangle.c). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/demangle.h"

static void expect_demangled(const char *mangled, const char *want) {
  char *got = lh_demangle(mangled);
  cr_assert_not_null(got, "%s not demangled", mangled);
  cr_expect_str_eq(got, want);
  free(got);
}

Test(demangle, a_mangled_name_reads_as_in_the_source) {
  expect_demangled("_ZN9PeakMeter6recordEv", "PeakMeter::record()");
  expect_demangled("_ZNK5Meter5totalEv", "Meter::total() const");
  expect_demangled("_ZZ4mainENKUliE_clEi", "main::{lambda(int)#1}::operator()(int) const");
  expect_demangled("_Znwm", "operator new(unsigned long)");
}

Test(demangle, a_c_name_or_a_broken_one_is_left_alone) {
  cr_expect_null(lh_demangle("main"));
  cr_expect_null(lh_demangle("count_request"));
  cr_expect_null(lh_demangle("_Zjunk"));
  cr_expect_null(lh_demangle(NULL));
}

static size_t stem(const char *name) { return lh_name_without_parameters(name); }

Test(demangle, a_heap_name_drops_the_parameter_list) {
  cr_expect_eq(stem("make_meter()"), strlen("make_meter"));
  cr_expect_eq(stem("Meter::total() const"), strlen("Meter::total"));
  cr_expect_eq(stem("ns::f(std::pair<int, int>, void (*)(int))"), strlen("ns::f"));
  cr_expect_eq(stem("main::{lambda(int)#1}::operator()(int) const"),
               strlen("main::{lambda(int)#1}::operator()"));
  cr_expect_eq(stem("make_node"), strlen("make_node"), "a C name has none");
  cr_expect_eq(stem("vector<int>"), strlen("vector<int>"));
}
