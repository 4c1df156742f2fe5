#!/bin/sh
# desc: xargs: -P4 parallel, -n, -I, -0, exit status 123 when a command fails
# posix: yes
seq 1 40 | xargs -P4 -n1 sh -c 'echo $(( $1 * $1 ))' _ | sort -n | tail -n 5
seq 1 40 | xargs -P4 -n1 sh -c 'echo $(( $1 * $1 ))' _ | awk '{ s += $1 } END { print "sum of squares", s }'
seq 1 10 | xargs -n3 echo
seq 1 5 | xargs -I{} echo "item {} done"
printf 'a b\0c\nd\0e\0' | xargs -0 -n1 printf '[%s]\n'
seq 1 8 | xargs -P4 -n2 sh -c 'sleep 0.05; echo "$1+$2=$(( $1 + $2 ))"' _ | sort -n
seq 1 6 | xargs -P3 -n1 sh -c '[ "$1" -ne 4 ]' _; echo "xargs with a failure: $?"
echo x | xargs sh -c 'exit 255' 2>/dev/null; echo "xargs with exit 255: $?"
mkdir -p /tmp/xa && cd /tmp/xa && seq 1 30 | xargs -P4 -I{} sh -c 'echo {} >f{}' && ls | wc -l && cat f* | sort -n | tail -n 1
