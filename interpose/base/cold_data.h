/* cold_data.h - where the library keeps its large zeroed buffers that most runs never use.
 *
 * The reports of a stall or a misuse, the copies of the command line and the paths are static
 * (they are filled where malloc may not be called: in a fatal signal's handler, under a
 * deadlock), 4 to 88 KiB each. Placed among the small variables that every run writes, each one
 * would push those variables onto pages of their own: every page of zeroed data a run writes is
 * a page of memory the program pays for. LH_COLD_DATA puts a buffer in .lbss, which the linker
 * places after all of .bss, so that the hot variables share a few pages and a buffer costs
 * memory only when it is used (docs/benchmarks.md, section 5). Only for zero-initialised data. */
#ifndef LH_COLD_DATA_H
#define LH_COLD_DATA_H

#define LH_COLD_DATA __attribute__((section(".lbss.lh_cold")))

#endif
