#!/bin/bash
# desc: bash job control: wait -n, jobs -p, kill %N, coproc, $BASHPID
set -u
sleep 1 & sleep 0.05 & (sleep 0.4; exit 3) &
echo "jobs: $(jobs -p | wc -l)"
wait -n; echo "first done: $?"
wait -n; echo "second done: $?"
wait -n; echo "third done: $?"
sleep 100 &
kill %1 2>/dev/null || kill %%
{ wait $!; echo "killed with %: $?"; } 2>/dev/null
coproc BC { while read -r a b; do echo $((a * b)); done; }
bcpid=$BC_PID
echo "6 7" >&"${BC[1]}"; read -r r <&"${BC[0]}"; echo "coproc: $r"
echo "12 12" >&"${BC[1]}"; read -r r <&"${BC[0]}"; echo "coproc: $r"
exec {BC[1]}>&-
wait "$bcpid"; echo "coproc exit: $?"
echo "\$BASHPID differs in subshell: $( [ "$(echo $BASHPID)" != "$$" ] && echo yes)"
