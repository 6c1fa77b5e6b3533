# rlock_reentry.py - an RLock taken again by the thread that already holds it (the C version is
# samples/false_alarms/recursive_mutex.c).
#
# What it shows: account_lock is a threading.RLock. transfer() takes it and calls deposit(), which
# takes it again: the holder may take an RLock again (it counts the depth, and release() must be
# called as often). With a threading.Lock this would hang the thread on itself (see
# lock_reacquired.py). Two threads do transfers at the same time; both take audit_lock inside
# account_lock, in the same order.
#
# What to look for: nothing. Taking an RLock its holder already holds is no new acquisition, so it
# cannot make a cycle "account_lock waits for account_lock".
#
# Beware: re-entrant locks hide design problems (who holds what, and why, is no longer clear).
# Prefer a Lock and an internal _deposit_locked() that expects the lock to be held.
#
# lockhound-expect: none
import threading

account_lock = threading.RLock()
audit_lock = threading.Lock()
state = {"balance": 0, "audited": 0}


def deposit(amount):
    with account_lock:  # already held by this thread when called from transfer()
        state["balance"] += amount
        with audit_lock:
            state["audited"] += 1


def transfer(amount):
    with account_lock:
        deposit(amount)
        deposit(-amount // 2)


def teller():
    for _ in range(2000):
        transfer(10)


threads = [threading.Thread(target=teller) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("balance=%d audited=%d" % (state["balance"], state["audited"]))
