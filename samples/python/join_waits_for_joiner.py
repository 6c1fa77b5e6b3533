# join_waits_for_joiner.py - main joins a thread while holding the lock that thread needs (the C
# version is samples/deadlock/join_holding_lock.c).
#
# What it shows: main takes results_lock, starts a worker and waits for it in join(); the worker,
# to finish, must take results_lock to store its result. Main waits for the worker, the worker
# waits for main: a deadlock made of one lock and one join. It happens on every run: main holds the
# lock before the worker exists. Without lockhound it hangs.
#
# What to look for: a deadlock with two threads: main in join() waiting for the worker, the worker
# waiting for results_lock, which main holds (and where main took it). Then lockhound ends the
# program.
#
# How to fix: never wait for a thread (join(), or an Event it must set) while holding a lock that
# thread may need: join first, then lock.
#
# lockhound-expect: deadlock results_lock
import threading

results_lock = threading.Lock()
results = []


def worker():
    with results_lock:  # main holds it and waits for us: for ever
        results.append(42)


with results_lock:
    t = threading.Thread(target=worker)
    t.start()
    t.join()  # the bug: joining while holding the lock the worker needs
print("never printed")
