# queue_nobody_feeds.py - a consumer waits in queue.get() for an item no thread will ever put (the
# C counterpart is samples/stall/stall_semaphore.c).
#
# What it shows: the producer puts the 3 jobs of the day in jobs (a queue.Queue) and ends; the
# consumer was written for 4 (an off-by-one, or a producer that failed half way) and calls
# jobs.get() a fourth time. get() waits for ever by default, and no thread is left to put: the
# consumer and main (in join()) are blocked for good. Without lockhound it hangs.
#
# What to look for: after the stall timeout, a stall: the consumer in jobs.get(), main in join().
# Then lockhound ends the program.
#
# How to fix: end the queue with a sentinel the producer always puts (jobs.put(None) in a finally:,
# one per consumer), or let the consumer give up: jobs.get(timeout=...) raises queue.Empty.
#
# lockhound-expect: stall jobs.get()
import queue
import threading

jobs = queue.Queue()


def producer():
    for job in ("invoices", "payroll", "backup"):
        jobs.put(job)


def consumer():
    for _ in range(4):  # the bug: there are 3 jobs
        job = jobs.get()
        print("done:", job, flush=True)


threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("never printed")
