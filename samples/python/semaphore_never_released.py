# semaphore_never_released.py - a worker takes a Semaphore and forgets to give it back (the C
# counterpart is samples/stall/stall_semaphore.c).
#
# What it shows: slots = threading.Semaphore(1) lets one worker at a time use the printer. A worker
# takes it with slots.acquire() and should call slots.release() when done; on one path (here, the
# one taken: the job is empty) it returns early and forgets. The next worker waits in
# slots.acquire() for a slot that nobody will give back, and main waits for it in join(). The
# forgetful worker has ended: every thread left is blocked for ever. Without lockhound it hangs.
#
# What to look for: after the stall timeout, a stall: the second worker in slots.acquire(), main in
# join(). Then lockhound ends the program.
#
# How to fix: `with slots:` gives the slot back on every path, early returns and exceptions
# included (or try/finally around the work).
#
# lockhound-expect: stall slots.acquire()
import threading

slots = threading.Semaphore(1)


def print_job(name, pages):
    slots.acquire()
    if not pages:
        return  # the bug: the early return skips slots.release()
    print("%s: %d pages" % (name, len(pages)))
    slots.release()


first = threading.Thread(target=print_job, args=("empty job", []))
first.start()
first.join()  # the forgetful worker is done: nobody holds a slot and nobody will release one
second = threading.Thread(target=print_job, args=("report", ["p1", "p2"]))
second.start()
second.join()
print("never printed")
