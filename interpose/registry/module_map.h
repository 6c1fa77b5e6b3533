/* module_map.h - the ELF objects loaded in the process, for the run file's `module` records.
 *
 * Read with dl_iterate_phdr at start-up and again whenever the loader's counters of objects
 * added and removed (dlpi_adds, dlpi_subs) have moved. A library that is unloaded, or replaced by
 * another object at the same address (dlclose, then dlopen of another library that the loader
 * maps where the first one was), is *retired*, not forgotten: an address recorded while it was
 * there still names it. Each retirement starts a new *module generation*; a module is live from
 * the generation it was seen in until the one it was retired in, and a stack is symbolised with
 * the modules live in the generation it was captured in.
 *
 * Limit: a retired module's entry is kept for the rest of the run (a few hundred bytes per
 * library unloaded after a scan saw it loaded), since a stack captured while it was loaded may
 * still have to be written.
 *
 * In the run file a later `module` record covering an address supersedes earlier ones for the
 * records that follow (docs/run-file-format.md); the library writes a module's record again
 * (under a new id) when a stack needs it and another module's record has covered its addresses
 * since. Owned by the recorder lock. */
#ifndef LH_MODULE_MAP_H
#define LH_MODULE_MAP_H

#include <stdbool.h>
#include <stdint.h>

/* The current module generation. Written under the recorder lock, read by any thread. */
extern uint32_t lh_module_generation;

static inline uint32_t lh_module_generation_now(void) {
  return __atomic_load_n(&lh_module_generation, __ATOMIC_ACQUIRE);
}

/* Under the recorder lock: reads the loaded objects again if the loader's counters moved since
 * the last time; returns true when a module was retired (a new generation began). */
bool lh_modules_refresh(void);
/* Under the recorder lock: whether addr lies in a loaded module (a global or static variable),
 * without reading the loaded objects again. */
bool lh_modules_contains(uintptr_t addr);
/* Under the recorder lock: whether addr lies in a module retired when the current generation
 * began. */
bool lh_modules_just_retired(uintptr_t addr);
/* Under the recorder lock: makes sure the module that contained addr in generation gen (if any)
 * is, in the run file, the latest module record covering addr; rescans the loaded objects when
 * gen is the current generation and addr is in no known module. */
void lh_modules_cover(uintptr_t addr, uint32_t gen);
/* Under the recorder lock: writes the record of every live module that is not yet written. */
void lh_modules_write_all(void);
void lh_modules_mark_unwritten(void);
/* The address range of liblockhound.so itself (to cut its frames off stacks). */
bool lh_modules_self_range(uintptr_t *lo, uintptr_t *hi);

/* The loaded object that contains addr, as dl_iterate_phdr gives it: the range of its loadable
 * segments and whether its path contains `part` (when part is not NULL). Stateless: any thread,
 * no lock of ours. dladdr would tell as much but reads the object's whole symbol table, which
 * then stays resident in the program: the python3.11 executable's is 93 KB, and fault-around
 * maps it in 64 KB pieces. */
struct lh_module_span {
  uintptr_t lo, hi;
  bool has_part;
};
bool lh_module_span_of(uintptr_t addr, const char *part, struct lh_module_span *out);

#endif
