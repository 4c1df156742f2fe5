# shellcheck shell=sh disable=SC2034,SC2154
# (variables set here are read by the scripts that source it, and the
# other way round)
# Shared helpers of the storage tests and make bench-storage.  Source it
# after tests/lib.sh with $xlibos (the loader) and $top (the repository)
# set.  Offers:
#   storage_features   sets has_ext4_root, has_disk, has_mkdisk (yes or
#                      empty) from the loader's --help, and why_* (why not)
#   debian_rootfs      builds (once) the cached Debian tree and sets $debian;
#                      non-zero, with $why_debian, where it cannot be built
#   build_static NAME  tests/storage/NAME.c -> build/tests/storage/NAME
#                      (gcc -static), printed; non-zero if it fails
#   make_disk FILE SIZE  an empty ext4 disk: xlibos mkdisk, else mke2fs
#   unused_by_any FILE [SECONDS]  wait until no host process has FILE open
#   tree_sum DIR       one checksum of DIR's names, metadata and contents
#   xl ARGS...         $xlibos ARGS under a watchdog ($XL_TIMEOUT s, 124 then)
#   descendants PID    PID and every process below it, one a line
#   all_gone PIDS [SECONDS]  wait (5 s) until none of PIDS runs; prints
#                      those left, non-zero if any

# shellcheck source-path=SCRIPTDIR source=compare_runc.sh
. "$top/tests/storage/compare_runc.sh"

XL_TIMEOUT=${XL_TIMEOUT:-120}
storage_build=$top/build/tests/storage

xl() {
	timeout -k 5 "$XL_TIMEOUT" "$xlibos" "$@"
}

storage_features() {
	help=$("$xlibos" --help 2>&1; "$xlibos" run --help 2>&1)
	has_ext4_root='' has_disk='' has_mkdisk=''
	why_ext4_root="xlibos run --rootfs still packs the tree into an initramfs (no --pack option yet: no ext4 root)"
	why_disk="xlibos run has no --disk option yet"
	why_mkdisk="xlibos has no mkdisk command yet"
	case $help in *mkdisk*) has_mkdisk=yes why_mkdisk='' ;; esac
	# The options, by whether the loader knows them (its help may lag).
	if ! "$xlibos" run --pack --bogus-probe -- true 2>&1 | grep -q "unknown option '--pack'"; then
		has_ext4_root=yes why_ext4_root=''
	fi
	if ! "$xlibos" run --disk /nonexistent-probe:/probe -- true 2>&1 |
		grep -q "unknown option '--disk'"; then
		has_disk=yes why_disk=''
	fi
}

debian_rootfs() {
	debian='' why_debian=''
	if ! command -v debootstrap >/dev/null 2>&1; then
		why_debian="debootstrap not installed (scripts/install-deps.sh)"
		return 1
	fi
	if [ "$(id -u)" -ne 0 ]; then
		why_debian="building the Debian tree needs root (debootstrap)"
		return 1
	fi
	# The pipeline's status is tail's: an empty answer is the failure.
	debian=$("$top/scripts/make-debian-rootfs.sh" 2>"$scratch/debootstrap.err" | tail -n 1)
	if [ -z "$debian" ] || [ ! -x "$debian/usr/bin/python3" ]; then
		why_debian="scripts/make-debian-rootfs.sh failed: $(tail -n 1 "$scratch/debootstrap.err")"
		debian=
		return 1
	fi
}

build_static() {
	bs_out=$storage_build/$1
	mkdir -p "$storage_build"
	if [ ! -x "$bs_out" ] || [ -n "$(find "$top/tests/storage/$1.c" -newer "$bs_out")" ]; then
		gcc -static -O2 -Wall -Wextra -Werror -o "$bs_out.$$" "$top/tests/storage/$1.c" \
			>"$scratch/build.log" 2>&1 || return 1
		mv -f "$bs_out.$$" "$bs_out"
	fi
	echo "$bs_out"
}

make_disk() {
	rm -f "$1"
	if [ -n "$has_mkdisk" ]; then
		"$xlibos" mkdisk "$1" "$2"
	else
		truncate -s "$2" "$1" && mke2fs -q -F -t ext4 "$1"
	fi
}

# unused_by_any FILE [SECONDS]: wait (10 s by default) until no process on
# the host has FILE open; non-zero if one still has.
unused_by_any() {
	uba_file=$(readlink -f "$1")
	uba_left=$((${2:-10} * 10))
	while [ "$uba_left" -gt 0 ]; do
		uba_busy=
		for uba_fd in /proc/[0-9]*/fd/*; do
			if [ "$(readlink "$uba_fd" 2>/dev/null)" = "$uba_file" ]; then
				uba_busy=$uba_fd
				break
			fi
		done
		[ -z "$uba_busy" ] && return 0
		sleep 0.1
		uba_left=$((uba_left - 1))
	done
	echo "still open: $uba_busy ($(tr '\0' ' ' <"${uba_busy%/fd/*}/cmdline" 2>/dev/null))"
	return 1
}

tree_sum() {
	(
		cd "$1" || exit 1
		find . -printf '%p %y %s %n %m %u %g %T@ %l\n' | LC_ALL=C sort
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
	) | sha256sum | cut -d' ' -f1
}

descendants() {
	echo "$1"
	for d_child in $(ps -o pid= --ppid "$1"); do
		descendants "$d_child"
	done
}

all_gone() {
	ag_left=$((${2:-5} * 10))
	while [ "$ag_left" -gt 0 ]; do
		ag_alive=''
		for ag_pid in $1; do
			kill -0 "$ag_pid" 2>/dev/null && ag_alive="$ag_alive $ag_pid"
		done
		[ -z "$ag_alive" ] && return 0
		sleep 0.1
		ag_left=$((ag_left - 1))
	done
	for ag_pid in $ag_alive; do
		printf '%s(%s) ' "$ag_pid" "$(tr '\0' ' ' <"/proc/$ag_pid/cmdline" 2>/dev/null | cut -c1-60)"
	done
	return 1
}
