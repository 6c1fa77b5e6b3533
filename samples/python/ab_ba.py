# ab_ba.py - the classic deadlock in Python: two threads take the same two locks in opposite
# orders (the C version is samples/deadlock/ab_ba.c).
#
# What it shows: one thread takes lock_a then lock_b, the other lock_b then lock_a. If the first
# holds lock_a while the second holds lock_b, each waits for the other for ever. Here the second
# thread waits for an Event the first sets once it has let go of both locks, so this run can never
# hang - but nothing in the transfers themselves stops the two threads from running at the same
# time: the deadlock did not happen, and it could have. (The Event, like a semaphore in C, does
# not order the threads for lockhound: only starting a thread and joining it do.)
#
# What to look for: a lock-order inversion between lock_a and lock_b, with the line where each
# thread held one lock and asked for the other. lockhound finds it although the run went fine,
# because it checks the order in which locks are taken, not whether a thread waited.
#
# How to fix: one global order ("lock_a before lock_b") everywhere. The Event does not fix it: it
# only makes this run harmless.
#
# lockhound-expect: lock-order-inversion lock_a lock_b
import threading

lock_a = threading.Lock()
lock_b = threading.Lock()
first_done = threading.Event()  # set when the first transfer has released both locks
balance = {"a": 100, "b": 100}


def move_a_to_b():
    with lock_a:
        with lock_b:  # holds lock_a, wants lock_b
            balance["a"] -= 10
            balance["b"] += 10
    first_done.set()


def move_b_to_a():
    first_done.wait()  # only so that this run cannot hang
    with lock_b:
        with lock_a:  # holds lock_b, wants lock_a: the opposite order
            balance["b"] -= 5
            balance["a"] += 5


# Both threads exist at the same time: neither is joined before both are started.
t1 = threading.Thread(target=move_a_to_b)
t2 = threading.Thread(target=move_b_to_a)
t1.start()
t2.start()
t1.join()
t2.join()
print("a=%d b=%d" % (balance["a"], balance["b"]))
