/* virtual_counter.cpp - a race through a virtual method, in C++ (course: MT 6).
 *
 * What it shows: two threads call record() on the same Meter through a pointer to its base
 * class; the override in PeakMeter does `hits_++` with no lock. The call is virtual (each thread
 * reads the object's virtual-table pointer to find PeakMeter::record), but what races is the plain
 * counter behind it - the same lost update as lost_update_counter.c, in a class.
 *
 * What to look for: a data race on the Meter's heap block, named after the function that made it
 * (`heap:make_meter`), with both accesses in PeakMeter::record() - the frames show C++ names,
 * demangled (`PeakMeter::record()`, `make_meter()`). Built with `lockhound cc --cc=g++` (or
 * clang++), which the test does: a program with virtual calls needs the runtime's
 * __tsan_vptr_read and __tsan_vptr_update.
 *
 * How to fix: a std::mutex member held in record() (std::lock_guard), or a std::atomic<long>
 * counter.
 *
 * lockhound-expect: data-race heap:make_meter
 */
#include <pthread.h>
#include <cstdio>

class Meter {
public:
    virtual ~Meter() = default;
    virtual void record() = 0;
    virtual long total() const = 0;
};

class PeakMeter : public Meter {
public:
    void record() override { hits_++; } /* both threads, no lock */
    long total() const override { return hits_; }

private:
    long hits_ = 0;
};

static Meter *make_meter() { return new PeakMeter; }

static void *worker(void *arg)
{
    Meter *m = static_cast<Meter *>(arg);
    for (int i = 0; i < 1000; i++)
        m->record();
    return nullptr;
}

int main()
{
    Meter *m = make_meter();
    pthread_t t[2];
    for (pthread_t &th : t)
        pthread_create(&th, nullptr, worker, m);
    for (pthread_t &th : t)
        pthread_join(th, nullptr);
    std::printf("hits: %ld (expected 2000)\n", m->total());
    delete m;
    return 0;
}
