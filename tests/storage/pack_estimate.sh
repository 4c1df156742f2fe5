#!/bin/sh
# The guest memory a packed rootfs needs (loader/rootfs_mem.c), for two
# generated trees: one of many 100-byte files (the root tmpfs gives each a
# whole page: the memory is 40 times the data) and one of a few big files.
# For each:
#   1. too small a --mem is refused before boot, in one line, exit 125:
#      "rootfs (N MiB in files, M MiB in memory) does not fit in --mem X
#      (needs at least Y)"; far below (48M), Y is a lower bound (the walk
#      stops reading files); within twice Y, it is exact;
#   2. at exactly Y the container runs, and the root tmpfs is nearly full
#      (Y is at most a few percent above what unpacking takes);
#   3. Y - 1 MiB is refused with the same message (Y is the loader's minimum);
#   4. at Y, a kernel whose early tables take more memory than the loader
#      allowed for (the test hook: --cmdline dhash_entries=..., a bigger
#      dentry hash) runs out while unpacking: the boot ends with "rootfs
#      does not fit in guest memory (--mem Y)", exit 125, one line, instead
#      of the kernel's "No working init found".
# usage: pack_estimate.sh path/to/xlibos path/to/rootfs
# The kernel image is the loader's default unless $XLIBOS_IMAGE names one.
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed[, N skipped]".

if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -d "$2" ]; then
	echo "usage: $0 path/to/xlibos path/to/rootfs" >&2
	exit 2
fi
xlibos=$1
rootfs=$2
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# Packed mode: "--pack" where `xlibos run` boots from an ext4 image by default.
pack=--pack
"$xlibos" run --pack --rootfs "$scratch/none" -- /bin/true 2>&1 | grep -q "unknown option '--pack'" &&
	pack=
image=
[ -n "${XLIBOS_IMAGE:-}" ] && image="--image $XLIBOS_IMAGE"
# Kernel tables past what the loader allows for (capped by Linux at 1/16 of memory).
HOOK=dhash_entries=4194304
# Free root tmpfs blocks at the estimate, in percent of its size, at most.
TIGHT=5

# xrun MEM CMD...: the packed tree $tree under --mem MEM.
xrun() {
	xrun_mem=$1
	shift
	# A SIGTERM only asks the container to stop: -k ends a hung one.
	# shellcheck disable=SC2086 # $pack and $image are one word or none
	timeout -k 10 120 "$xlibos" run $pack $image --mem "$xrun_mem" --rootfs "$tree" "$@"
}

# mib SIZE: "262M" or "2G" (size_format's forms of whole MiB) in MiB.
mib() {
	case $1 in
	*G) echo $((${1%G} * 1024)) ;;
	*M) echo "${1%M}" ;;
	*) echo 0 ;;
	esac
}

# refused NAME MEM: a run under --mem MEM is refused before boot, in one
# line, exit 125; sets files, inmem and need from the message.
refused() {
	expect "$1: --mem $2 refused before boot, exit 125" 125 \
		"does not fit in --mem $2 (needs at least " xrun "$2" -- /bin/true
	expect_one_line "$1: --mem $2: one line"
	line=$(grep '^xlibos: rootfs (' "$out")
	files=$(printf '%s\n' "$line" | sed -n 's/^xlibos: rootfs (\([0-9]*\) MiB in files, .*/\1/p')
	inmem=$(printf '%s\n' "$line" | sed -n 's/.* MiB in files, \([0-9]*\) MiB in memory).*/\1/p')
	need=$(printf '%s\n' "$line" | sed -n 's/.*(needs at least \([0-9]*[MG]\))$/\1/p')
	[ -n "$files" ] && [ -n "$inmem" ] && [ "$(mib "$need")" -gt "$(mib "$2")" ]
}

# check_tree NAME: the checks above for the tree $tree.
check_tree() {
	name=$1
	# Far below: the walk stops storing, and its figure is a lower bound.
	if ! refused "$name" 48M; then
		not_ok "$name: the message says what it needs" "line: $line"
		return
	fi
	low=$need
	# Within twice the need everything is measured: the exact minimum.
	if ! refused "$name" "$(($(mib "$low") - 1))M" || [ "$(mib "$need")" -lt "$(mib "$low")" ]; then
		not_ok "$name: the message says what it needs" "line: $line (first $low)"
		return
	fi
	ok "$name: needs at least $need ($files MiB in files, $inmem MiB in memory; $low from --mem 48M)"
	if [ "$name" = "small files" ]; then
		if [ "$inmem" -ge $((files * 10)) ]; then
			ok "$name: memory counts whole pages ($inmem MiB for $files MiB of data)"
		else
			not_ok "$name: memory counts whole pages ($inmem MiB for $files MiB of data)"
		fi
	fi

	# It runs at the minimum, with the root tmpfs nearly full.
	xrun "$need" -- /bin/sh -c 'stat -f -c "%b %f" /' >"$out" 2>&1
	rc=$?
	# shellcheck disable=SC2046 # two numbers, split on purpose
	set -- $(grep -E '^[0-9]+ [0-9]+$' "$out")
	if [ "$rc" -eq 0 ] && [ $# -eq 2 ]; then
		ok "$name: runs at --mem $need"
		if [ $(($2 * 100)) -le $(($1 * TIGHT)) ]; then
			ok "$name: root tmpfs at --mem $need: $2 of $1 blocks free (estimate within $TIGHT%)"
		else
			not_ok "$name: root tmpfs at --mem $need: $2 of $1 blocks free (estimate within $TIGHT%)"
		fi
	else
		not_ok "$name: runs at --mem $need" "exit $rc"
		skip "$name: root tmpfs nearly full at the minimum" "it did not run"
	fi

	# One MiB less is refused before boot, with the same figures.
	less=$(($(mib "$need") - 1))M
	expect "$name: --mem $less refused, exit 125" 125 \
		"xlibos: rootfs ($files MiB in files, $inmem MiB in memory) does not fit in --mem $less (needs at least $need)" \
		xrun "$less" -- /bin/true
	expect_one_line "$name: --mem $less: one line"

	# A guest that runs out while unpacking says so.
	expect "$name: out of guest memory while unpacking: exit 125, clear message" 125 \
		"xlibos: rootfs does not fit in guest memory (--mem $need)" \
		xrun "$need" --cmdline "$HOOK" -- /bin/true
	expect_one_line "$name: out of memory while unpacking: one line"
	if grep -q "No working init" "$out"; then
		not_ok "$name: no 'No working init found'"
	else
		ok "$name: no 'No working init found'"
	fi
}

if [ ! -x "$rootfs/bin/sh" ]; then
	for i in $(seq 25); do skip "pack estimate check $i" "no /bin/sh in $rootfs"; done
	summary
	exit
fi

# 20000 files of 100 bytes: about 80 MiB of tmpfs pages for 2 MiB of data.
tree=$scratch/small
mkdir -p "$tree"
cp -a "$rootfs/." "$tree/"
i=0
while [ $i -lt 100 ]; do
	mkdir -p "$tree/data/d$i"
	j=0
	while [ $j -lt 200 ]; do
		printf '%100s' x >"$tree/data/d$i/f$j"
		j=$((j + 1))
	done
	i=$((i + 1))
done
check_tree "small files"
rm -rf "$tree"

# Three files of 40 MiB: pages and data agree; the archive weighs.
tree=$scratch/big
mkdir -p "$tree"
cp -a "$rootfs/." "$tree/"
mkdir -p "$tree/data"
for i in 1 2 3; do
	head -c $((40 << 20)) /dev/urandom >"$tree/data/big$i"
done
check_tree "big files"
rm -rf "$tree"

summary
