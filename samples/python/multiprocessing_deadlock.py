# multiprocessing_deadlock.py - the AB/BA deadlock between two processes that really happens,
# with multiprocessing.Lock (the thread version is real_deadlock.py, the C one
# samples/deadlock/process_shared_deadlock.c).
#
# What it shows: each worker process takes one lock, tells the other through an Event, waits until
# the other holds its lock too, then asks for the other's lock. Neither process can go on: a
# deadlock across processes. Natively both workers, and the parent joining them, hang for ever.
#
# What to look for: one deadlock whose two steps are in two processes (T0@PID: pid and thread per
# step), each holding one lock and waiting for the other; lockhound ends both workers (exit code
# 66) and the parent goes on. The lock-order inversion behind it is reported too.
#
# How to fix: one global order ("lock_a before lock_b") in every process.
#
# lockhound-expect: deadlock lock_a lock_b
# lockhound-expect: lock-order-inversion lock_a lock_b
import multiprocessing


def a_then_b(lock_a, lock_b, a_held, b_held):
    with lock_a:
        a_held.set()
        b_held.wait()  # the other process now holds lock_b
        with lock_b:  # holds lock_a, waits for lock_b for ever
            pass


def b_then_a(lock_a, lock_b, a_held, b_held):
    with lock_b:
        b_held.set()
        a_held.wait()  # the other process now holds lock_a
        with lock_a:  # holds lock_b, waits for lock_a for ever
            pass


if __name__ == "__main__":
    lock_a = multiprocessing.Lock()
    lock_b = multiprocessing.Lock()
    a_held, b_held = multiprocessing.Event(), multiprocessing.Event()
    workers = [multiprocessing.Process(target=a_then_b, args=(lock_a, lock_b, a_held, b_held)),
               multiprocessing.Process(target=b_then_a, args=(lock_a, lock_b, a_held, b_held))]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print("exit codes:", [w.exitcode for w in workers])
