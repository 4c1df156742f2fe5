#!/bin/bash
# desc: trap on SIGCHLD: one run of the trap per child that exits
# bash 5.2 itself loses count (and can corrupt its heap) when many
# background children end while it is still starting others, natively
# too: each background child here is waited for before the next starts.
n=0
trap 'n=$((n + 1))' CHLD
for i in 1 2 3 4 5; do (exit $i) & wait $!; done
echo "after 5 background children: $n"
for i in 1 2 3; do /bin/true; done
echo "after 3 foreground commands: $n"
x=$(echo hi)
echo "after a command substitution: $n"
for i in $(seq 1 20); do sleep 0.01 & wait $!; done
echo "after 20 sleeps: $n"
sleep 0.2 & wait $!
echo "after a child that ends while the shell waits: $n"
seq 1 1000 | sort -rn | head -n 1 >/dev/null
echo "after a pipeline of three: $n"
trap - CHLD
/bin/true
echo "after reset: $n"
trap 'echo "child ended"' CHLD
(sleep 0.05) &
wait
echo "done"
