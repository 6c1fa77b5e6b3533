# cmake -DSOURCE_DIR=<tree> -P no_bare_qsort.cmake: fails when analyzer code calls qsort or
# qsort_r directly instead of lh_sort / lh_sort_r (analyzer/base/grow.h), which skip arrays of fewer
# than two elements: an empty array is often a NULL pointer, and qsort(NULL, 0, ...) is undefined.
file(GLOB_RECURSE sources ${SOURCE_DIR}/analyzer/*.c ${SOURCE_DIR}/analyzer/*.h)
if(NOT sources)
  message(FATAL_ERROR "no analyzer sources under ${SOURCE_DIR}/analyzer")
endif()
list(REMOVE_ITEM sources ${SOURCE_DIR}/analyzer/base/grow.h)
set(bad "")
foreach(f ${sources})
  file(STRINGS ${f} lines REGEX "(^|[^_a-zA-Z])qsort(_r)?\\(")
  foreach(l ${lines})
    string(APPEND bad "${f}: ${l}\n")
  endforeach()
endforeach()
if(bad)
  message(FATAL_ERROR "call lh_sort or lh_sort_r (analyzer/base/grow.h) instead of qsort:\n${bad}")
endif()
