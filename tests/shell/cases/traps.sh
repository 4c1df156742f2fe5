#!/bin/sh
# desc: trap: SIGTERM to itself and to a child, USR1, EXIT, reset with trap -
# posix: yes
trap 'echo "caught TERM"' TERM
kill -TERM $$
echo "after TERM to self"
trap 'echo "caught USR1"; got=1' USR1
kill -USR1 $$
echo "got=$got"
trap - TERM
# A child shell that traps TERM and exits with its own status.
rm -f /tmp/ready
sh -c 'trap "echo child caught TERM; exit 7" TERM; : >/tmp/ready; while :; do sleep 0.01; done' &
child=$!
while [ ! -e /tmp/ready ]; do sleep 0.01; done
kill -TERM $child
wait $child; echo "child exit: $?"
# A child without a trap dies of SIGTERM: 128 + 15.
sleep 100 & victim=$!
kill -TERM $victim
{ wait $victim; echo "untrapped child: $?"; } 2>/dev/null
# Ignored signals stay ignored in children.
( trap '' TERM; sh -c 'kill -TERM $$; echo "ignored TERM survived"' )
# A subshell's EXIT trap runs when the subshell ends.
( trap 'echo "subshell EXIT trap"' EXIT; echo "in subshell"; exit 2 ); echo "subshell: $?"
# The script's own EXIT trap sees the exit status.
trap 'rc=$?; echo "EXIT trap, status $rc"' EXIT
# TERM to self with a trap that exits.
trap 'echo "TERM: exiting 3"; exit 3' TERM
kill -TERM $$
echo "not reached"
