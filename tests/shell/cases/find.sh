#!/bin/sh
# desc: find: -exec {} \;, -exec {} +, -name, -type, -newer, -size, -delete
# posix: yes
cd /tmp
mkdir -p tree/x/y/z tree/w
for d in tree tree/x tree/x/y tree/x/y/z tree/w; do
	for f in one two three; do
		echo "$d/$f" >"$d/$f.txt"
	done
	seq 1 1000 >"$d/big.dat"
done
touch -d '2020-01-01' tree/w/one.txt
find tree -type d | sort
find tree -name 't*.txt' | sort
find tree -type f -name '*.dat' -exec wc -l {} \; | sort
find tree -type f -exec cat {} + | sort | uniq -c | sort -k2 | head -n 8
find tree -type f -name 'one.txt' -exec sh -c 'echo "$(basename "$(dirname "$1")") $(cat "$1")"' _ {} \; | sort
find tree -type f -size +1k | sort
find tree -type f ! -newer tree/w/one.txt
find tree -path '*/y/*' -prune -o -type f -name 'two.txt' -print | sort
find tree -mindepth 2 -maxdepth 2 -type d | sort
find tree -name '*.dat' -exec rm {} \;
find tree -type f | wc -l
find tree -name 'three.txt' -delete
find tree -type f | wc -l
find tree -empty
find /nonexistent 2>/dev/null; echo "find missing: $?"
