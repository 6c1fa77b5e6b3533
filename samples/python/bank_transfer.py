# bank_transfer.py - a lock order that depends on the data: transfer(src, dst) locks src first
# (the C version is samples/deadlock/bank_transfer.c).
#
# What it shows: every Account has its own lock (self.lock), and transfer() locks the source
# account, then the destination. There is only one function and nothing looks wrong in it, but the
# order of the two locks is chosen by the arguments: one thread pays from account 0 to account 1
# (locks account 0's lock, then account 1's), the other from 1 to 0 (the opposite order). Two
# opposite transfers at the same moment deadlock. An Event sequences the two threads, so this run
# never hangs.
#
# What to look for: a lock-order inversion between accounts[0].lock and accounts[1].lock (lockhound
# names each lock by the line that made it, self.lock in Account.__init__, and the instance by the
# line that made that: the list accounts, in creation order); both steps point at the same two
# lines of transfer(), reached with different arguments.
#
# How to fix: lock the two accounts in a fixed order that does not depend on the direction of the
# transfer, e.g. the lower account number first:
#     first, second = sorted((src, dst), key=lambda account: account.number)
#
# lockhound-expect: lock-order-inversion accounts[0].lock accounts[1].lock
import threading


class Account:
    def __init__(self, number, balance):
        self.number = number
        self.balance = balance
        self.lock = threading.Lock()


def transfer(src, dst, amount):
    with src.lock:
        with dst.lock:  # holds src.lock, wants dst.lock
            src.balance -= amount
            dst.balance += amount


accounts = [Account(0, 100), Account(1, 100)]
first_done = threading.Event()  # set when the first transfer is over


def pay_0_to_1():
    transfer(accounts[0], accounts[1], 30)
    first_done.set()


def pay_1_to_0():
    first_done.wait()  # only so that this run cannot hang
    transfer(accounts[1], accounts[0], 20)


threads = [threading.Thread(target=pay_0_to_1), threading.Thread(target=pay_1_to_0)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("balances:", [account.balance for account in accounts])
