#!/bin/sh
# Boot benchmark: time from starting the loader to the kernel's power-off,
# peak RSS of the LibOS host process, and host CPU used while the kernel
# sleeps (idle should cost ~0% of a CPU).  Timings are printed, never judged.
# usage: bench-boot.sh LOADER IMAGE [RUNS]
set -eu
loader=$1 image=$2 runs=${3:-10}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xlibos-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

timed() {
	# prints: wall_seconds user_seconds sys_seconds max_rss_kib
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$@" >/dev/null 2>&1 || true
	tail -n 1 "$tmp/t"	# time prefixes "Command exited with non-zero status"
}

echo "xlibos boot benchmark ($runs runs, --mem 128M, boot to power-off)"
: > "$tmp/boots"
i=0
while [ "$i" -lt "$runs" ]; do
	timed "$loader" boot --image "$image" --mem 128M \
		--cmdline "kunit_shutdown=poweroff" >> "$tmp/boots"
	i=$((i + 1))
done
sort -n "$tmp/boots" | awk -v n="$runs" '
	{ wall[NR] = $1; rss[NR] = $4 }
	END {
		printf "  boot to power-off: median %.0f ms, min %.0f ms, max %.0f ms\n",
			wall[int((n + 1) / 2)] * 1000, wall[1] * 1000, wall[n] * 1000
		max = 0; for (i = 1; i <= n; i++) if (rss[i] > max) max = rss[i]
		printf "  peak RSS of the LibOS process: %.1f MiB\n", max / 1024
	}'

echo "idle: a boot that sleeps 3 s (rootdelay=3) before its no-init panic"
timed "$loader" boot --image "$image" --mem 128M --cmdline "rootdelay=3" |
	awk '{ printf "  wall %.2f s, host CPU %.3f s user + %.3f s sys = %.1f%% of one CPU\n",
		$1, $2, $3, ($2 + $3) * 100 / $1 }'
