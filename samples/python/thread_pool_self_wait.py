# thread_pool_self_wait.py - a task in a pool of one waits for the result of another task of the
# same pool (course: ThreadPoolExecutor; the C pool is samples/basics/thread_pool.c).
#
# What it shows: pool = ThreadPoolExecutor(max_workers=1). make_report() runs in the pool and
# submits load_data() to the same pool, then waits for it with future.result(). load_data() sits in
# the pool's queue until a worker is free, and the only worker is the one waiting for it. Main waits
# for the report in report.result(). Nothing can move: a stall (the wait for a pool slot is not a
# lock, so this is no lock cycle). Without lockhound it hangs.
#
# What to look for: after the stall timeout, a stall: the pool's worker in future.result(), main
# in report.result(). Then lockhound ends the program.
#
# How to fix: never wait inside a task for another task of the same bounded pool. Submit both from
# the outside and wait there (or chain them with future.add_done_callback), or give the inner work
# a pool of its own.
#
# lockhound-expect: stall future.result() report.result()
from concurrent.futures import ThreadPoolExecutor


def load_data():
    return [3, 1, 2]


def make_report():
    future = pool.submit(load_data)  # queued behind this very task
    data = future.result()  # waits for the pool's only worker: itself
    return sorted(data)


with ThreadPoolExecutor(max_workers=1) as pool:
    report = pool.submit(make_report)
    print(report.result())
print("never printed")
