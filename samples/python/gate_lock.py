# gate_lock.py - opposite lock orders made safe by a common outer "gate" lock (the C version is
# samples/false_alarms/gate_lock.c).
#
# What it shows: one thread takes gate, then lock_a, then lock_b; the other takes gate, then lock_b,
# then lock_a. The inner orders are opposite, but both threads must hold gate first, so only one of
# them can be inside at a time and the circular wait can never form, whatever the schedule. Simple
# lock-graph checkers still report the a/b cycle.
#
# What to look for: nothing. lockhound drops a cycle when the threads held a common lock (the gate)
# at each of its steps.
#
# Note: the gate makes lock_a and lock_b useless for parallelism here. It is a fix when you cannot
# change the inner order, not a design goal.
#
# lockhound-expect: none
import threading

gate = threading.Lock()
lock_a = threading.Lock()
lock_b = threading.Lock()
totals = {"a": 100, "b": 100}


def move_under_gate(first, second, rounds):
    for _ in range(rounds):
        with gate:
            with first:
                with second:
                    step = -1 if first is lock_a else 1
                    totals["a"] += step
                    totals["b"] -= step


threads = [threading.Thread(target=move_under_gate, args=(lock_a, lock_b, 1000)),
           threading.Thread(target=move_under_gate, args=(lock_b, lock_a, 1000))]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("a=%d b=%d" % (totals["a"], totals["b"]))
