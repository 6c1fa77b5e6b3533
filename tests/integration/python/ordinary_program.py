# ordinary_program.py - an ordinary Python program, correct, that uses what a course program
# uses: threads sharing a lock, a queue.Queue with producer and consumers, a ThreadPoolExecutor,
# a multiprocessing.Pool of 4 processes, and then an idle service that waits until SIGTERM.
#
# test_python_programs.c runs it natively and under `lockhound run` and compares: its stdout
# (but for the pid on the "ready" line) and exit code must be the same, and lockhound must find
# nothing. Everything it prints is deterministic. The idle phase outlives lockhound's stall
# timeout (the test sends SIGTERM 30 s after "ready"): main waits for its SIGTERM handler, either
# in Event.wait() (argument "event", the default) or in signal.pause() ("pause"), while two queue
# workers wait in get() for jobs that come only at shutdown. The handler sets the Event (and a
# flag); main then stops the workers, prints "clean shutdown" and exits 0. (CPython runs a Python
# signal handler between bytecodes, so a signal that came in the instant between the flag's check
# and pause() would wait for the next one: the test's SIGTERM comes 30 s after "ready", when main
# has long been waiting, and a time limit ends the run if it ever did not.)
import concurrent.futures
import multiprocessing
import os
import queue
import signal
import sys
import threading


def square(n):
    return n * n


def counting_threads():
    """4 threads add to one counter under one Lock."""
    lock = threading.Lock()
    total = [0]

    def add(k):
        for _ in range(10000):
            with lock:
                total[0] += k

    threads = [threading.Thread(target=add, args=(k,)) for k in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return total[0]


def producer_consumers():
    """One producer, three consumers, a bounded queue.Queue, a None per consumer at the end."""
    jobs = queue.Queue(maxsize=8)
    results = queue.Queue()

    def consumer():
        while True:
            job = jobs.get()
            if job is None:
                return
            results.put(job * 2)

    consumers = [threading.Thread(target=consumer) for _ in range(3)]
    for c in consumers:
        c.start()
    for job in range(1000):
        jobs.put(job)
    for _ in consumers:
        jobs.put(None)
    for c in consumers:
        c.join()
    return sum(results.get() for _ in range(1000))


def thread_pool():
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(square, range(20)))


def process_pool():
    pool = multiprocessing.Pool(4)
    try:
        return pool.map(square, range(40))
    finally:
        pool.close()  # the workers finish and exit (the `with` block would terminate them)
        pool.join()


def idle_service(mode):
    stop = threading.Event()
    stopped = [False]
    jobs = queue.Queue()
    done = []

    def on_sigterm(signum, frame):
        stopped[0] = True
        stop.set()

    def worker():
        while True:
            job = jobs.get()
            if job is None:
                return
            done.append(job)

    signal.signal(signal.SIGTERM, on_sigterm)
    workers = [threading.Thread(target=worker) for _ in range(2)]
    for w in workers:
        w.start()
    print("ready", os.getpid(), flush=True)
    if mode == "pause":
        while not stopped[0]:
            signal.pause()
    else:
        stop.wait()
    jobs.put("last job")
    for _ in workers:
        jobs.put(None)
    for w in workers:
        w.join()
    print("workers did", done, flush=True)


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "event"
    print("threads:", counting_threads(), flush=True)
    print("queue:", producer_consumers(), flush=True)
    print("thread pool:", thread_pool(), flush=True)
    print("process pool:", process_pool(), flush=True)
    idle_service(mode)
    print("clean shutdown", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
