#!/bin/sh
# desc: text tools on a generated file: grep, sed, awk, sort, uniq, cut, tr, wc
# posix: yes
cd /tmp
i=0
# 3000 lines: id, a word from a cycle, a number, a key=value field.
awk 'BEGIN {
	split("alpha beta gamma delta epsilon zeta eta theta", w, " ")
	for (i = 1; i <= 3000; i++)
		printf "%05d %s %d key%d=value%d\n", i, w[(i * 7) % 8 + 1], (i * 7919) % 1001, i % 13, (i * i) % 17
}' >data.txt
wc -l <data.txt
wc data.txt
grep -c alpha data.txt
grep -n 'key3=value1$' data.txt | head -n 3
grep -v -e alpha -e beta data.txt | wc -l
grep -E '^0+12[0-9] (gamma|eta) ' data.txt
grep -o 'value1[0-6]' data.txt | sort | uniq -c
sed -n '100,105p' data.txt
sed -e 's/\(alpha\|beta\)/<\1>/' -e '/gamma/d' data.txt | head -n 5
sed -E 's/^([0-9]+) ([a-z]+)/\2:\1/' data.txt | tail -n 3
awk '{ n[$2]++; s[$2] += $3 } END { for (k in n) printf "%s %d %d\n", k, n[k], s[k] }' data.txt | sort
awk -F'[ =]' '$4 == "key7" && $5 == "value9" { print $1 }' data.txt | tr '\n' ' '; echo
awk 'NR % 500 == 0 { printf "%s|%-8s|%5.1f\n", $1, $2, $3 / 7 }' data.txt
sort -k3,3n -k1,1r data.txt | head -n 4
sort -k2,2 -u data.txt | cut -d' ' -f2
cut -d' ' -f2 data.txt | sort | uniq -c | sort -k1,1nr -k2
cut -c1-5,7-9 data.txt | tail -n 2
tr -d '0-9' <data.txt | tr -s ' ' | sort | uniq | wc -l
tr 'a-z' 'A-Z' <data.txt | head -n 2
tr -s 'a-z' '*' <data.txt | head -n 2
cut -d' ' -f3 data.txt | sort -n | uniq | wc -l
cut -d' ' -f3 data.txt | sort -n | awk '{ a[NR] = $1 } END { print "median", a[int(NR / 2)], "max", a[NR] }'
sort data.txt | sha256sum
head -n 20 data.txt | paste - - | cut -f2
wc -c -w -l data.txt
