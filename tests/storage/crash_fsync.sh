#!/bin/sh
# Durability of --disk across a killed loader, and bad disks.
#   1. fsync_append (static, tests/storage/fsync_append.c) appends numbered
#      records to /data/log.R on `--disk FILE:/data`, fsync after each, and
#      prints each number once fsync returned; the xlibos process is killed
#      with SIGKILL at a random moment, ROUNDS times (most after the first
#      acknowledgement, every fifth in the first 0.15 s from the start, boot
#      included).  After each kill: all the container's host processes end
#      and none keeps FILE open; a copy
#      of FILE passes e2fsck (journal replayed, nothing else to repair) and
#      holds every acknowledged record (debugfs dump, compared byte for byte
#      with the same program's native output).  At the end, one more xlibos
#      run mounts FILE (the guest replays the journal) and finds every
#      round's acknowledged records.
#   2. The same with sqlite3 (python3's module, Debian tree) in WAL mode with
#      synchronous=FULL: each acknowledged transaction is one row; after
#      each kill the host's sqlite3 finds all of them, integrity_check ok.
#   3. With strace on the loader's threads: at least one host flush
#      (fdatasync, fsync) per record acknowledged while traced.
#   4. `:ro`: reads work, writes fail with EROFS, FILE is unchanged.
#   5. Bad disks, each a clear error and no hang or host crash: truncated
#      (2 MB, 2 MB + 100 bytes, empty), a zeroed superblock, garbage over
#      the metadata blocks, a directory.
# usage: crash_fsync.sh path/to/xlibos path/to/rootfs (the busybox tree)
# CRASH_ROUNDS (20) sets the rounds; CRASH_SEED the random seed.
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed[, N skipped]".

# Single-quoted commands are expanded by the guest's shell.
# shellcheck disable=SC2016

if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -d "$2" ]; then
	echo "usage: $0 path/to/xlibos path/to/rootfs" >&2
	exit 2
fi
xlibos=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
rootfs=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib_storage.sh
. "$here/lib_storage.sh"

ROUNDS=${CRASH_ROUNDS:-20}
SEED=${CRASH_SEED:-$(date +%s)}
XL_TIMEOUT=60
RECORD=64
echo "# seed $SEED (CRASH_SEED=$SEED reproduces the kill times)"

storage_features
if [ -z "$has_disk" ]; then
	skip "crash and bad-disk tests" "$why_disk"
	summary
	exit
fi
for tool in e2fsck debugfs; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip "crash and bad-disk tests" "$tool not installed (e2fsprogs)"
		summary
		exit
	fi
done
if ! fa=$(build_static fsync_append); then
	cp "$scratch/build.log" "$out"
	not_ok "build fsync_append (gcc -static)" "compiler failed"
	summary
	exit
fi
copy=$scratch/rootfs
cp -a "$rootfs/." "$copy"
cp "$fa" "$copy/bin/fsync_append"
disk=$scratch/disk.img

# random_delay ROUND MAX: a reproducible delay in [0, MAX) seconds.
random_delay() {
	awk -v s="$SEED" -v r="$1" -v m="$2" 'BEGIN { srand(s * 100 + r); printf "%.3f", rand() * m }'
}

# acks FILE: how many numbers FILE acknowledges, 0, 1, ... in order
# (a cut last line does not count); -1 if they are not in order.
acks() {
	awk 'BEGIN { n = 0 }
	     /^[0-9]+$/ { if ($1 != n) { print -1; bad = 1; exit } n++ }
	     END { if (!bad) print n }' "$1"
}

# wait_for_ack FILE PID: until FILE has one line, PID ended, or 60 s.
wait_for_ack() {
	wfa_left=600
	while [ "$wfa_left" -gt 0 ] && [ ! -s "$1" ] && kill -0 "$2" 2>/dev/null; do
		sleep 0.1
		wfa_left=$((wfa_left - 1))
	done
}

# host_view IMAGE: a checked copy of IMAGE in $scratch/view.img (e2fsck
# replays the journal as the next mount would); its output in
# $scratch/fsck.log, its exit status returned.
host_view() {
	cp --sparse=always "$1" "$scratch/view.img"
	e2fsck -fy "$scratch/view.img" >"$scratch/fsck.log" 2>&1
}

# dump_file PATH DEST: PATH from the checked copy into DEST (empty if none).
dump_file() {
	rm -f "$2"
	debugfs -R "dump $1 $2" "$scratch/view.img" >/dev/null 2>&1
	[ -f "$2" ] || : >"$2"
}

# expected_records N: the first N records, as the program writes them.
expected_records() {
	rm -f "$scratch/expected"
	[ "$1" -gt 0 ] && "$fa" "$scratch/expected" 0 "$1" >/dev/null
	[ -f "$scratch/expected" ] || : >"$scratch/expected"
}

# kill_round KIND ROUND CMD...: start xlibos with CMD, SIGKILL it at a random
# moment; sets k (records acknowledged) and fails on a stuck disk.
kill_round() {
	kr_kind=$1 kr_round=$2
	shift 2
	"$xlibos" "$@" >"$scratch/ack.$kr_kind.$kr_round" 2>"$scratch/err.$kr_kind.$kr_round" &
	kr_pid=$!
	if [ $((kr_round % 5)) -eq 0 ]; then
		sleep "$(random_delay "$kr_round" 0.15)"
	else
		wait_for_ack "$scratch/ack.$kr_kind.$kr_round" "$kr_pid"
		sleep "$(random_delay "$kr_round" 0.5)"
	fi
	kr_procs=$(descendants "$kr_pid")
	kill -KILL "$kr_pid" 2>/dev/null
	wait "$kr_pid" 2>/dev/null
	k=$(acks "$scratch/ack.$kr_kind.$kr_round")
	if ! all_gone "$kr_procs" 5 >"$scratch/left"; then
		leftover="$leftover round $kr_round: $(cat "$scratch/left");"
	fi
	if ! unused_by_any "$disk" 10 >"$scratch/busy"; then
		stuck="$stuck round $kr_round: $(cat "$scratch/busy");"
	fi
}

# ---------------------------------------------------------------- 1. fsync_append

make_disk "$disk" 64M >"$out" 2>&1 || { not_ok "make the disk" "mkdisk failed"; summary; exit; }
stuck='' lost='' unclean='' acked_total=0 killed_before_ack=0 disorder='' leftover=''
r=1
while [ "$r" -le "$ROUNDS" ]; do
	kill_round append "$r" run --mem 128M --rootfs "$copy" --disk "$disk:/data" -- \
		/bin/fsync_append "/data/log.$r"
	echo "$k" >"$scratch/acked.$r"
	if [ "$k" -lt 0 ]; then
		disorder="$disorder $r"
		k=0
	fi
	[ "$k" -eq 0 ] && killed_before_ack=$((killed_before_ack + 1))
	acked_total=$((acked_total + k))
	host_view "$disk"
	fsck_rc=$?
	[ "$fsck_rc" -le 1 ] || unclean="$unclean round $r (e2fsck $fsck_rc: $(grep -v '^e2fsck' "$scratch/fsck.log" | head -n 3 | tr '\n' ' '));"
	dump_file "/log.$r" "$scratch/log.dump"
	expected_records "$k"
	if [ "$k" -gt 0 ] && ! cmp -s -n $((k * RECORD)) "$scratch/expected" "$scratch/log.dump"; then
		lost="$lost round $r: $k acknowledged, $(($(stat -c %s "$scratch/log.dump") / RECORD)) on disk;"
	fi
	r=$((r + 1))
done
echo "# $ROUNDS rounds, $acked_total records acknowledged in all, $killed_before_ack rounds killed before the first"
if [ -n "$disorder" ]; then
	not_ok "fsync_append: acknowledgements in order" "rounds:$disorder"
fi
if [ "$acked_total" -eq 0 ]; then
	cat "$scratch/err.append.1" >"$out"
	not_ok "fsync_append: records acknowledged before the kills" "none in $ROUNDS rounds"
else
	ok "fsync_append: records acknowledged before the kills ($acked_total)"
fi
if [ -z "$leftover" ]; then
	ok "after SIGKILL of the loader all the container's host processes end"
else
	not_ok "after SIGKILL of the loader all the container's host processes end" "$leftover"
fi
if [ -z "$stuck" ]; then
	ok "after SIGKILL of the loader no host process keeps the disk open"
else
	not_ok "after SIGKILL of the loader no host process keeps the disk open" "$stuck"
fi
if [ -z "$unclean" ]; then
	ok "e2fsck after each kill: nothing to repair beyond the journal"
else
	not_ok "e2fsck after each kill: nothing to repair beyond the journal" "$unclean"
fi
if [ -z "$lost" ]; then
	ok "every acknowledged record is on the disk after each kill ($ROUNDS rounds, debugfs)"
else
	not_ok "every acknowledged record is on the disk after each kill ($ROUNDS rounds, debugfs)" "$lost"
fi

# The guest's own view after all the kills: its ext4 replays the journal.
# How many records each round acknowledged goes in through the rootfs
# (the disk itself is left as the last kill left it).
check_script='
for f in /data/log.*; do
	r=${f#/data/log.}
	n=$(cat /want/$r)
	echo "$r $(head -c $((n * 64)) "$f" | sha256sum | cut -d" " -f1)"
done | sort -n'
mkdir -p "$copy/want"
: >"$scratch/want.sums"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	n=$(cat "$scratch/acked.$r")
	[ "$n" -lt 0 ] && n=0
	echo "$n" >"$copy/want/$r"
	expected_records "$n"
	echo "$r $(sha256sum <"$scratch/expected" | cut -d' ' -f1)" >>"$scratch/want.sums"
	r=$((r + 1))
done
# Only rounds whose file exists are listed (a kill during boot leaves none).
xl run --mem 128M --rootfs "$copy" --disk "$disk:/data" -- sh -c "$check_script" \
	>"$scratch/guest.sums" 2>"$out"
rc=$?
join "$scratch/guest.sums" "$scratch/want.sums" 2>/dev/null | awk '$2 != $3' >"$scratch/mismatch"
if [ "$rc" -ne 0 ]; then
	not_ok "the next xlibos run finds every acknowledged record" "exit $rc"
elif [ ! -s "$scratch/guest.sums" ] || [ -s "$scratch/mismatch" ]; then
	cat "$scratch/guest.sums" >>"$out"
	not_ok "the next xlibos run finds every acknowledged record" \
		"rounds whose records differ: $(cut -d' ' -f1 "$scratch/mismatch" | tr '\n' ' ')"
else
	ok "the next xlibos run finds every acknowledged record ($(wc -l <"$scratch/guest.sums") files)"
fi
rm -f "$out"

# ---------------------------------------------------------------- 2. sqlite3, WAL, synchronous=FULL

sqlite_prog='
import sqlite3, sys
r = int(sys.argv[1])
db = sqlite3.connect("/data/t.db", isolation_level=None)
db.execute("pragma journal_mode=WAL")
db.execute("pragma synchronous=FULL")
db.execute("create table if not exists t(round integer, n integer, pad text, primary key (round, n))")
n = 0
while True:
    db.execute("begin immediate")
    db.execute("insert into t values (?, ?, ?)", (r, n, "x" * 200))
    db.execute("commit")
    print(n, flush=True)
    n += 1
'
if ! command -v sqlite3 >/dev/null 2>&1; then
	skip "sqlite3 crash rounds" "no sqlite3 on the host to check the database"
elif ! debian_rootfs; then
	skip "sqlite3 crash rounds" "$why_debian"
else
	# Without the ext4 root, the Debian tree is copied into guest memory.
	deb_mem=1G
	[ -n "$has_ext4_root" ] && deb_mem=256M
	make_disk "$disk" 64M >"$out" 2>&1
	stuck='' lost='' unclean='' acked_total=0 bad_db='' leftover=''
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		kill_round sqlite "$r" run --mem "$deb_mem" --rootfs "$debian" --disk "$disk:/data" -- \
			python3 -c "$sqlite_prog" "$r"
		[ "$k" -lt 0 ] && k=0
		acked_total=$((acked_total + k))
		host_view "$disk"
		fsck_rc=$?
		[ "$fsck_rc" -le 1 ] || unclean="$unclean round $r (e2fsck $fsck_rc);"
		mkdir -p "$scratch/db.$r"
		dump_file /t.db "$scratch/db.$r/t.db"
		dump_file /t.db-wal "$scratch/db.$r/t.db-wal"
		if [ -s "$scratch/db.$r/t.db" ]; then
			got=$(sqlite3 "$scratch/db.$r/t.db" "pragma integrity_check; select count(*), coalesce(max(n), -1) from t where round = $r;" 2>&1 | tr '\n' ' ')
		else
			got="no database"
		fi
		# "ok COUNT|MAX ": intact, rows 0..MAX all there, at least k of them
		verdict=$(printf '%s\n' "$got" | awk -v k="$k" '{
			split($2, c, "|")
			if ($1 != "ok" || NF != 2) print "broken"
			else if (c[1] != c[2] + 1 || c[1] + 0 < k + 0) print "lost"
			else print "fine" }')
		if [ "$k" -gt 0 ] && [ "$verdict" = broken ]; then
			bad_db="$bad_db round $r: $got;"
		elif [ "$k" -gt 0 ] && [ "$verdict" = lost ]; then
			lost="$lost round $r: $k acknowledged, rows (count|max) $got;"
		fi
		rm -rf "$scratch/db.$r"
		r=$((r + 1))
	done
	echo "# sqlite3: $acked_total transactions acknowledged in $ROUNDS rounds"
	if [ "$acked_total" -eq 0 ]; then
		cat "$scratch/err.sqlite.1" >"$out"
		not_ok "sqlite3: transactions acknowledged before the kills" "none"
	else
		ok "sqlite3: transactions acknowledged before the kills ($acked_total)"
	fi
	if [ -z "$stuck$unclean$leftover" ]; then
		ok "sqlite3 rounds: processes gone, disk released and clean after each kill"
	else
		not_ok "sqlite3 rounds: processes gone, disk released and clean after each kill" "$stuck$unclean$leftover"
	fi
	if [ -z "$lost$bad_db" ]; then
		ok "sqlite3 WAL synchronous=FULL: every committed transaction survives ($ROUNDS kills)"
	else
		not_ok "sqlite3 WAL synchronous=FULL: every committed transaction survives ($ROUNDS kills)" "$bad_db$lost"
	fi
	rm -f "$out"
fi

# ---------------------------------------------------------------- 3. flushes reach the host

# The back end runs in the loader (the supervisor): strace attaches to its
# threads only, while fsync_append runs; every record acknowledged in that
# window must have cost the host at least one flush.
if command -v strace >/dev/null 2>&1; then
	make_disk "$disk" 64M >/dev/null 2>&1
	"$xlibos" run --mem 128M --rootfs "$copy" --disk "$disk:/data" -- \
		/bin/fsync_append /data/log >"$scratch/ack.strace" 2>"$scratch/err.strace" &
	pid=$!
	wait_for_ack "$scratch/ack.strace" "$pid"
	set --
	for t in /proc/"$pid"/task/*; do set -- "$@" -p "${t##*/}"; done
	strace -qq -e trace=fsync,fdatasync,sync_file_range,io_uring_enter \
		-o "$scratch/strace.log" "$@" 2>"$scratch/strace.err" &
	spid=$!
	sleep 1
	a0=$(acks "$scratch/ack.strace")
	sleep 2
	a1=$(acks "$scratch/ack.strace")
	sleep 0.5
	kill -INT "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	flushes=$(grep -c -E '(fsync|fdatasync|sync_file_range)\(' "$scratch/strace.log")
	window=$((a1 - a0))
	if [ "$window" -le 0 ]; then
		cat "$scratch/err.strace" "$scratch/strace.err" >"$out"
		not_ok "guest fsyncs reach the host as fdatasync" "no record acknowledged while traced ($a0 -> $a1)"
	elif [ "$flushes" -eq 0 ] && grep -q io_uring_enter "$scratch/strace.log"; then
		skip "guest fsyncs reach the host as fdatasync" "the back end flushes through io_uring (not seen by strace)"
	elif [ "$flushes" -lt "$window" ]; then
		not_ok "guest fsyncs reach the host as fdatasync" "$window records acknowledged, $flushes host flushes"
	else
		ok "guest fsyncs reach the host as fdatasync ($window records acknowledged, $flushes host flushes)"
	fi
	rm -f "$out"
else
	skip "guest fsyncs reach the host as fdatasync" "strace not installed"
fi

# ---------------------------------------------------------------- 4. read-only disk

make_disk "$disk" 64M >/dev/null 2>&1
printf 'hello\n' >"$scratch/hello"
debugfs -w -R "write $scratch/hello hello" "$disk" >/dev/null 2>&1
sum_before=$(sha256sum <"$disk")
expect "a :ro disk is readable" 0 hello \
	xl run --mem 128M --rootfs "$copy" --disk "$disk:/data:ro" -- cat /data/hello
expect "a :ro disk refuses a new file with EROFS" 0 "Read-only file system" \
	xl run --mem 128M --rootfs "$copy" --disk "$disk:/data:ro" -- sh -c 'echo x > /data/new; echo "status $?"'
expect "a :ro disk refuses rm, mkdir, touch, chmod with EROFS" 0 "refused 4" \
	xl run --mem 128M --rootfs "$copy" --disk "$disk:/data:ro" -- sh -c '
	n=0
	rm /data/hello 2>&1 | grep -q "Read-only file system" && n=$((n + 1))
	mkdir /data/d 2>&1 | grep -q "Read-only file system" && n=$((n + 1))
	touch /data/hello 2>&1 | grep -q "Read-only file system" && n=$((n + 1))
	chmod 600 /data/hello 2>&1 | grep -q "Read-only file system" && n=$((n + 1))
	echo "refused $n"'
if [ "$(sha256sum <"$disk")" = "$sum_before" ]; then
	ok "a :ro disk's file is unchanged on the host"
else
	not_ok "a :ro disk's file is unchanged on the host" "its checksum changed"
fi

# ---------------------------------------------------------------- 5. bad disks

# bad_disk DESC FILE: xlibos must end (no watchdog), with an error (non-zero,
# not a host signal) and one "xlibos: " line saying why.
bad_disk() {
	xl run --mem 128M --rootfs "$copy" --disk "$2:/data" -- ls /data >"$out" 2>&1
	rc=$?
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		not_ok "$1: no hang" "killed by the watchdog after $XL_TIMEOUT s"
	elif [ "$rc" -eq 0 ]; then
		not_ok "$1: refused" "exit 0"
	elif [ "$rc" -gt 128 ] && [ "$rc" -ne 125 ]; then
		not_ok "$1: no crash" "exit $rc (a signal)"
	elif ! grep -q '^xlibos: ' "$out"; then
		not_ok "$1: a clear error" "no 'xlibos: ' line (exit $rc)"
	else
		ok "$1: a clear error, exit $rc ($(grep '^xlibos: ' "$out" | head -n 1))"
	fi
	rm -f "$out"
}

make_disk "$disk" 64M >/dev/null 2>&1
cp "$disk" "$scratch/t1.img" && truncate -s 2M "$scratch/t1.img"
bad_disk "a disk truncated to 2 MB" "$scratch/t1.img"
cp "$disk" "$scratch/t2.img" && truncate -s $((2 * 1024 * 1024 + 100)) "$scratch/t2.img"
bad_disk "a disk truncated to 2 MB + 100 bytes" "$scratch/t2.img"
: >"$scratch/t3.img"
bad_disk "an empty disk file" "$scratch/t3.img"
cp "$disk" "$scratch/c1.img"
dd if=/dev/zero of="$scratch/c1.img" bs=1024 seek=1 count=1 conv=notrunc 2>/dev/null
bad_disk "a disk with a zeroed superblock" "$scratch/c1.img"
mkdir -p "$scratch/dir.img"
bad_disk "a directory as the disk" "$scratch/dir.img"

# Garbage over the group descriptors, bitmaps and inode tables (the first
# MB past the superblock): the guest may mount it or not; either way the
# run ends, and the loader does not die of a signal.
cp "$disk" "$scratch/c2.img"
debugfs -w -R "write $scratch/hello a" "$scratch/c2.img" >/dev/null 2>&1
head -c 1044480 /dev/urandom | dd of="$scratch/c2.img" bs=4096 seek=1 conv=notrunc 2>/dev/null
xl run --mem 128M --rootfs "$copy" --disk "$scratch/c2.img:/data" -- \
	sh -c 'ls -la /data; cat /data/* >/dev/null; echo x > /data/new; sync; echo done' >"$out" 2>&1
rc=$?
cp "$out" "$scratch/garbage.out"
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	not_ok "garbage over the disk's metadata: no hang" "killed by the watchdog after $XL_TIMEOUT s"
elif [ "$rc" -gt 128 ] && [ "$rc" -ne 125 ]; then
	not_ok "garbage over the disk's metadata: no crash" "exit $rc (a signal)"
elif [ "$rc" -ne 0 ] && ! grep -q '^xlibos: ' "$out"; then
	not_ok "garbage over the disk's metadata: a clear error" "exit $rc without an 'xlibos: ' line"
else
	ok "garbage over the disk's metadata: the run ends (exit $rc), no crash"
fi
rm -f "$out"
grep -q 'No error information' "$scratch/garbage.out" 2>/dev/null &&
	echo "# note: the error does not name its cause: $(grep '^xlibos: ' "$scratch/garbage.out")"

# One inode's bytes replaced (its checksum no longer matches): the disk
# mounts, that file gives EUCLEAN ("Structure needs cleaning") as on
# Linux, the rest works.
cp "$disk" "$scratch/c3.img"
debugfs -w -R "write $scratch/hello a" "$scratch/c3.img" >/dev/null 2>&1
debugfs -w -R "write $scratch/hello b" "$scratch/c3.img" >/dev/null 2>&1
# shellcheck disable=SC2046 # two numbers: block and offset of inode a
set -- $(debugfs -R "imap a" "$scratch/c3.img" 2>/dev/null |
	sed -n 's/.*located at block \([0-9]*\), offset \(0x[0-9a-f]*\).*/\1 \2/p')
if [ $# -eq 2 ]; then
	head -c 256 /dev/urandom | dd of="$scratch/c3.img" bs=1 seek=$(($1 * 4096 + $2)) \
		conv=notrunc 2>/dev/null
	expect "a corrupted inode: EUCLEAN for that file" 0 "Structure needs cleaning" \
		xl run --mem 128M --rootfs "$copy" --disk "$scratch/c3.img:/data" -- \
		sh -c 'cat /data/a; [ "$(cat /data/b)" = hello ] && echo x > /data/c && sync &&
			[ "$(cat /data/c)" = x ] && echo rest-ok'
	if grep -q rest-ok "$out"; then
		ok "a corrupted inode: the other files read and written"
	else
		not_ok "a corrupted inode: the other files read and written"
	fi
else
	skip "a corrupted inode" "debugfs did not locate the inode"
fi

summary
