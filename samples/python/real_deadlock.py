# real_deadlock.py - the AB/BA deadlock of ab_ba.py, this time for real, every time (the C version
# is samples/deadlock/really_deadlocks.c).
#
# What it shows: one thread takes lock_a then lock_b, the other lock_b then lock_a. Two Events make
# both threads hold their first lock before either asks for its second, so each waits for the
# other for ever: a real deadlock on every run, not just a possible one. Without lockhound the
# program hangs (Ctrl-C does not help: the threads are not the main thread).
#
# What to look for: a deadlock within a second: for each thread, the lock it waits for, the line
# where it blocks, and where the other thread took that lock. Then lockhound ends the program (exit
# code 66). The lock-order inversion is reported as well, as for ab_ba.py: it is the cause, the
# deadlock is what the cause did in this run.
#
# How to fix: one global lock order, as for ab_ba.py: both threads take lock_a first.
#
# lockhound-expect: deadlock lock_a lock_b
# lockhound-expect: lock-order-inversion lock_a lock_b
import threading

lock_a = threading.Lock()
lock_b = threading.Lock()
a_held = threading.Event()  # the two Events force the worst interleaving
b_held = threading.Event()


def move_a_to_b():
    with lock_a:
        a_held.set()
        b_held.wait()
        with lock_b:  # the other thread holds lock_b and wants lock_a
            pass


def move_b_to_a():
    with lock_b:
        b_held.set()
        a_held.wait()
        with lock_a:  # the other thread holds lock_a and wants lock_b
            pass


threads = [threading.Thread(target=move_a_to_b), threading.Thread(target=move_b_to_a)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("never printed")
