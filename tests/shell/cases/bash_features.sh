#!/bin/bash
# desc: bash: arrays, [[ ]], parameter expansion, read, printf -v, mapfile, functions
set -u
arr=(one "two words" three)
echo "${#arr[@]} ${arr[1]} ${arr[*]: -1}"
arr+=(four); unset 'arr[0]'; echo "${!arr[@]}"
declare -A map=([b]=2 [a]=1 [c]=3)
for k in $(printf '%s\n' "${!map[@]}" | sort); do echo "$k=${map[$k]}"; done
s="Hello, World"
echo "${s,,} ${s^^} ${s/World/There} ${s:7:3} ${#s} ${s%%,*} ${s##* }"
[[ $s == Hello* && $s =~ W(or)ld ]] && echo "match: ${BASH_REMATCH[1]}"
(( x = 6 * 7, x > 40 )) && echo "arith: $x"
printf -v padded '%05d|%-6s|%x' 42 ab 255; echo "$padded"
mapfile -t lines <<<"$(seq 3 -1 1)"; echo "mapfile: ${lines[*]}"
IFS=: read -r user _ uid _ <<<"root:x:0:0:root:/root:/bin/bash"; echo "read: $user $uid"
fact() { local n=$1; (( n <= 1 )) && { echo 1; return; }; echo $(( n * $(fact $((n - 1))) )); }
echo "fact 15: $(fact 15)"
for ((i = 0; i < 3; i++)); do printf '%d ' $i; done; echo
case "file.tar.gz" in *.tar.gz) echo "tarball";; *) echo other;; esac
shopt -s extglob; f=aaa-bbb; echo "${f//+(a)/A}"
echo {1..5} {a..c}{x,y}
printf '%s\n' "${arr[@]}" | sort -r
declare -i n=10; n+=5; echo "declare -i: $n"
echo "$(( 2 ** 40 )) $(( -7 / 2 )) $(( 0x10 + 010 + 2#101 ))"
trap 'echo "ERR at line $LINENO"' ERR
false
echo "done: ${FUNCNAME[*]:-main} ${BASH_SOURCE[0]}"
