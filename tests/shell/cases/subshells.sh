#!/bin/sh
# desc: $(...), backquotes, nested subshells, { } groups, variable scope
# posix: yes
x=outer
(x=inner; echo "in subshell: $x")
echo "after subshell: $x"
{ x=group; echo "in group: $x"; }
echo "after group: $x"
echo "nested: $(echo a$(echo b$(echo c$(echo d))))"
echo "backquotes: `echo one \`echo two\``"
(exit 3); echo "subshell exit: $?"
( (exit 4) ); echo "nested exit: $?"
v=$(exit 5); echo "command substitution exit: $?"
lines=$(printf 'a\nb\n\n\n'); echo "trailing newlines stripped: [$lines]"
count=$(seq 1 1000 | wc -l); echo "count: $count"
( cd /tmp && echo "cwd in subshell: $(pwd)" ); echo "cwd after: $(pwd)"
f() { local_var=set; echo "in function: $1 $#"; return 6; }
out=$(f a b c); echo "function via \$(): $out, status $?"
( set -e; false; echo "not reached" ); echo "set -e subshell: $?"
echo "arithmetic: $(( $(echo 6) * $(echo 7) ))"
big=$(seq 1 20000); echo "big substitution: ${#big}"
(echo to-stderr >&2) 2>&1 | sed 's/^/piped: /'
umask 077; (umask); umask 022; umask
