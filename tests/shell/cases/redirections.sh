#!/bin/bash
# desc: redirections: > >> 2>&1 < <<< fd 3, {var}>, noclobber, exec, <>
cd /tmp
echo first >out.txt
echo second >>out.txt
cat out.txt
ls /nonexistent >both.txt 2>&1; echo "ls status: $?"
cat both.txt
ls /nonexistent 2>&1 >/dev/null | sed 's/^/stderr via pipe: /'
{ echo to-out; echo to-err >&2; } >split.out 2>split.err
echo "out: $(cat split.out) err: $(cat split.err)"
wc -l <out.txt
tr a-z A-Z <<<"here string $HOME"
read -r a b c <<<"x y z"; echo "read: $c $b $a"
exec 3>fd3.txt
echo "via fd 3" >&3
echo "again fd 3" >&3
exec 3>&-
cat fd3.txt
exec 3<fd3.txt
read -r line <&3; echo "read fd 3: $line"
read -r line <&3; echo "read fd 3: $line"
exec 3<&-
exec {fd}>named.txt
echo "named fd" >&$fd
exec {fd}>&-
cat named.txt
echo "fd closed: $( { echo x >&3; } 2>&1 | sed 's/^[^:]*: line [0-9]*: //')"
set -o noclobber
{ echo clobber >out.txt; } 2>&1 | sed 's/^[^:]*: line [0-9]*: //'
echo forced >|out.txt; cat out.txt
set +o noclobber
exec 4<>rw.txt; echo "read-write" >&4; exec 4>&-; cat rw.txt
echo "both" &>amp.txt; cat amp.txt
ls /nonexistent &>>amp.txt; wc -l <amp.txt
{ echo a; echo b >&2; echo c; } 2>&1 | sort
exec 5>&1; out=$(echo "to saved stdout" >&5; echo captured); exec 5>&-; echo "$out"
cat </dev/null; echo "empty stdin: $?"
head -c 100000 /dev/zero | wc -c
