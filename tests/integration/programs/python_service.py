# python_service.py - a Python service at rest: queue workers wait for jobs, main waits in
# Event.wait() until its SIGTERM handler sets the event (CPython's locks are sem_t, and CPython
# itself handles SIGINT). No stall: a signal is the wake-up. Prints "ready <pid>", then
# "clean shutdown" after SIGTERM, and exits 0.
import os, queue, signal, threading

jobs = queue.Queue()
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda sig, frame: stop.set())

def worker():
    while jobs.get() is not None:
        pass

workers = [threading.Thread(target=worker) for _ in range(2)]
for w in workers:
    w.start()
print("ready", os.getpid(), flush=True)
stop.wait()
for w in workers:
    jobs.put(None)
for w in workers:
    w.join()
print("clean shutdown", flush=True)
