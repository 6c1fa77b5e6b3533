# race_samples.cmake - one test per data-race sample and compiler, included by CMakeLists.txt here.
#
# samples/races/CMakeLists.txt builds each samples/races/<name>.c with `lockhound cc` for gcc and
# clang and lists the builds ("gcc/<name>", "clang/<name>") in the global property
# LH_RACE_SAMPLE_BUILDS. Each build is the test integration.race_sample.<cc>/<name>: `lockhound
# check` runs it under `lockhound run` as a child process and compares its findings and exit code
# with the lockhound-expect: lines of its source (the expectation parser of test_samples and
# `lockhound check`, analyzer/commands/expectations.c); a mismatch prints the findings missing and those not
# expected, with the run's output (-v).
#
# Also sets LH_CHECK_ALL_SAMPLES_DIRS, what integration.check_all_samples checks: every topic of
# samples/ but python/ (integration.check_python_samples checks it, with Debian's interpreter), and
# races/ only when the race samples are built (else its sources would be compiled without
# instrumentation and could not give their races).
get_property(LH_RACE_SAMPLE_BUILDS GLOBAL PROPERTY LH_RACE_SAMPLE_BUILDS)
foreach(build ${LH_RACE_SAMPLE_BUILDS})
  get_filename_component(name ${build} NAME)
  set(source ${PROJECT_SOURCE_DIR}/samples/races/${name}.c)
  if(NOT EXISTS ${source})
    set(source ${PROJECT_SOURCE_DIR}/samples/races/${name}.cpp) # a C++ sample
  endif()
  add_test(NAME integration.race_sample.${build}
           COMMAND lockhound check -v --timeout=60 --expect
                   ${source}
                   ${CMAKE_BINARY_DIR}/samples/races/${build})
  set_tests_properties(integration.race_sample.${build} PROPERTIES TIMEOUT 120)
endforeach()

file(GLOB entries LIST_DIRECTORIES true ${PROJECT_SOURCE_DIR}/samples/*)
set(LH_CHECK_ALL_SAMPLES_DIRS)
foreach(entry ${entries})
  if(NOT IS_DIRECTORY ${entry} OR entry MATCHES "/python$")
    continue()
  endif()
  if(LH_RACE_SAMPLE_BUILDS OR NOT entry MATCHES "/races$")
    list(APPEND LH_CHECK_ALL_SAMPLES_DIRS ${entry})
  endif()
endforeach()

# The real library names what an access was when it is a free or a lock call (race_access_ops.py).
if(TARGET race_samples AND LH_RACE_SAMPLE_BUILDS MATCHES "gcc/free_while_in_use")
  add_test(NAME integration.race_access_ops
           COMMAND ${LH_TEST_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/race_access_ops.py
                   $<TARGET_FILE:lockhound> ${CMAKE_BINARY_DIR}/samples/races/gcc/free_while_in_use)
endif()
