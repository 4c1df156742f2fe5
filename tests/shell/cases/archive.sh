#!/bin/sh
# desc: tar czf, tar xzf, diff -r, tar tf; gzip/gunzip round trip with sha256sum
# posix: yes
set -e
cd /tmp
mkdir -p src/a/b/c src/empty
seq 1 20000 >src/numbers
printf 'hello\n' >src/a/hello
printf 'binary\000data\001\002\n' >src/a/b/bin
awk 'BEGIN { for (i = 0; i < 5000; i++) print i, i * i, "padding padding padding" }' >src/a/b/c/table
ln -s ../numbers src/a/link
chmod 0600 src/a/hello
touch -d '2021-02-03 04:05:06' src/a/hello src/numbers
tar czf src.tar.gz src
mkdir out
tar xzf src.tar.gz -C out
diff -r src out/src && echo "diff -r: identical"
tar tzf src.tar.gz | sort
ls -l out/src/a/hello | cut -d' ' -f1
stat -c '%a %Y %s %N' out/src/a/hello out/src/numbers
stat -c '%a %s %N' out/src/a/link
echo changed >>out/src/a/hello
diff -r src out/src || echo "diff -r after a change: $?"
# gzip and gunzip, keeping a checksum.
cp src/numbers n.txt
sha256sum n.txt >n.sum
gzip -9 n.txt
[ ! -e n.txt ] && [ -e n.txt.gz ] && echo "gzip replaced the file"
gzip -t n.txt.gz && echo "gzip -t: ok"
gunzip n.txt.gz
sha256sum -c n.sum
gzip -c n.txt | gunzip -c | sha256sum
gzip -c n.txt >n2.gz && gzip -dc n2.gz | cmp - n.txt && echo "gzip -dc | cmp: same"
gzip -l n2.gz | tail -n 1 | awk '{ print $2 }'
printf 'not gzip' >bad.gz
if gunzip -t bad.gz 2>/dev/null; then echo "bad.gz accepted"; else echo "bad.gz rejected"; fi
