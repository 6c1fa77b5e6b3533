/* test_tsan_atomics.c - the atomic entry points (interpose/wrappers/tsan/tsan_atomics.c) on their own, compiled
 * into this test with the race detector replaced by stubs that log each event together with the
 * value the variable holds at that moment. Checked:
 * - each operation, at each width, returns and stores what the operation should;
 * - the events around it and their order: a release is published before the value changes and
 *   after the access is reported; an acquire comes after the operation and, for a load, before
 *   the access; relaxed orders synchronise nothing; a failed compare-exchange is a load with the
 *   failure order;
 * - memory orders: flag bits above 0x7fff are ignored, unknown values are seq_cst, orders that
 *   are invalid for an operation are treated as seq_cst;
 * - nothing is reported when races are off or inside lockhound, yet the operation is done. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "wrappers/tsan/tsan_atomics.c"

bool lh_race_on;
__thread struct lh_thread lh_self;

enum kind { ACCESS_READ, ACCESS_WRITE, ACQUIRE, RELEASE, RELEASE_STORE };

struct event {
  enum kind kind;
  uintptr_t addr;
  long value; /* the low 64 bits of the variable when the event happened */
};

static struct event events[8];
static size_t nevents;
static size_t watched_size = 4; /* the width of the variable under test, for `value` */

static size_t counted; /* events while watched_size is 0: counted, not logged */

static void log_event(enum kind kind, uintptr_t addr) {
  if (!watched_size) {
    counted++;
    return;
  }
  cr_assert_lt(nevents, 8, "too many events");
  long v = 0;
  memcpy(&v, (const void *)addr, watched_size < 8 ? watched_size : 8);
  events[nevents++] = (struct event){kind, addr, v};
}

void lh_race_access_slow(uintptr_t addr, size_t size, unsigned flags, uintptr_t pc) {
  cr_assert_neq(pc, 0, "an access without a call site");
  cr_assert(flags & LH_RACE_ATOMIC, "an atomic access not flagged atomic");
  if (watched_size)
    cr_assert_eq(size, watched_size, "an access of %zu bytes on a %zu-byte variable", size,
                 watched_size);
  log_event(flags & LH_RACE_WRITE ? ACCESS_WRITE : ACCESS_READ, addr);
}
void lh_race_acquire(uintptr_t sync) { log_event(ACQUIRE, sync); }
void lh_race_release(uintptr_t sync) { log_event(RELEASE, sync); }
void lh_race_release_store(uintptr_t sync) { log_event(RELEASE_STORE, sync); }

static void races_on(void) {
  lh_race_on = true;
  nevents = 0;
  watched_size = 4;
}

static void races_off(void) { lh_race_on = false; }

static const char *const kind_names[] = {"read", "write", "acquire", "release", "release_store"};

/* The events since the last check, as kinds, each with the variable's value then. */
static void expect_events(const char *what, const enum kind *kinds, const long *values, size_t n,
                          uintptr_t addr) {
  cr_expect_eq(nevents, n, "%s: %zu events, not %zu", what, nevents, n);
  for (size_t i = 0; i < n && i < nevents; i++) {
    cr_expect_eq(events[i].kind, kinds[i], "%s: event %zu is %s, not %s", what, i,
                 kind_names[events[i].kind], kind_names[kinds[i]]);
    cr_expect_eq(events[i].addr, addr, "%s: event %zu on another address", what, i);
    cr_expect_eq(events[i].value, values[i], "%s: at event %zu (%s) the value was %ld, not %ld",
                 what, i, kind_names[kinds[i]], events[i].value, values[i]);
  }
  nevents = 0;
}

#define EVENTS(what, var, ...)                                                                     \
  do {                                                                                             \
    const struct {                                                                                 \
      enum kind k;                                                                                 \
      long v;                                                                                      \
    } e_[] = {__VA_ARGS__};                                                                        \
    enum kind k_[8];                                                                               \
    long v_[8];                                                                                    \
    for (size_t i_ = 0; i_ < sizeof e_ / sizeof e_[0]; i_++) {                                     \
      k_[i_] = e_[i_].k;                                                                           \
      v_[i_] = e_[i_].v;                                                                           \
    }                                                                                              \
    expect_events(what, k_, v_, sizeof e_ / sizeof e_[0], (uintptr_t) & (var));                    \
  } while (0)
#define NO_EVENTS(what) expect_events(what, NULL, NULL, 0, 0)

enum { RLX, CON, ACQ, REL, AR, SC };

Test(tsan_atomics, a_load_acquires_before_its_access_is_reported, .init = races_on,
     .fini = races_off) {
  int v = 7;
  cr_expect_eq(__tsan_atomic32_load(&v, RLX), 7);
  EVENTS("relaxed load", v, {ACCESS_READ, 7});
  cr_expect_eq(__tsan_atomic32_load(&v, ACQ), 7);
  EVENTS("acquire load", v, {ACQUIRE, 7}, {ACCESS_READ, 7});
  __tsan_atomic32_load(&v, CON);
  EVENTS("consume load", v, {ACQUIRE, 7}, {ACCESS_READ, 7});
  __tsan_atomic32_load(&v, SC);
  EVENTS("seq_cst load", v, {ACQUIRE, 7}, {ACCESS_READ, 7});
  __tsan_atomic32_load(&v, REL);
  EVENTS("release load (invalid: seq_cst)", v, {ACQUIRE, 7}, {ACCESS_READ, 7});
}

Test(tsan_atomics, a_store_releases_after_its_access_and_before_the_value_changes, .init = races_on,
     .fini = races_off) {
  int v = 0;
  __tsan_atomic32_store(&v, 1, RLX);
  EVENTS("relaxed store", v, {ACCESS_WRITE, 0});
  cr_expect_eq(v, 1);
  __tsan_atomic32_store(&v, 2, REL);
  EVENTS("release store", v, {ACCESS_WRITE, 1}, {RELEASE_STORE, 1});
  cr_expect_eq(v, 2);
  __tsan_atomic32_store(&v, 3, SC);
  EVENTS("seq_cst store", v, {ACCESS_WRITE, 2}, {RELEASE_STORE, 2});
  __tsan_atomic32_store(&v, 4, ACQ);
  EVENTS("acquire store (invalid: seq_cst)", v, {ACCESS_WRITE, 3}, {RELEASE_STORE, 3});
  cr_expect_eq(v, 4);
}

Test(tsan_atomics, a_read_modify_write_releases_before_and_acquires_after, .init = races_on,
     .fini = races_off) {
  int v = 10;
  cr_expect_eq(__tsan_atomic32_fetch_add(&v, 5, RLX), 10);
  EVENTS("relaxed fetch_add", v, {ACCESS_WRITE, 10});
  cr_expect_eq(__tsan_atomic32_fetch_sub(&v, 1, ACQ), 15);
  EVENTS("acquire fetch_sub", v, {ACCESS_WRITE, 15}, {ACQUIRE, 14});
  cr_expect_eq(__tsan_atomic32_exchange(&v, 3, REL), 14);
  EVENTS("release exchange", v, {ACCESS_WRITE, 14}, {RELEASE, 14});
  cr_expect_eq(__tsan_atomic32_fetch_or(&v, 4, AR), 3);
  EVENTS("acq_rel fetch_or", v, {ACCESS_WRITE, 3}, {RELEASE, 3}, {ACQUIRE, 7});
  cr_expect_eq(__tsan_atomic32_fetch_xor(&v, 1, SC), 7);
  EVENTS("seq_cst fetch_xor", v, {ACCESS_WRITE, 7}, {RELEASE, 7}, {ACQUIRE, 6});
}

Test(tsan_atomics, a_compare_exchange_that_succeeds_is_a_read_modify_write, .init = races_on,
     .fini = races_off) {
  int v = 1, e = 1;
  cr_expect(__tsan_atomic32_compare_exchange_strong(&v, &e, 2, SC, RLX));
  EVENTS("seq_cst strong", v, {ACCESS_WRITE, 1}, {RELEASE, 1}, {ACQUIRE, 2});
  e = 2;
  while (!__tsan_atomic32_compare_exchange_weak(&v, &e, 3, REL, RLX))
    ;
  EVENTS("release weak", v, {ACCESS_WRITE, 2}, {RELEASE, 2});
  cr_expect_eq(__tsan_atomic32_compare_exchange_val(&v, 3, 4, ACQ, ACQ), 3);
  EVENTS("acquire val", v, {ACCESS_WRITE, 3}, {ACQUIRE, 4});
  cr_expect_eq(v, 4);
}

Test(tsan_atomics, a_compare_exchange_that_fails_is_a_load_with_the_failure_order, .init = races_on,
     .fini = races_off) {
  int v = 5, e = 9;
  cr_expect(!__tsan_atomic32_compare_exchange_strong(&v, &e, 1, SC, RLX));
  cr_expect_eq(e, 5, "the expected value is updated");
  EVENTS("failure relaxed", v, {ACCESS_READ, 5});
  e = 9;
  cr_expect(!__tsan_atomic32_compare_exchange_weak(&v, &e, 1, REL, ACQ));
  EVENTS("failure acquire", v, {ACQUIRE, 5}, {ACCESS_READ, 5});
  cr_expect_eq(__tsan_atomic32_compare_exchange_val(&v, 9, 1, AR, AR), 5);
  EVENTS("failure acq_rel (acquire)", v, {ACQUIRE, 5}, {ACCESS_READ, 5});
  cr_expect_eq(v, 5, "a failed compare-exchange changes nothing");
}

Test(tsan_atomics, flag_bits_are_ignored_and_unknown_orders_are_seq_cst, .init = races_on,
     .fini = races_off) {
  int v = 0;
  __tsan_atomic32_store(&v, 1, RLX | 0x10000);
  EVENTS("relaxed store with a flag bit", v, {ACCESS_WRITE, 0});
  __tsan_atomic32_store(&v, 2, 99);
  EVENTS("store with order 99", v, {ACCESS_WRITE, 1}, {RELEASE_STORE, 1});
  __tsan_atomic32_fetch_add(&v, 1, ACQ | 0x20000);
  EVENTS("acquire fetch_add with a flag bit", v, {ACCESS_WRITE, 2}, {ACQUIRE, 3});
}

Test(tsan_atomics, nothing_is_reported_when_races_are_off_or_inside_lockhound) {
  int v = 1, e = 1;
  lh_race_on = false;
  nevents = 0;
  cr_expect_eq(__tsan_atomic32_fetch_add(&v, 1, SC), 1);
  cr_expect(__tsan_atomic32_compare_exchange_strong(&v, &e, 5, SC, SC) == 0 && e == 2);
  __tsan_atomic32_store(&v, 8, SC);
  NO_EVENTS("races off");
  lh_race_on = true;
  lh_self.in_runtime = 1;
  cr_expect_eq(__tsan_atomic32_load(&v, SC), 8);
  __tsan_atomic32_exchange(&v, 9, SC);
  lh_self.in_runtime = 0;
  lh_race_on = false;
  NO_EVENTS("inside lockhound");
  cr_expect_eq(v, 9);
}

/* ---- values at every width ---- */

/* T is the ABI's type, U its unsigned twin, for expectations that wrap. */
#define CHECK_WIDTH(bits, T, U)                                                                    \
  do {                                                                                             \
    T v = 0, e;                                                                                    \
    T big = (T)((T)1 << (bits - 2)); /* a high bit, for carries */                                 \
    __tsan_atomic##bits##_store(&v, big, SC);                                                      \
    cr_expect(v == big, #bits ": store");                                                          \
    cr_expect(__tsan_atomic##bits##_load(&v, ACQ) == big, #bits ": load");                         \
    cr_expect(__tsan_atomic##bits##_exchange(&v, 6, AR) == big && v == 6, #bits ": exchange");     \
    cr_expect(__tsan_atomic##bits##_fetch_add(&v, big, RLX) == 6 && v == (T)((U)big + 6),          \
              #bits ": fetch_add");                                                                \
    cr_expect(__tsan_atomic##bits##_fetch_add(&v, big, RLX) == (T)((U)big + 6) &&                  \
                  v == (T)((U)big + (U)big + 6),                                                   \
              #bits ": fetch_add carries");                                                        \
    v = 6;                                                                                         \
    cr_expect(__tsan_atomic##bits##_fetch_sub(&v, 8, REL) == 6 && v == (T)-2, #bits ": sub");      \
    cr_expect(__tsan_atomic##bits##_fetch_and(&v, 12, SC) == (T)-2 && v == 12, #bits ": and");     \
    cr_expect(__tsan_atomic##bits##_fetch_or(&v, 3, SC) == 12 && v == 15, #bits ": fetch_or");     \
    cr_expect(__tsan_atomic##bits##_fetch_xor(&v, 5, SC) == 15 && v == 10, #bits ": fetch_xor");   \
    cr_expect(__tsan_atomic##bits##_fetch_nand(&v, 6, SC) == 10 && v == (T) ~(T)2,                 \
              #bits ": fetch_nand");                                                               \
    e = (T) ~(T)2;                                                                                 \
    cr_expect(__tsan_atomic##bits##_compare_exchange_strong(&v, &e, 1, SC, SC) && v == 1,          \
              #bits ": strong succeeds");                                                          \
    e = 5;                                                                                         \
    cr_expect(!__tsan_atomic##bits##_compare_exchange_strong(&v, &e, 2, SC, SC) && e == 1,         \
              #bits ": strong fails");                                                             \
    e = 1;                                                                                         \
    while (!__tsan_atomic##bits##_compare_exchange_weak(&v, &e, big, AR, ACQ))                     \
      ;                                                                                            \
    cr_expect(v == big, #bits ": weak");                                                           \
    cr_expect(__tsan_atomic##bits##_compare_exchange_val(&v, big, 3, SC, RLX) == big && v == 3,    \
              #bits ": val succeeds");                                                             \
    cr_expect(__tsan_atomic##bits##_compare_exchange_val(&v, 4, 5, SC, RLX) == 3 && v == 3,        \
              #bits ": val fails");                                                                \
  } while (0)

static void check_every_width(void) {
  CHECK_WIDTH(8, char, unsigned char);
  CHECK_WIDTH(16, short, unsigned short);
  CHECK_WIDTH(32, int, unsigned);
  CHECK_WIDTH(64, long, unsigned long);
  CHECK_WIDTH(128, __int128, unsigned __int128);
}

Test(tsan_atomics, every_width_computes_the_right_values) { check_every_width(); }

Test(tsan_atomics, every_width_computes_the_right_values_while_reporting) {
  lh_race_on = true;
  watched_size = 0;
  counted = 0;
  check_every_width();
  lh_race_on = false;
  cr_expect_geq(counted, 5 * 16, "only %zu events for every operation at every width", counted);
}

Test(tsan_atomics, a_128_bit_operation_is_reported_as_16_bytes, .init = races_on,
     .fini = races_off) {
  _Alignas(16) __int128 v = 5;
  watched_size = 16;
  cr_expect(__tsan_atomic128_fetch_add(&v, 1, AR) == 5 && v == 6);
  EVENTS("acq_rel fetch_add", v, {ACCESS_WRITE, 5}, {RELEASE, 5}, {ACQUIRE, 6});
  cr_expect(__tsan_atomic128_load(&v, ACQ) == 6);
  EVENTS("acquire load", v, {ACQUIRE, 6}, {ACCESS_READ, 6});
  __tsan_atomic128_store(&v, 9, REL);
  EVENTS("release store", v, {ACCESS_WRITE, 6}, {RELEASE_STORE, 6});
  cr_expect(v == 9);
}

/* A fence is performed (the instruction itself cannot be observed here) and orders nothing in
 * the race detector's eyes: no event, for every order, the invalid ones and flag bits included
 * (tsan_atomics.c says why: the pairing relaxed accesses are not tracked). */
Test(tsan_atomics, a_fence_reports_no_event_for_any_order, .init = races_on, .fini = races_off) {
  const int orders[] = {RLX, CON, ACQ, REL, AR, SC, 6, 0x8000 | SC, -1};
  for (size_t i = 0; i < sizeof orders / sizeof orders[0]; i++) {
    __tsan_atomic_thread_fence(orders[i]);
    NO_EVENTS("thread fence");
    __tsan_atomic_signal_fence(orders[i]);
    NO_EVENTS("signal fence");
  }
}
