#!/bin/bash
# desc: process substitution <(...) and >(...), which use /dev/fd
diff <(seq 1 5) <(seq 1 6); echo "diff status: $?"
paste <(seq 1 3) <(seq 11 13) <(echo x; echo y; echo z)
mapfile -t lines < <(seq 3 -1 1); echo "mapfile: ${lines[*]}"
tee >(wc -c >/tmp/count) <<<"hello tee" >/dev/null
wait $!
cat /tmp/count
while read -r n; do s=$((s + n)); done < <(seq 1 100); echo "sum in this shell: $s"
cat /dev/stdin <<<"via /dev/stdin"
echo "via /dev/stderr" >/dev/stderr
ls -l /proc/self/fd/0 /dev/fd/0 >/dev/null 2>&1; echo "/dev/fd/0: $?"
