# trylock_backoff.py - two threads take two locks in opposite orders, but the second lock of each
# is only tried (acquire(blocking=False)); on failure the thread lets go of the first and starts
# again (the C counterpart is samples/false_alarms/trylock_backoff.c).
#
# What it shows: a try never waits, so it cannot close a cycle of waiting threads: this code
# cannot deadlock (it may retry, a livelock risk it limits by giving up the first lock at once).
#
# What to look for: nothing. lockhound reads the line of each acquisition of a Python lock: one
# written acquire(blocking=False) (or acquire(False)) is a try, as pthread_mutex_trylock is in C.
#
# lockhound-expect: none
import threading

lock_a = threading.Lock()
lock_b = threading.Lock()
first_done = threading.Event()


def a_then_try_b():
    while True:
        with lock_a:
            if lock_b.acquire(blocking=False):
                lock_b.release()
                break
    first_done.set()


def b_then_try_a():
    first_done.wait()  # only so that both always succeed at once: the verdict needs no retry
    while True:
        with lock_b:
            if lock_a.acquire(False):
                lock_a.release()
                break


threads = [threading.Thread(target=a_then_try_b), threading.Thread(target=b_then_try_a)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("both done")
