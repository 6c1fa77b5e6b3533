# event_never_set.py - a thread waits for an Event that nobody will set (the C counterpart is
# samples/stall/lost_wakeup.c).
#
# What it shows: the loader thread waits in done.wait() until main has read the configuration and
# set done. Main sets it only on success: the configuration is empty, main takes the error path,
# forgets the Event and waits for the loader in join(). Both wait for ever. Without lockhound it
# hangs.
#
# What to look for: after the stall timeout, a stall: the loader in done.wait(), main in join().
# Then lockhound ends the program.
#
# How to fix: set (or otherwise signal) the Event on every path, error paths included - a
# try/finally: done.set(), with a flag saying whether it succeeded - or wait with a timeout,
# done.wait(timeout=...), and handle False.
#
# lockhound-expect: stall done.wait()
import threading

done = threading.Event()
config = {}


def loader():
    done.wait()  # main never sets it on its error path
    print("loading with", config)


worker = threading.Thread(target=loader)
worker.start()
lines = []  # the configuration file was empty
if lines:
    config.update(line.split("=", 1) for line in lines)
    done.set()
else:
    print("no configuration", flush=True)  # the bug: the error path forgets done.set()
worker.join()
print("never printed")
