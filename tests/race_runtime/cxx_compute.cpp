// cxx_compute.cpp - C++ code built with -fsanitize=thread by g++ and clang++ (compiled only): the
// entry points C++ needs beyond C's - __tsan_vptr_update in constructors and destructors,
// __tsan_vptr_read at virtual calls - and the guard of a function-local static. The coverage test
// reads its undefined symbols with nm; the race samples (samples/races/*.cpp) run such code.
#include <cstdio>

struct Shape {
    virtual ~Shape() = default;
    virtual long area() const = 0;
};

struct Square : Shape {
    explicit Square(long s) : side(s) {}
    long area() const override { return side * side; }
    long side;
};

static const Shape &unit_square()
{
    static Square s(1); // guarded: __cxa_guard_acquire/release
    return s;
}

long total_area(const Shape *const *shapes, int n)
{
    long sum = unit_square().area();
    for (int i = 0; i < n; i++)
        sum += shapes[i]->area(); // a virtual call: the vptr is read
    return sum;
}

long make_and_measure(long side)
{
    Shape *s = new Square(side); // the constructors store the vptr
    long a = s->area();
    delete s; // the destructors store it again
    return a;
}
