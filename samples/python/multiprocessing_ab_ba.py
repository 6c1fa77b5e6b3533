# multiprocessing_ab_ba.py - the AB/BA deadlock between two processes, with multiprocessing.Lock
# (the C counterpart is samples/deadlock/ab_ba.c, with threads).
#
# What it shows: a multiprocessing.Lock is one lock shared by several processes (a named POSIX
# semaphore in shared memory). One worker process takes lock_a then lock_b, the other lock_b then
# lock_a. If the first holds lock_a while the second holds lock_b, both processes wait for ever.
# Here the second waits for an Event the first sets once it has let go of both locks, so this run
# never hangs - but nothing in the work itself keeps the two processes apart.
#
# What to look for: a lock-order inversion between lock_a and lock_b, whose two steps are in two
# different processes (each step names its process and thread).
#
# How to fix: one global order ("lock_a before lock_b") in every process, as for threads.
#
# lockhound-expect: lock-order-inversion lock_a lock_b
import multiprocessing


def move_a_to_b(lock_a, lock_b, first_done):
    with lock_a:
        with lock_b:  # holds lock_a, wants lock_b
            pass
    first_done.set()


def move_b_to_a(lock_a, lock_b, first_done):
    first_done.wait()  # only so that this run cannot hang
    with lock_b:
        with lock_a:  # holds lock_b, wants lock_a: the opposite order
            pass


if __name__ == "__main__":
    lock_a = multiprocessing.Lock()
    lock_b = multiprocessing.Lock()
    first_done = multiprocessing.Event()
    workers = [multiprocessing.Process(target=move_a_to_b, args=(lock_a, lock_b, first_done)),
               multiprocessing.Process(target=move_b_to_a, args=(lock_a, lock_b, first_done))]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print("exit codes:", [w.exitcode for w in workers])
