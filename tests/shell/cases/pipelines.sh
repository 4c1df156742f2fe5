#!/bin/sh
# desc: pipelines: seq | sort -rn | head, long pipes, while-read, early close
# posix: yes
seq 1 100000 | sort -rn | head -3
seq 1 100000 | sort -n | tail -n 2
seq 1 1000 | grep 7 | sed 's/7/seven/g' | tr a-z A-Z | wc -l
seq 1 20 | while read -r n; do echo $((n * n)); done | awk '{ s += $1 } END { print "squares", s }'
sum=0
seq 1 100 | { while read -r n; do sum=$((sum + n)); done; echo "sum in pipe $sum"; }
echo "sum outside $sum"
# A writer that outlives its reader: head closes, yes gets SIGPIPE.
yes hello | head -n 2
seq 1 50000 | cat | cat | cat | cat | cat | cat | cat | cat | sha256sum
printf 'c\nb\na\nb\n' | sort | uniq -c | sort -rn
echo "last status: $(false | true; echo $?)"
echo "negated: $(! true; echo $?) $(! false; echo $?)"
