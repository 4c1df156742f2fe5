#!/bin/bash
# desc: trap on SIGCHLD: one run of the trap per child that exits
n=0
trap 'n=$((n + 1))' CHLD
for i in 1 2 3 4 5; do (exit $i) & done
wait
echo "after 5 background children: $n"
for i in 1 2 3; do /bin/true; done
echo "after 3 foreground commands: $n"
x=$(echo hi)
echo "after a command substitution: $n"
for i in $(seq 1 20); do sleep 0.01 & done
wait
echo "after 20 sleeps: $n"
trap - CHLD
/bin/true
echo "after reset: $n"
# A SIGCHLD trap that itself reaps nothing but records the order of events.
trap 'echo "child ended"' CHLD
(sleep 0.05) &
wait
echo "done"
