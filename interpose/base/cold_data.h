/* cold_data.h - where the library keeps its large zeroed buffers that most runs never use, and
 * its one-page tables.
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

/* A zeroed table of one page that many runs write all of (a hash spreads its keys over it): page
 * aligned, so that it is one page and not two, and in .lbss with the cold buffers, so that the
 * alignment's holes push no small variable of .bss onto a page of its own. */
#define LH_PAGE_TABLE __attribute__((section(".lbss.lh_page"), aligned(4096)))

#endif
