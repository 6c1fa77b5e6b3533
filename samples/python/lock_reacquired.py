# lock_reacquired.py - a thread takes a threading.Lock it already holds, and waits for itself for
# ever (the C version is samples/deadlock/self_deadlock.c).
#
# What it shows: log_line() takes log_lock to print one line. flush_all() takes log_lock too and,
# in the middle, calls log_line() to say what it is doing. The thread now asks for a lock it holds
# itself. A threading.Lock does not know its owner (any thread may release it): the thread blocks
# until someone releases the lock, and nobody will. Without lockhound the program hangs until it
# is killed (Ctrl-C interrupts it only because this happens in the main thread).
#
# What to look for: a self-deadlock on log_lock, reported before the thread blocks: where it took
# log_lock the first time and where it asks for it again. Then lockhound ends the program.
#
# How to fix: split each function into a locked wrapper and an unlocked body (_log_line_locked()
# called with the lock held), so that no path takes the lock twice. A threading.RLock also "works",
# but hides who holds what (see rlock_reentry.py).
#
# lockhound-expect: self-deadlock log_lock
import threading

log_lock = threading.Lock()
pending_lines = ["started", "working", "done"]


def log_line(text):
    with log_lock:  # second time round: the caller already holds it
        print("log:", text, flush=True)


def flush_all():
    with log_lock:
        while pending_lines:
            log_line("flushing " + pending_lines.pop(0))  # takes log_lock again


flush_all()
print("never printed")
