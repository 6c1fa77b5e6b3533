/* static_local_init.cpp - the twin of lazy_init_unlocked.c in C++: a function-local static,
 * which the language initialises once, safely (course: MT 6).
 *
 * What it shows: several threads call settings(), whose `static Settings s(...)` is built by the
 * first caller while the others wait; every caller then reads the object's fields with no lock.
 * C++ guarantees that the initialisation happens once and before every use (the compiler guards
 * it with __cxa_guard_acquire/__cxa_guard_release and an acquire load of the guard), so these
 * plain reads are ordered after the constructor's writes. The object is reached through a
 * virtual call too, and destroyed by main after the joins.
 *
 * What to look for: nothing. lockhound treats the guard as an ordering (a release when the
 * initialisation is published, an acquire where a thread finds it done), as ThreadSanitizer does.
 *
 * lockhound-expect: none
 */
#include <pthread.h>
#include <cstdio>

struct Source {
    virtual ~Source() = default;
    virtual int port() const { return 8080; }
};

struct Settings {
    explicit Settings(const Source &src) : port(src.port()), workers(4) {}
    int port;
    int workers;
};

static const Settings &settings()
{
    static Source source;
    static Settings s(source); /* built once, by the first caller */
    return s;
}

static long sums[4];

static void *worker(void *arg)
{
    long i = reinterpret_cast<long>(arg);
    sums[i] = settings().port + settings().workers; /* plain reads, after the guard */
    return nullptr;
}

int main()
{
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], nullptr, worker, reinterpret_cast<void *>(i));
    for (pthread_t &th : t)
        pthread_join(th, nullptr);
    std::printf("%ld %ld %ld %ld\n", sums[0], sums[1], sums[2], sums[3]);
    return 0;
}
