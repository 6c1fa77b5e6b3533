# subinterpreter_threads.py - threads taking locks in a (legacy, non-isolated) subinterpreter,
# while the main interpreter's threads take their own: lockhound must neither crash nor change what
# the program prints. Once a subinterpreter exists, PyGILState_Check answers yes for every thread,
# GIL or not; reading Python stacks on that answer crashed the interpreter (CPython's
# test_threading, test_threads_join). Prints "subinterpreter done" and exits 0.
import threading

import _testcapi

code = """if 1:
    import threading
    lock = threading.Lock()
    done = []
    def work():
        for _ in range(2000):
            with lock:
                done.append(1)
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(done) == 8000
"""

main_lock = threading.Lock()


def main_work():
    for _ in range(20000):
        with main_lock:
            pass


workers = [threading.Thread(target=main_work) for _ in range(2)]
for w in workers:
    w.start()
for _ in range(5):
    assert _testcapi.run_in_subinterp(code) == 0
for w in workers:
    w.join()
print("subinterpreter done")
