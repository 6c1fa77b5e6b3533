/* lock_cache.c - the global epochs that make threads' lock caches stale (lock_cache.h). */
#include "registry/lock_cache.h"

#include "base/cold_data.h"

LH_PAGE_TABLE uint32_t lh_lock_epochs[LH_LOCK_EPOCHS];

void lh_lock_epoch_bump(uintptr_t addr) {
  __atomic_fetch_add(&lh_lock_epochs[lh_addr_hash(addr) & (LH_LOCK_EPOCHS - 1)], 1,
                     __ATOMIC_RELEASE);
}

void lh_lock_epochs_bump_all(void) {
  for (uint32_t i = 0; i < LH_LOCK_EPOCHS; i++)
    __atomic_fetch_add(&lh_lock_epochs[i], 1, __ATOMIC_RELEASE);
}
