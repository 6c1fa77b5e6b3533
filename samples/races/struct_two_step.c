/* struct_two_step.c - a struct updated field by field, with no lock: a reader can see half of an
 * update (course: MT 6).
 *
 * What it shows: `limits` is a range whose low end must never be above its high end. The writer
 * moves it from [0, 10] to [100, 110] in two steps, one field at a time; the reader reads the two
 * fields one at a time too. Between the writer's two stores the struct holds [100, 10], which is
 * no valid range, and the reader can see exactly that (or an old low with a new high). A struct
 * is never copied or updated in one step unless something makes it one step.
 *
 * What to look for: lockhound reports two data races, one per field: `limits.low` (written in
 * move_limits(), read in read_limits()) and `limits.high` (likewise). Neither thread held a lock,
 * and nothing orders the writer's stores with the reader's loads.
 *
 * How to fix: hold one mutex around the whole update and around the whole read, so that the pair
 * changes in one step as far as any reader can tell; or publish a new struct through an atomic
 * pointer (atomic_message_passing.c shows the ordering that needs).
 *
 * lockhound-expect: data-race limits.low
 * lockhound-expect: data-race limits.high
 */
#include <pthread.h>
#include <stdio.h>

struct range {
    long low; /* invariant: low <= high */
    long high;
};

struct range limits = {0, 10}; /* shared, guarded by nothing */
static struct range seen;             /* what the reader saw: written by the reader only */

static void move_limits(long low, long high)
{
    limits.low = low;   /* here limits is [low, old high]: maybe no valid range */
    limits.high = high;
}

static void read_limits(struct range *out)
{
    out->low = limits.low;
    out->high = limits.high;
}

static void *writer(void *arg)
{
    (void)arg;
    move_limits(100, 110);
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    read_limits(&seen);
    return NULL;
}

int main(void)
{
    pthread_t w, r;
    pthread_create(&w, NULL, writer, NULL);
    pthread_create(&r, NULL, reader, NULL);
    pthread_join(w, NULL);
    pthread_join(r, NULL);
    printf("the reader saw [%ld, %ld]%s\n", seen.low, seen.high,
           seen.low > seen.high ? ": not a valid range, half of an update" : "");
    return 0;
}
