# barrier_too_large.py - a Barrier for three parties, and only two ever arrive (the C version is
# samples/stall/stall_barrier.c).
#
# What it shows: the program was written for three runners, and start_line is a Barrier(3): nobody
# starts until all three are ready. Someone changed RUNNERS to 2 and forgot the barrier. Two
# runners arrive and wait for a third that does not exist; main waits for them in join(). Every
# thread is blocked and nothing can wake any of them: a stall (no cycle of waits, so no deadlock,
# just nobody left to do the waking). Without lockhound it hangs for ever.
#
# What to look for: after the stall timeout (2 s; --stall-timeout=SEC), a stall that lists every
# thread and what it waits for: two runners in start_line.wait(), main in join(). Then lockhound
# ends the program.
#
# How to fix: size the barrier from the same constant that sizes the threads:
# threading.Barrier(RUNNERS). (A timeout, start_line.wait(timeout=5), turns the hang into a
# BrokenBarrierError.)
#
# lockhound-expect: stall start_line.wait()
import threading

RUNNERS = 2  # was 3
start_line = threading.Barrier(3)


def runner(me):
    start_line.wait()  # waits for a third runner that never comes
    print("runner %d is off" % me)


runners = [threading.Thread(target=runner, args=(i,)) for i in range(RUNNERS)]
for r in runners:
    r.start()
for r in runners:
    r.join()
print("never printed")
