# python_lock_heavy.py - benchmark program: the cost of lockhound on a Python program that takes
# threading.Lock objects in a tight loop (issue 9: at most 1.3x native).
#
# Four threads each run `with lock:` ITERATIONS times around a tiny update. "own": each thread has
# a lock of its own (uncontended, but the threads still hand the GIL to each other); "shared": the
# four take one lock (a thread that loses the GIL while holding it makes the others block in the
# lock's semaphore: the slow path). CPython's Lock is a sem_t: an acquire is sem_trywait (and
# sem_wait or sem_clockwait when it must wait), a release sem_post, all calls lockhound wraps.
#
# Usage: python3 python_lock_heavy.py [own|shared] [ITERATIONS_PER_THREAD]
# Prints the time from the first thread's start to the last join (measured inside the program, so
# the interpreter's and lockhound's start-up and final report are left out) and that time divided
# by the number of `with lock:` rounds of all threads together. tests/bench/run-bench runs it.
import sys
import threading
import time

THREADS = 4
DEFAULT_ITERATIONS = 1000000


def worker(lock, iterations, counts, me):
    n = 0
    for _ in range(iterations):
        with lock:
            n += 1
    counts[me] = n


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "own"
    iterations = int(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_ITERATIONS
    if mode not in ("own", "shared") or iterations <= 0:
        sys.exit("usage: python_lock_heavy.py [own|shared] [ITERATIONS_PER_THREAD]")
    shared = threading.Lock()
    locks = [shared if mode == "shared" else threading.Lock() for _ in range(THREADS)]
    counts = [0] * THREADS
    threads = [threading.Thread(target=worker, args=(locks[i], iterations, counts, i))
               for i in range(THREADS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    rounds = THREADS * iterations
    assert sum(counts) == rounds
    print("python_lock_heavy: mode=%s threads=%d iterations=%d elapsed=%.3f ns_per_round=%.1f"
          % (mode, THREADS, iterations, elapsed, elapsed * 1e9 / rounds))


main()
