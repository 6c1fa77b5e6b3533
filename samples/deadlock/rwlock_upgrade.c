/* rwlock_upgrade.c - a thread holding an rwlock for reading asks for it for writing: it waits for
 * itself for ever.
 *
 * What it shows: lookup_or_add() reads the table under a read lock and, when the key is missing,
 * takes the write lock to add it - while still holding the read lock. A write lock waits until
 * every reader has let go, and one of the readers is the thread itself. POSIX calls this
 * undefined (glibc's default rwlock simply blocks for ever); it is the classic "upgrade" mistake.
 *
 * What to look for: a `self-deadlock` on table_lock, reported at once, that says the lock is held
 * for reading and asked for writing, and that an rwlock cannot be upgraded. Then lockhound ends
 * the program.
 *
 * How to fix: release the read lock, take the write lock, and check again whether the key is
 * missing (another writer may have added it in between); or take the write lock from the start
 * when the function may write.
 *
 * lockhound-expect: self-deadlock table_lock
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static const char *table[8];
static int entries;

static int lookup_or_add(const char *key)
{
    pthread_rwlock_rdlock(&table_lock);
    for (int i = 0; i < entries; i++)
        if (strcmp(table[i], key) == 0) {
            pthread_rwlock_unlock(&table_lock);
            return i;
        }
    pthread_rwlock_wrlock(&table_lock); /* still a reader: waits for itself */
    table[entries] = key;
    int i = entries++;
    pthread_rwlock_unlock(&table_lock);
    pthread_rwlock_unlock(&table_lock);
    return i;
}

int main(void)
{
    printf("alice is %d\n", lookup_or_add("alice"));
    return 0;
}
