/* fuzz_expectations.c - libFuzzer harness for the expectation reader (expectations.c: the
 * `lockhound-expect:`, `-expect-warning:`, `-expect-at-least:`, `-expect-one-of:`, `-exit:`,
 * `-options:`, `-args:` and `-pending:` lines that
 * `lockhound check` and the sample tests read from a source).
 *
 * Each input is a source file, parsed from memory; an accepted one has its keys formatted and
 * compared with themselves and matched against its own exact keys (lh_expect_match), so that
 * every list it built is walked. Build and run (clang only;
 * tests/fuzz/CMakeLists.txt):
 *   build-fuzz/fuzz_expectations -max_total_time=60 /tmp/corpus/expect samples/deadlock */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "commands/expectations.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct lh_expect_spec spec;
  char *error = NULL;
  if (lh_expect_read_spec_text("fuzz.c", (const char *)data, size, &spec, &error) == 0) {
    char *text = lh_expect_keys_format(&spec.errors);
    free(text);
    struct lh_expect_keys none;
    lh_expect_keys_minus(&spec.errors, &spec.warnings, &none);
    if (!lh_expect_keys_equal(&spec.errors, &spec.errors)) abort();
    lh_expect_keys_free(&none);
    struct lh_expect_keys missing, unexpected;
    lh_expect_match(&spec, &spec.errors, &spec.warnings, &missing, &unexpected);
    (void)lh_expect_exit_code(&spec, &spec.errors);
    lh_expect_keys_free(&missing);
    lh_expect_keys_free(&unexpected);
    lh_expect_spec_free(&spec);
  }
  free(error);
  return 0;
}
