/* module_map.h - the ELF objects loaded in the process, for the run file's `module` records.
 *
 * Read with dl_iterate_phdr at start-up and read again whenever an address is met that no known
 * module contains (a library loaded later with dlopen). Modules are never removed: an address
 * in an unloaded library still names the module it was in when recorded. Owned by the recorder
 * lock. */
#ifndef LH_MODULE_MAP_H
#define LH_MODULE_MAP_H

#include <stdbool.h>
#include <stdint.h>

/* Under the recorder lock: makes sure the module containing addr (if any) has its record in the
 * run file; rescans the loaded objects when addr is in no known module. */
void lh_modules_cover(uintptr_t addr);
/* Under the recorder lock: writes every known module's record that is not yet written. */
void lh_modules_write_all(void);
void lh_modules_mark_unwritten(void);
/* The address range of liblockhound.so itself (to cut its frames off stacks). */
bool lh_modules_self_range(uintptr_t *lo, uintptr_t *hi);

#endif
