# condition_if_vs_while.py - a Condition waited for in a `while` loop, as it must be (the C
# counterpart is samples/stall/event_correct.c).
#
# What it shows: two consumers take items from a shared list; the producer appends one item at a
# time and wakes every consumer with notify_all(). Each consumer waits with
#     while not items:
#         ready.wait()
# so that a consumer woken when the other one has already taken the item checks again and goes
# back to waiting. With `if not items: ready.wait()` instead, that consumer would go on with an
# empty list (IndexError on items.pop()), and a wake-up that comes without a notify (Python allows
# spurious wake-ups) would do the same. The producer ends with one None per consumer, so both
# leave.
#
# What to look for: nothing - no stall, no finding. Condition.wait() releases the condition's lock
# while it waits, so the producer can take it to append.
#
# To see the bug: replace `while` with `if` and run it a few times: a consumer dies of IndexError.
#
# lockhound-expect: none
import threading

ready = threading.Condition()
items = []
taken = {"first": 0, "second": 0}


def consumer(name):
    while True:
        with ready:
            while not items:  # not `if`: the item may be gone when this thread runs again
                ready.wait()
            item = items.pop(0)
        if item is None:
            return
        taken[name] += item


def producer():
    for value in range(1, 201):
        with ready:
            items.append(value)
            ready.notify_all()
    with ready:
        items.extend([None, None])  # one "no more work" per consumer
        ready.notify_all()


threads = [threading.Thread(target=consumer, args=(name,)) for name in taken]
threads.append(threading.Thread(target=producer))
for t in threads:
    t.start()
for t in threads:
    t.join()
print("total taken:", sum(taken.values()))
