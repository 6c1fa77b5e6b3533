# dining_philosophers.py - five philosophers, five forks, everyone takes the left fork first
# (the C version is samples/deadlock/dining_philosophers.c).
#
# What it shows: philosopher i takes forks[i] (left), then forks[(i + 1) % 5] (right). If all five
# pick up their left fork at the same moment, every right fork is taken and nobody ever eats: a
# deadlock through a cycle of five locks. In this run the philosophers eat one after another,
# passing a token (an Event per seat), so the program always finishes.
#
# What to look for: one lock-order inversion naming forks[0] to forks[4] (the locks of the list,
# numbered in the order they were made), with five steps, one per philosopher: "holds forks[i],
# wants forks[i+1]".
#
# How to fix: every philosopher takes the lower-numbered fork first (philosopher 4 then takes
# forks[0] before forks[4]), which breaks the circle.
#
# lockhound-expect: lock-order-inversion forks[0] forks[1] forks[2] forks[3] forks[4]
import threading

SEATS = 5
forks = [threading.Lock() for _ in range(SEATS)]
turn = [threading.Event() for _ in range(SEATS)]  # turn[i] is set when philosopher i may eat
meals = [0] * SEATS


def philosopher(i):
    left, right = i, (i + 1) % SEATS
    turn[i].wait()  # only so that this run cannot hang
    with forks[left]:
        with forks[right]:  # holds the left fork, wants the right one
            meals[i] += 1
    if i + 1 < SEATS:
        turn[i + 1].set()  # pass the token on


# All five sit at the table at once: nobody is joined before everyone has started.
philosophers = [threading.Thread(target=philosopher, args=(i,)) for i in range(SEATS)]
for p in philosophers:
    p.start()
turn[0].set()
for p in philosophers:
    p.join()
print("meals:", meals)
