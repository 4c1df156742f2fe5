#!/bin/sh
# make bench-storage: storage costs natively, in runc (the data directory
# bind-mounted) and in xlibos (a --disk image), in one run, as a table in
# native units with the xlibos/runc cost ratio (above 1: xlibos slower).
#   seqwrite   1 GiB in 1 MiB writes, then fsync                  MB/s
#   seqread    that file, caches dropped, O_DIRECT                 MB/s
#   randread   4 KiB O_DIRECT reads at random offsets              IOPS
#   randwrite  4 KiB O_DIRECT writes at random offsets, fsync      IOPS
#   fsyncwrite 4 KiB appends, each followed by fsync               ops/s
#   untar      the Linux source tarball (uncompressed), then sync   ms
#   sqlite_tx  100k INSERTs in one transaction (synchronous=FULL)   ms
#   sqlite_wal 1000 INSERTs, one transaction each, WAL, synch=FULL  ms
#   py_start   `python3 -c pass` in a new container (natively: chroot
#              to the tree), host wall time, median of BENCH_START_RUNS ms
#   idle_pss   an idle container (`sleep`): PSS of all its host
#              processes (smaps_rollup)                              MB
# The I/O programs are the same everywhere: bench_io (static, from
# tests/storage/bench_io.c), and the Debian tree's tar, sqlite3 and python3
# (the host's natively: the same bookworm packages).  Each measurement is a
# new process (a new container in runc and xlibos); host caches are dropped
# before the reads.  Timings are reported, never judged.
# Targets (issue 12): seq and random within 1.5x of runc, fsync-heavy
# within 2x, py_start under 150 ms and no slower than runc, idle PSS under
# 32 MB.
# usage: bench_storage.sh path/to/xlibos
# Env: BENCH_SEQ_MB (1024), BENCH_RAND_OPS (20000), BENCH_FSYNC_OPS (2000),
# BENCH_SQL_ROWS (100000), BENCH_SQL_TX (1000), BENCH_START_RUNS (10),
# BENCH_REPEAT (3: each I/O measurement's median of that many),
# BENCH_MEM (xlibos --mem for the I/O runs, 512M), BENCH_DIR (scratch
# space on the host's disk, build/bench-storage), KERNEL_TARBALL.

# Single-quoted snippets are expanded by the shell of each environment.
# shellcheck disable=SC2016

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos" >&2
	exit 2
fi
xlibos=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib_storage.sh
. "$here/lib_storage.sh"

SEQ_MB=${BENCH_SEQ_MB:-1024}
RAND_OPS=${BENCH_RAND_OPS:-20000}
FSYNC_OPS=${BENCH_FSYNC_OPS:-2000}
SQL_ROWS=${BENCH_SQL_ROWS:-100000}
SQL_TX=${BENCH_SQL_TX:-1000}
START_RUNS=${BENCH_START_RUNS:-10}
REPEAT=${BENCH_REPEAT:-3}
MEM=${BENCH_MEM:-512M}
work=${BENCH_DIR:-$top/build/bench-storage}
cache=$top/build/bench-storage-cache
tarball=${KERNEL_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
XL_TIMEOUT=600

say() { echo "bench-storage: $*" >&2; }

storage_features
if ! debian_rootfs; then
	say "no Debian tree: $why_debian"
	exit 1
fi
runc_ok=''
have_runc && runc_ok=yes
[ -n "$runc_ok" ] || say "runc not usable here: no runc column"
xl_ok=yes why_xl=''
if [ -z "$has_disk" ]; then
	xl_ok='' why_xl=$why_disk
	say "no xlibos column: $why_xl"
fi
[ -n "$has_ext4_root" ] || MEM=${BENCH_MEM:-1536M}	# the tree is packed into memory
can_drop=''
[ -w /proc/sys/vm/drop_caches ] && can_drop=yes
[ -n "$can_drop" ] || say "cannot drop the host's caches (not root): reads may be served from memory"

# ---------------------------------------------------------------- inputs (cached)

src=$cache/src
mkdir -p "$src"
if ! bio=$(build_static bench_io); then
	cat "$scratch/build.log" >&2
	exit 1
fi
cmp -s "$bio" "$src/bench_io" || cp "$bio" "$src/bench_io"
if [ ! -f "$src/linux.tar" ]; then
	if [ -f "$tarball" ]; then
		say "uncompressing $tarball (once)"
		xz -dc "$tarball" >"$src/linux.tar.tmp" && mv "$src/linux.tar.tmp" "$src/linux.tar"
	else
		say "no $tarball: untarring a tar of the host's /usr/share instead"
		tar -cf "$src/linux.tar.tmp" -C / usr/share 2>/dev/null; mv "$src/linux.tar.tmp" "$src/linux.tar"
	fi
fi
untar_what="$(basename "$tarball"), $(($(stat -c %s "$src/linux.tar") / 1048576)) MiB, $(tar -tf "$src/linux.tar" | wc -l) entries"
export SRC="$src"
if [ ! -f "$src/insert_tx.sql" ] || [ "$(head -n 1 "$src/insert_tx.sql")" != "-- $SQL_ROWS $SQL_TX" ]; then
	awk -v rows="$SQL_ROWS" -v tx="$SQL_TX" 'BEGIN {
		f = ENVIRON["SRC"] "/insert_tx.sql"; g = ENVIRON["SRC"] "/insert_wal.sql"
		print "-- " rows " " tx > f
		print "pragma synchronous=FULL; create table t(id integer primary key, name text, value real);" > f
		print "begin;" > f
		for (i = 1; i <= rows; i++)
			printf "insert into t(name, value) values (%crow %d%c, %d.5);\n", 39, i, 39, i > f
		print "commit;" > f
		print "pragma journal_mode=WAL; pragma synchronous=FULL;" > g
		print "create table t(id integer primary key, name text, value real);" > g
		for (i = 1; i <= tx; i++)
			printf "insert into t(name, value) values (%crow %d%c, %d.5);\n", 39, i, 39, i > g
	}' </dev/null
fi
# xlibos sees the inputs on a read-only disk made from the same directory.
src_img=$cache/src.img
if [ -n "$xl_ok" ] && { [ ! -f "$src_img" ] || [ -n "$(find "$src" -newer "$src_img")" ]; }; then
	size_mb=$(( $(du -sm "$src" | cut -f1) * 11 / 10 + 64 ))
	rm -f "$src_img"
	if ! mke2fs -q -F -t ext4 -d "$src" "$src_img" "${size_mb}M" >"$scratch/mke2fs.log" 2>&1; then
		cat "$scratch/mke2fs.log" >&2
		xl_ok='' why_xl="mke2fs -d of the inputs failed"
	fi
fi

# ---------------------------------------------------------------- where each runs

rm -rf "$work"
mkdir -p "$work/native" "$work/runc"
if [ -n "$xl_ok" ] && ! make_disk "$work/xlibos.img" 6G >"$scratch/mkdisk.log" 2>&1; then
	xl_ok='' why_xl="mkdisk failed: $(cat "$scratch/mkdisk.log")"
fi
trap 'rm -rf "$scratch" "$work"' EXIT

drop_caches() {
	[ -n "$can_drop" ] && sync && echo 3 >/proc/sys/vm/drop_caches
}

# in_env ENV 'SHELL SNIPPET': the snippet with $1 the data directory and $2
# the inputs' directory, as seen in ENV; prints its RESULT value.
in_env() {
	case $1 in
	native)
		sh -c "$2" sh "$work/native" "$src" ;;
	runc)
		# mount points that the tree has (runc would add missing ones to it)
		runc_run "$debian" -b "$work/runc:/mnt" -b "$src:/srv:ro" -- \
			sh -c "$2" sh /mnt /srv ;;
	xlibos)
		xl run --mem "$MEM" --rootfs "$debian" --disk "$work/xlibos.img:/data" \
			--disk "$src_img:/src:ro" -- sh -c "$2" sh /data /src ;;
	esac >"$scratch/env.out" 2>&1
	ie_rc=$?
	ie_value=$(awk '/^RESULT / { v = $3; if ($5 != "") v = v "*" } END { print v }' "$scratch/env.out")
	if [ "$ie_rc" -ne 0 ] || [ -z "$ie_value" ]; then
		say "$1: failed (exit $ie_rc): $(tail -n 3 "$scratch/env.out" | tr '\n' ' ')"
		ie_value=fail
	fi
	echo "$ie_value"
}

timed='s=$(date +%s%N); CMD; rc=$?; e=$(date +%s%N); [ $rc -eq 0 ] && echo "RESULT NAME $(( (e - s) / 1000000 )) ms"'
# timed_snippet NAME 'COMMAND': COMMAND timed inside the environment.
timed_snippet() {
	printf '%s\n' "$timed" | sed -e "s|NAME|$1|" -e "s|CMD|$2|"
}

envs="native"
[ -n "$runc_ok" ] && envs="$envs runc"
[ -n "$xl_ok" ] && envs="$envs xlibos"
results=$scratch/results
: >"$results"
record() {	# NAME ENV VALUE
	echo "$1 $2 $3" >>"$results"
}

# The environments take turns, REPEAT times: slow drifts of the host
# (other work, the disk's own caches) reach all three alike; the table
# shows medians.
rep=1
while [ "$rep" -le "$REPEAT" ]; do
	for env in $envs; do
		say "$env: I/O ($rep of $REPEAT)"
		record seqwrite "$env" "$(in_env "$env" "\"\$2\"/bench_io seqwrite \"\$1\"/big $SEQ_MB")"
		drop_caches
		record seqread "$env" "$(in_env "$env" '"$2"/bench_io seqread "$1"/big -')"
		drop_caches
		record randread "$env" "$(in_env "$env" "\"\$2\"/bench_io randread \"\$1\"/big $RAND_OPS")"
		record randwrite "$env" "$(in_env "$env" "\"\$2\"/bench_io randwrite \"\$1\"/big $RAND_OPS")"
		record fsyncwrite "$env" "$(in_env "$env" "\"\$2\"/bench_io fsyncwrite \"\$1\"/fsync $FSYNC_OPS")"
		in_env "$env" 'rm -rf "$1"/big "$1"/fsync "$1"/linux "$1"/*.db*; echo RESULT rm 0' >/dev/null
		drop_caches
		record untar "$env" "$(in_env "$env" "mkdir -p \"\$1\"/linux; $(timed_snippet untar 'tar -xf "$2"/linux.tar -C "$1"/linux \&\& sync -f "$1"/linux')")"
		record sqlite_tx "$env" "$(in_env "$env" "$(timed_snippet sqlite_tx 'sqlite3 "$1"/tx.db <"$2"/insert_tx.sql >/dev/null')")"
		record sqlite_wal "$env" "$(in_env "$env" "$(timed_snippet sqlite_wal 'sqlite3 "$1"/wal.db <"$2"/insert_wal.sql >/dev/null')")"
	done
	rep=$((rep + 1))
done

# ---------------------------------------------------------------- start time

# median of the values on stdin
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "fail"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# wall_ms CMD...: host wall time of CMD in ms (nothing if it failed)
wall_ms() {
	wm_s=$(date +%s%N)
	"$@" >/dev/null 2>&1 || return 1
	wm_e=$(date +%s%N)
	echo $(((wm_e - wm_s) / 1000000))
}

start_times() {	# ENV
	st_i=0
	while [ "$st_i" -lt "$START_RUNS" ]; do
		case $1 in
		# the Debian tree's python3, natively; no .pyc written into it
		native) wall_ms chroot "$debian" env PYTHONDONTWRITEBYTECODE=1 python3 -c pass ;;
		runc) wall_ms runc_start "$py_bundle" ;;
		xlibos) wall_ms xl run --mem 128M --rootfs "$debian" -- python3 -c pass ;;
		esac
		st_i=$((st_i + 1))
	done | median
}

say "python3 start, median of $START_RUNS"
[ -n "$runc_ok" ] && py_bundle=$(runc_bundle "$debian" -- python3 -c pass)
# One run first, not counted: the image (and abcom) caches are made once.
[ -n "$has_ext4_root" ] && xl run --mem 128M --rootfs "$debian" -- python3 -c pass >/dev/null 2>&1
for env in $envs; do
	if [ "$env" = xlibos ] && [ -z "$has_ext4_root" ]; then
		record py_start xlibos "n/a"
		continue
	fi
	record py_start "$env" "$(start_times "$env")"
done

# ---------------------------------------------------------------- idle memory

# pss_mb PID: PSS of PID and its descendants, in MB
pss_mb() {
	for p in $(descendants "$1"); do
		awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null
	done | awk '{ kb += $1; n++ } END { printf "%.1f %d\n", kb / 1024, n }'
}

idle_pss() {	# ENV (the container's first host process is started directly)
	ip_id=''
	case $1 in
	runc)
		ip_bundle=$(runc_bundle "$debian" -- sleep 600)
		ip_id=xlibos-bench-$$
		runc run --bundle "$ip_bundle" "$ip_id" </dev/null >/dev/null 2>&1 & ;;
	xlibos)
		"$xlibos" run --mem 128M --rootfs "$debian" -- sleep 600 </dev/null >/dev/null 2>&1 & ;;
	esac
	ip_pid=$!
	sleep 5
	# shellcheck disable=SC2046 # two numbers
	set -- $(pss_mb "$ip_pid")
	if [ -n "$ip_id" ]; then
		runc kill "$ip_id" KILL 2>/dev/null
		wait "$ip_pid" 2>/dev/null
		runc delete -f "$ip_id" >/dev/null 2>&1
	else
		kill -TERM "$ip_pid" 2>/dev/null
		wait "$ip_pid" 2>/dev/null
	fi
	say "$env idle: $2 host processes, $1 MB"
	echo "$1"
}

say "idle PSS"
for env in $envs; do
	[ "$env" = native ] && continue
	if [ "$env" = xlibos ] && [ -z "$has_ext4_root" ]; then
		record idle_pss xlibos "n/a"
		continue
	fi
	record idle_pss "$env" "$(idle_pss "$env")"
done

# ---------------------------------------------------------------- table

echo
echo "make bench-storage: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(uname -r)"
echo "data: native $work/native (on $(stat -f -c %T "$work")), runc bind mount of $work/runc, xlibos --disk (ext4 image, sparse file on the same file system)"
echo "untar: $untar_what; xlibos --mem $MEM for I/O, 128M for start and idle"
[ -n "$xl_ok" ] || echo "xlibos: not measured ($why_xl)"
[ -n "$runc_ok" ] || echo "runc: not measured (runc not usable here)"
echo
RESULTS=$results awk '
function kind(n) {	# higher is better?
	return (n ~ /^(seqwrite|seqread|randread|randwrite|fsyncwrite)$/)
}
BEGIN {
	unit["seqwrite"] = "MB/s"; unit["seqread"] = "MB/s"; unit["randread"] = "IOPS"
	unit["randwrite"] = "IOPS"; unit["fsyncwrite"] = "ops/s"; unit["untar"] = "ms"
	unit["sqlite_tx"] = "ms"; unit["sqlite_wal"] = "ms"; unit["py_start"] = "ms"
	unit["idle_pss"] = "MB"
	target["seqwrite"] = "<= 1.5x"; target["seqread"] = "<= 1.5x"; target["randread"] = "<= 1.5x"
	target["randwrite"] = "<= 1.5x"; target["fsyncwrite"] = "<= 2x"; target["sqlite_wal"] = "<= 2x"
	target["py_start"] = "< 150 ms, <= 1x"; target["idle_pss"] = "< 32 MB"
	n = split("seqwrite seqread randread randwrite fsyncwrite untar sqlite_tx sqlite_wal py_start idle_pss", order, " ")
	# the median of each test in each environment ("fail" if any failed)
	while ((getline line < ENVIRON["RESULTS"]) > 0) {
		split(line, f, " "); k = f[1] SUBSEP f[2]
		cnt[k]++; val[k, cnt[k]] = f[3]
		if (f[3] !~ /^[0-9.]+\*?$/) bad[k] = f[3]
	}
	for (k in cnt) {
		if (k in bad) { v[k] = bad[k]; continue }
		m = cnt[k]; mark = ""
		for (i = 1; i <= m; i++) {
			x[i] = val[k, i]
			if (x[i] ~ /\*$/) { mark = "*"; sub(/\*$/, "", x[i]) }
			x[i] += 0
		}
		for (i = 2; i <= m; i++)	# insertion sort: a handful of values
			for (j = i; j > 1 && x[j - 1] > x[j]; j--) { t = x[j]; x[j] = x[j - 1]; x[j - 1] = t }
		med = m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2
		v[k] = sprintf(med < 1000 ? "%.1f" : "%.0f", med) mark
	}
	printf "%-11s %-6s %10s %10s %10s %12s  %s\n", "test", "unit", "native", "runc", "xlibos", "xlibos/runc", "target"
	for (i = 1; i <= n; i++) {
		t = order[i]
		a = v[t, "native"]; b = v[t, "runc"]; c = v[t, "xlibos"]
		r = "-"
		bb = b; cc = c; sub(/\*$/, "", bb); sub(/\*$/, "", cc)
		if (bb ~ /^[0-9.]+$/ && cc ~ /^[0-9.]+$/ && bb + 0 > 0 && cc + 0 > 0)
			r = sprintf("%.2fx", kind(t) ? bb / cc : cc / bb)
		printf "%-11s %-6s %10s %10s %10s %12s  %s\n", t, unit[t], a == "" ? "-" : a, \
			b == "" ? "-" : b, c == "" ? "-" : c, r, target[t]
	}
}'
echo
echo "Medians: I/O of $REPEAT runs each, py_start of $START_RUNS."
echo "xlibos/runc is the cost ratio: above 1, xlibos is slower (or bigger)."
echo "* buffered: O_DIRECT was refused there.  Timings are never pass/fail."
