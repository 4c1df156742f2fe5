#!/bin/sh
# Linux 6.1 kselftests inside xlibos.
#
# usage: scripts/kselftest.sh [--record] [--no-native] [--no-build]
#                             [--jobs N] [SUITE | SUITE/PROG]...
#
#   1. Builds the selftests of the suites below from build/linux, statically
#      (gcc, glibc), out of tree into build/kselftest/: uapi headers with
#      "make headers_install ARCH=x86" (its own O=, so build/kernel and
#      build/kernel-kunit are untouched), then the selftests' own Makefiles
#      with USERLDFLAGS=-static.  Two suites need care:
#        timers: only TEST_GEN_PROGS (the non-destructive tests); the
#          destructive TEST_GEN_PROGS_EXTENDED are not built (valid-adjtimex
#          does not even link statically).
#        exec: load_address.static.0x* are -static-pie already (adding
#          -static breaks their link) and load_address.0x* are dynamic PIEs
#          by definition (they check for a PT_INTERP header), so those are
#          built as the Makefile says and the exec rootfs gets the host's
#          dynamic linker and libc.  Everything else is plain -static.
#        memfd: memfd_test only; openat2: without its sanitizers (they
#          cannot link -static); a few suites' test lists are adjusted
#          (emit_overrides below).
#        vm, net: only the programs VM_PROGS and NET_PROGS list (net's
#          run natively in a network namespace of their own with lo up,
#          in xlibos with --net none).  rseq: dynamic (librseq.so).
#   2. Runs every test program the suite's Makefile lists (lib.mk
#      "emit_tests": TEST_GEN_PROGS, TEST_CUSTOM_PROGS, TEST_PROGS) once in
#      its own "xlibos run --mem 256M" (512M for a rootfs of one big
#      program, 3G for vm/mremap_test, which fills 2 GB; workdir
#      /kselftest/SUITE, as the kselftest runner does),
#      and once natively for reference (inside
#      "unshare -m -i" when possible, so mounts and mqueue sysctls stay
#      private).  Each suite gets its own rootfs, build/rootfs plus
#      /kselftest/SUITE/ (the exec suite alone is 115 MB, and the rootfs is
#      unpacked into guest memory).  Timeout 120 s per test (150 s for
#      timers/raw_skew, which sleeps 120 s by design).  Tests run N at a
#      time, longest first (--jobs, default 4 x nproc, at most 8): most of
#      the time is timers tests sleeping.
#   3. Status per test: pass (exit 0), skip (exit 4, KSFT_SKIP), timeout,
#      fail (anything else).  An exit 0 whose TAP output has a "not ok" or
#      fewer results than its "1..N" plan counts as fail, too.  A script
#      whose interpreter is missing from the rootfs is a skip (the exec
#      rootfs gets the host's python3 for exec/binfmt_script.py: add_python3).
#   4. Compares with tests/kselftest/expected.txt ("suite/prog: status").
#      A regression is a test now failing or timing out that was expected
#      to pass or skip (or is new); a test expected to fail that passes is
#      "improved".  A test expected "flaky" (timing-bound: it may fail on
#      a busy host) may pass or fail.  --record rewrites expected.txt from
#      this run, keeping "flaky" (only the lines of the tests that ran when
#      SUITE arguments are given); the
#      differences from the old file are shown and the run then counts no
#      failures.
#
# Output: "suite/prog: status" per test (and build/kselftest/results.ktap), "#" lines on regressions, changes
# and the reasons for each non-pass, then exactly
# "N passed, N failed, N skipped" (failed = regressions only).  Exits 1 on
# regressions, 2 on usage or build errors.
# Logs: build/kselftest/logs/{xlibos,native}/SUITE/PROG.{out,err,rc}; the
# results: build/kselftest/{results,native,details}.txt.
set -u

SUITES="futex/functional timers exec clone3 pidfd sigaltstack kcmp membarrier
mqueue proc splice size core breakpoints capabilities filesystems ipc landlock
memfd mincore mount mount_setattr move_mount_set_group openat2 pid_namespace
ptrace seccomp sync syscall_user_dispatch sysctl timens tmpfs user vDSO prctl
rlimits nsfs x86 vm net rseq"
# vm and net: the programs below only, built with their own Makefiles (the
# rest need THP, NUMA, libnuma, more huge pages than the guest has, BPF
# object files or a veth pair and tc; tls.c does not compile in this 6.1
# tree).  vm: the memory tests that need no transparent huge pages and no
# device.  net: those that need only loopback; natively they run in a new
# network namespace with lo up, in xlibos with --net none (lo only).
# psock_fanout (a TEST_GEN_FILES that run_afpackettests starts) is listed
# for its eBPF fanout case, the one test in the 6.1 tree besides
# reuseport_bpf that loads eBPF through bpf() without libbpf or clang.
VM_PROGS="madv_populate soft-dirty map_fixed_noreplace map_populate
mlock-random-test mlock2-tests mrelease_test mremap_dontunmap mremap_test
on-fault-limit memfd_secret"
# vm's hugetlb tests need a pool of huge pages and a hugetlbfs mount, as
# run_vmtests.sh makes them: built here, run by tests/kselftest/hugetlb.sh
# under these names (hugepage-mmap and hugepage-shm want 256 MB of huge
# pages, more than the guest's 256M).
VM_HUGETLB_PROGS="map_hugetlb hugepage-mremap hugetlb-madvise"
VM_HUGETLB_TESTS="hugetlb-map.sh hugetlb-mremap.sh hugetlb-madvise.sh"
NET_PROGS="socket reuseport_bpf reuseport_bpf_cpu reuseport_dualstack
reuseaddr_conflict reuseport_addr_any reuseaddr_ports_exhausted tcp_inq
so_netns_cookie sk_bind_sendto_listen sk_connect_zero_addr tun tap
psock_fanout"
# Built through the top-level selftests Makefile (TARGETS=...); futex builds
# futex/functional.  timers, exec, memfd and openat2 are built with their
# own Makefiles.
MAIN_TARGETS="futex clone3 pidfd sigaltstack kcmp membarrier mqueue proc splice size
core breakpoints capabilities filesystems ipc landlock mincore mount mount_setattr
move_mount_set_group pid_namespace ptrace seccomp sync syscall_user_dispatch sysctl
timens tmpfs user vDSO prctl rlimits nsfs x86"
# Suites whose scripts want bash and a distribution's tools: the host's
# (scripts/make-host-rootfs.sh) instead of busybox.
HOST_ROOTFS_SUITES="exec mount sysctl"

# emit_overrides SUITE: make variables that fix the suite's list of tests.
#   memfd: its FUSE and hugetlbfs scripts need fuse_mnt (libfuse) and
#     hugetlbfs, neither built; memfd_test alone.
#   mount_setattr, move_mount_set_group: 6.1 lists their test as
#     TEST_GEN_FILES, which the runner never runs.
#   prctl: the two stress tests loop until killed; disable-tsc-test alone.
#   seccomp, syscall_user_dispatch: without their benchmarks.
emit_overrides() {
	case $1 in
	memfd) echo "TEST_PROGS=" ;;
	mount_setattr) echo "TEST_GEN_PROGS=mount_setattr_test" ;;
	move_mount_set_group) echo "TEST_GEN_PROGS=move_mount_set_group_test" ;;
	prctl) echo "TEST_PROGS=disable-tsc-test TEST_GEN_PROGS=" ;;
	# benchmarks print timings, they test nothing; built, not run (a
	# fixed count of calls that each take a host signal here runs past
	# the time limit)
	seccomp) echo "TEST_GEN_PROGS=seccomp_bpf" ;;
	syscall_user_dispatch) echo "TEST_GEN_PROGS=sud_test" ;;
	# run_param_test.sh: bash and minutes of param_test variants;
	# basic_percpu_ops_test: 200 threads x 100000 list operations, two
	# minutes natively on 2 cores (built, not run)
	rseq) echo "TEST_PROGS= TEST_GEN_PROGS=basic_test" \
		   "TEST_GEN_PROGS+=param_test TEST_GEN_PROGS+=param_test_benchmark" \
		   "TEST_GEN_PROGS+=param_test_compare_twice" ;;
	esac
}
TIMEOUT=120
MEM=256M
# A rootfs of its own for one big program (below) holds 90 MB.
MEM_BIG=512M

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
kst=$build/kselftest
src=$build/linux
sel=$src/tools/testing/selftests
obj=$kst/obj
inst=$kst/install
logs=$kst/logs
expected=$root/tests/kselftest/expected.txt
loader=${XLIBOS:-$build/bin/xlibos}
base_rootfs=${ROOTFS:-$build/rootfs}
host_rootfs=$build/host-rootfs

# --------------------------------------------------------------- one test
# Internal: "kselftest.sh --run-one MODE SUITE PROG", started by xargs -P.
# Writes logs/MODE/SUITE/PROG.{out,err,rc}; rc is the exit status, or
# "timeout", or "skip:REASON".
if [ "${1:-}" = --run-one ]; then
	mode=$2 suite=$3 prog=$4
	start=$(date +%s)
	d=$logs/$mode/$suite
	mkdir -p "$d"
	to=$TIMEOUT
	[ "$suite/$prog" = timers/raw_skew ] && to=150
	if [ "$mode" = xlibos ]; then
		rfs=$kst/rootfs/$(echo "$suite" | tr / _)
		[ -d "$rfs@$prog" ] && rfs=$rfs@$prog
		f=$rfs/kselftest/$suite/$prog
		if [ ! -e "$f" ]; then
			echo "fail:not built" >"$d/$prog.rc"
			exit 0
		fi
		# A script whose interpreter the rootfs lacks cannot run there.
		if [ "$(head -c 2 "$f")" = "#!" ]; then
			interp=$(head -n 1 "$f" | cut -c3- | awk '{ print $1 }')
			if [ "$interp" = /usr/bin/env ]; then
				interp=$(head -n 1 "$f" | awk '{ print $2 }')
				found=
				for p in /bin /usr/bin /sbin /usr/sbin; do
					[ -e "$rfs$p/$interp" ] || [ -L "$rfs$p/$interp" ] && found=1
				done
			else
				found=
				[ -e "$rfs$interp" ] || [ -L "$rfs$interp" ] && found=1
			fi
			if [ -z "$found" ]; then
				: >"$d/$prog.out"
				: >"$d/$prog.err"
				echo "skip:needs $interp, which the rootfs lacks" >"$d/$prog.rc"
				exit 0
			fi
		fi
		mem=$MEM
		case $rfs in *@*) mem=$MEM_BIG ;; esac
		# it maps and fills 2 GB (guest memory is a sparse memfd: only
		# what it touches is the host's)
		[ "$suite/$prog" = vm/mremap_test ] && mem=3G
		# the network tests want loopback only, as natively (below)
		net=
		[ "$suite" = net ] && net="--net none"
		# shellcheck disable=SC2086
		timeout -k 10 "$to" "$loader" run $net --rootfs "$rfs" --mem "$mem" \
			--workdir "/kselftest/$suite" -- "/kselftest/$suite/$prog" \
			</dev/null >"$d/$prog.out" 2>"$d/$prog.err"
		rc=$?
	else
		cd "$kst/native/$suite" || exit 0
		if [ ! -e "$prog" ]; then
			echo "fail:not built" >"$d/$prog.rc"
			exit 0
		fi
		wrap=$NATIVE_WRAP
		# net: a network namespace of its own, with only lo, up
		if [ "$suite" = net ]; then
			if [ -z "$NATIVE_NETNS" ]; then
				echo "skip:no network namespace natively (unshare -n)" >"$d/$prog.rc"
				exit 0
			fi
			wrap="$NATIVE_NETNS"
		fi
		# shellcheck disable=SC2086
		PATH=$kst/native-bin:$PATH timeout -k 10 "$to" $wrap "./$prog" \
			</dev/null >"$d/$prog.out" 2>"$d/$prog.err"
		rc=$?
	fi
	secs=$(($(date +%s) - start))
	# 124: timed out; 137: still there 10 s after, killed (or a SIGKILL).
	case $rc in
	124) echo timeout ;;
	137) if [ "$secs" -ge "$to" ]; then echo timeout; else echo 137; fi ;;
	*) echo "$rc" ;;
	esac >"$d/$prog.rc"
	echo "$secs" >"$d/$prog.secs"
	exit 0
fi

# ---------------------------------------------------------------- options
record=
native=1
do_build=1
jobs=$(($(nproc) * 4)); [ "$jobs" -gt 8 ] && jobs=8
only=
while [ $# -gt 0 ]; do
	case $1 in
	--record) record=1 ;;
	--no-native) native= ;;
	--no-build) do_build= ;;
	--jobs) jobs=${2:?}; shift ;;
	--jobs=*) jobs=${1#--jobs=} ;;
	-h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "kselftest: unknown option $1" >&2; exit 2 ;;
	*) only="$only $1" ;;
	esac
	shift
done

die() {
	echo "kselftest: $*" >&2
	exit 2
}

[ -d "$sel" ] || die "no $sel (run make first)"
[ -x "$loader" ] || die "no $loader (run make first)"
[ -x "$base_rootfs/bin/busybox" ] || die "no $base_rootfs (run make rootfs)"
for t in gcc make rsync timeout xargs; do
	command -v $t >/dev/null 2>&1 || die "$t not found"
done

# ------------------------------------------------------------------ build
mkdir -p "$obj" "$inst" "$logs"
blog=$kst/build.log
if [ -n "$do_build" ]; then
	echo "kselftest: building the selftests (log: $blog)"
	build_start=$(date +%s)
	: >"$blog"
	for lib in cap popt; do
		[ -e "/usr/lib/x86_64-linux-gnu/lib$lib.a" ] ||
			echo "kselftest: warning: no static lib$lib (install lib$lib-dev)" >&2
	done
	# uapi headers for x86, in their own object directory.
	if [ ! -f "$obj/.headers-stamp" ] ||
	   [ -n "$(find "$src/Makefile" "$src/include/uapi" "$src/arch/x86/include/uapi" \
		-newer "$obj/.headers-stamp" -print -quit)" ]; then
		make -s -C "$src" ARCH=x86 O="$obj" INSTALL_HDR_PATH="$obj/usr" \
			headers_install >>"$blog" 2>&1 || die "headers_install failed, see $blog"
		touch "$obj/.headers-stamp"
	fi
	khdr="-isystem $obj/usr/include"
	ko=$obj/kselftest
	make -C "$sel" TARGETS="$MAIN_TARGETS" O="$obj" USERLDFLAGS=-static \
		KSFT_INSTALL_PATH="$inst" install >>"$blog" 2>&1 ||
		echo "kselftest: warning: selftests build had errors, see $blog" >&2
	mkdir -p "$ko/timers" "$ko/exec" "$ko/memfd" "$ko/openat2" "$ko/rseq"
	# memfd: memfd_test only (fuse_mnt needs libfuse).
	make -C "$sel/memfd" OUTPUT="$ko/memfd" KHDR_INCLUDES="$khdr" \
		USERLDFLAGS=-static TEST_GEN_FILES= TEST_PROGS= \
		INSTALL_PATH="$inst/memfd" install >>"$blog" 2>&1 ||
		echo "kselftest: warning: memfd build had errors, see $blog" >&2
	# openat2: its Makefile adds ASan and UBSan, which cannot link -static.
	make -C "$sel/openat2" OUTPUT="$ko/openat2" CFLAGS="-Wall -O2 -g $khdr" \
		USERLDFLAGS=-static INSTALL_PATH="$inst/openat2" install >>"$blog" 2>&1 ||
		echo "kselftest: warning: openat2 build had errors, see $blog" >&2
	make -C "$sel/timers" OUTPUT="$ko/timers" KHDR_INCLUDES="$khdr" \
		USERLDFLAGS=-static TEST_GEN_PROGS_EXTENDED= \
		INSTALL_PATH="$inst/timers" install >>"$blog" 2>&1 ||
		echo "kselftest: warning: timers build had errors, see $blog" >&2
	static=
	for p in execveat non-regular recursion-depth null-argv execveat.symlink \
		 execveat.denatured script subdir; do
		static="$static $ko/exec/$p"
	done
	# shellcheck disable=SC2086
	{ make -C "$sel/exec" OUTPUT="$ko/exec" USERLDFLAGS=-static $static &&
	  make -C "$sel/exec" OUTPUT="$ko/exec" INSTALL_PATH="$inst/exec" install
	} >>"$blog" 2>&1 || echo "kselftest: warning: exec build had errors, see $blog" >&2
	# rseq: its tests link librseq.so (rpath ./), so they stay dynamic
	# and get the host's libraries, as x86's do.
	make -C "$sel/rseq" OUTPUT="$ko/rseq" KHDR_INCLUDES="$khdr" \
		INSTALL_PATH="$inst/rseq" install >>"$blog" 2>&1 ||
		echo "kselftest: warning: rseq build had errors, see $blog" >&2
	# vm and net: the chosen programs only (VM_PROGS, NET_PROGS), -k: one
	# that does not build is "not built", not the end of the suite.
	for s in vm net; do
		progs="$VM_PROGS $VM_HUGETLB_PROGS"
		[ "$s" = net ] && progs=$NET_PROGS
		mkdir -p "$ko/$s" "$inst/$s"
		targets=
		for p in $progs; do
			targets="$targets $ko/$s/$p"
		done
		# shellcheck disable=SC2086
		make -k -C "$sel/$s" OUTPUT="$ko/$s" KHDR_INCLUDES="$khdr" \
			USERLDFLAGS=-static $targets >>"$blog" 2>&1 ||
			echo "kselftest: warning: $s build had errors, see $blog" >&2
		for p in $progs; do
			[ -x "$ko/$s/$p" ] && cp "$ko/$s/$p" "$inst/$s/"
		done
	done
	for t in $VM_HUGETLB_TESTS; do
		cp "$root/tests/kselftest/hugetlb.sh" "$inst/vm/$t"
	done
	echo "kselftest: built in $(($(date +%s) - build_start)) s"
fi

# ------------------------------------------------------------- test list
list=$kst/list.txt
: >"$list"
for s in $SUITES; do
	if [ -n "$only" ]; then
		want=
		for o in $only; do
			case $o in "$s" | "$s"/*) want=1 ;; esac
			case $s in "$o"/*) want=1 ;; esac
		done
		[ -n "$want" ] || continue
	fi
	case $s in
	vm) printf "vm:%s\n" $VM_PROGS $VM_HUGETLB_TESTS ;;
	net) printf "net:%s\n" $NET_PROGS ;;
	*)
		# shellcheck disable=SC2046 # the overrides are words
		make -s --no-print-directory -C "$sel/$s" OUTPUT="$obj/kselftest/$s" \
			TEST_GEN_PROGS_EXTENDED= COLLECTION="$s" $(emit_overrides "$s") \
			emit_tests 2>/dev/null ;;
	esac |
	while IFS=: read -r suite prog; do
		if [ -n "$only" ]; then
			want=
			for o in $only; do
				case $o in "$suite" | "$suite/$prog") want=1 ;; esac
				case $suite in "$o"/*) want=1 ;; esac
			done
			[ -n "$want" ] || continue
		fi
		echo "$suite $prog"
	done >>"$list"
done
ntests=$(wc -l <"$list")
[ "$ntests" -gt 0 ] || die "no tests selected"

# ---------------------------------------------------------------- rootfs
# add_python3 ROOTFS: what exec/binfmt_script.py needs, from the host's
# Debian packages as the host rootfs's programs are: python3 with Debian's
# minimal standard library (python3.X-minimal and libpython3.X-minimal,
# which hold os and subprocess; 17 MB), perl (perl-base: the scripts it
# makes run "#!/usr/bin/perl") and getconf (libc-bin), with their
# libraries.  Without those packages nothing is added and the test skips.
add_python3() {
	py=$(readlink -f /usr/bin/python3 2>/dev/null) || return 0
	pkg=$(dpkg-query -S "$py" 2>/dev/null | cut -d: -f1) || return 0
	[ -n "$pkg" ] && [ -x /usr/bin/perl ] && [ -x /usr/bin/getconf ] || return 0
	dpkg-query -L "$pkg" "lib$pkg" 2>/dev/null |
	grep -E '^/usr/(bin|lib)/' |
	while read -r f; do
		[ -f "$f" ] && [ ! -L "$f" ] || continue
		mkdir -p "$1$(dirname "$f")"
		cp -p "$f" "$1$f"
	done
	ln -sf "$(basename "$py")" "$1/usr/bin/python3"
	for f in /usr/bin/perl /usr/bin/getconf; do
		[ -e "$1$f" ] || cp -p "$f" "$1$f"
	done
	ldd "$py" /usr/bin/perl /usr/bin/getconf 2>/dev/null | grep -o ' /[^ ]*' |
	sort -u |
	while read -r lib; do
		# the host rootfs is merged-/usr: /lib is usr/lib there
		dst=$1/usr${lib#/usr}
		[ -e "$dst" ] && continue
		mkdir -p "$(dirname "$dst")"
		cp -L "$lib" "$dst"
	done
}

# One rootfs per suite: build/rootfs plus /kselftest/SUITE/.
rm -rf "$kst/rootfs" "$kst/native" "$logs"
mkdir -p "$kst/rootfs" "$kst/native" "$kst/native-bin" "$logs"
if grep -q -E "^($(echo $HOST_ROOTFS_SUITES | tr ' ' '|')) " "$list"; then
	sh "$root/scripts/make-host-rootfs.sh" "$host_rootfs" >"$kst/host-rootfs.log" 2>&1 ||
		die "cannot build $host_rootfs (log: $kst/host-rootfs.log)"
fi
cut -d' ' -f1 "$list" | sort -u | while read -r s; do
	r=$kst/rootfs/$(echo "$s" | tr / _)
	base=$base_rootfs
	# exec's tests run /bin/true and /bin/sh scripts and expect a
	# distribution's (busybox picks its applet by argv[0], and its sh
	# exits 2 where bash exits 127): they get the host's bash, coreutils
	# and busybox (scripts/make-host-rootfs.sh).
	# mount and sysctl's scripts are bash scripts, too.
	case " $HOST_ROOTFS_SUITES " in *" $s "*) base=$host_rootfs ;; esac
	cp -a "$base" "$r"
	rm -f "$r/.host-rootfs-stamp"
	# /mnt, which tests mount on (mount_setattr), as distributions have it
	mkdir -p "$r/mnt"
	mkdir -p "$r/kselftest/$s" "$kst/native/$s"
	if [ -d "$inst/$s" ]; then
		cp -a "$inst/$s/." "$r/kselftest/$s/"
		cp -a "$inst/$s/." "$kst/native/$s/"
	fi
	# Dynamic programs (exec's PIEs, x86's and some of vDSO's, whose
	# Makefiles link them so) get the host's dynamic linker and libraries.
	find "$inst/$s" -maxdepth 1 -type f -perm -u+x 2>/dev/null |
	while read -r f; do
		[ "$(head -c 4 "$f")" = "$(printf '\177ELF')" ] || continue
		ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true
	done | sort -u |
	while read -r lib; do
		[ -e "$r$lib" ] && continue
		mkdir -p "$r$(dirname "$lib")"
		cp -L "$lib" "$r$lib"
	done
	[ "$s" = exec ] && add_python3 "$r"
	# A file over 16 MB (exec's load_address.*0x1000000 are 50 MB
	# of alignment padding each) gets a rootfs of its own, hard-linked from
	# the suite's but without the other big programs: the rootfs is
	# unpacked into guest memory (MEM_BIG for these).
	big=$(cd "$r/kselftest/$s" && find . -maxdepth 1 -type f -size +16M | cut -c3-)
	for p in $big; do
		mv "$r/kselftest/$s/$p" "$kst/rootfs/$p.big"
	done
	for p in $big; do
		cp -al "$r" "$r@$p"
		ln "$kst/rootfs/$p.big" "$r@$p/kselftest/$s/$p"
	done
	for p in $big; do
		rm "$kst/rootfs/$p.big"
	done
done
# Natively, short_splice_read.sh would "modprobe test_module" on the host.
printf '#!/bin/sh\necho "modprobe: disabled by kselftest.sh" >&2\nexit 1\n' \
	>"$kst/native-bin/modprobe"
chmod +x "$kst/native-bin/modprobe"
NATIVE_WRAP=
if unshare -m -i --propagation private true 2>/dev/null; then
	NATIVE_WRAP="unshare -m -i --propagation private"
fi
export NATIVE_WRAP
# The native network tests: a new network namespace whose lo is up.
printf '#!/bin/sh\nip link set lo up && exec "$@"\n' >"$kst/native-bin/lo-up"
chmod +x "$kst/native-bin/lo-up"
NATIVE_NETNS=
if unshare -n -m -i --propagation private "$kst/native-bin/lo-up" true 2>/dev/null; then
	NATIVE_NETNS="unshare -n -m -i --propagation private $kst/native-bin/lo-up"
fi
export NATIVE_NETNS

# ------------------------------------------------------------------- run
modes=xlibos
[ -n "$native" ] && modes="xlibos native"
echo "kselftest: running $ntests tests in xlibos${native:+ and natively}, $jobs at a time"
# Longest first, by the durations of the last run (or typical ones), so
# that the long sleepers overlap everything else; but the tests that keep
# a CPU busy for their whole run go last, because timing-sensitive tests
# (futex_requeue, the timers latency tests) fail on a loaded host.
durations=$kst/durations.txt
[ -f "$durations" ] || : >"$durations"
run_start=$(date +%s)
for m in $modes; do
	sed "s/^/$m /" "$list"
done | awk -v dur="$durations" '
	BEGIN { while ((getline l < dur) > 0) { split(l, f, " "); d[f[1] " " f[2] " " f[3]] = f[4] } }
	BEGIN {
		split("timers/raw_skew 120 timers/nsleep-lat 85 timers/set-timer-lat 80 " \
		      "pidfd/pidfd_test 30 timers/posix_timers 12 timers/mqueue-lat 10 " \
		      "timers/nanosleep 9 futex/functional/run.sh 10", f, " ")
		for (i = 1; i in f; i += 2) typical[f[i]] = f[i + 1]
		heavy["timers/inconsistency-check"] = heavy["timers/threadtest"] = 1
	}
	{
		k = $0; t = $2 "/" $3
		s = (t in heavy) ? -1 : (k in d) ? d[k] : (t in typical) ? typical[t] : 0
		print s, NR, $0
	}' |
	sort -k1,1nr -k2,2n | cut -d' ' -f3- |
	xargs -P "$jobs" -n 3 sh "$0" --run-one
echo "kselftest: ran in $(($(date +%s) - run_start)) s"
for m in $modes; do
	while read -r suite prog; do
		echo "$m $suite $prog $(cat "$logs/$m/$suite/$prog.secs" 2>/dev/null || echo 0)"
	done <"$list"
done >"$durations.new"
# Keep the durations of tests that did not run this time.
awk 'NR == FNR { seen[$1 " " $2 " " $3] = 1; print; next } !(($1 " " $2 " " $3) in seen)' \
	"$durations.new" "$durations" >"$durations.tmp"
mv "$durations.tmp" "$durations"
rm -f "$durations.new"

# --------------------------------------------------------------- results
# status MODE SUITE PROG: prints "STATUS REASON".
status() {
	d=$logs/$1/$2
	rc=$(cat "$d/$3.rc" 2>/dev/null || echo "fail:no result")
	out=$d/$3.out err=$d/$3.err
	last=$(cat "$out" "$err" 2>/dev/null | grep -v '^[[:space:]]*$' | tail -n 1 | cut -c1-150)
	# The first "Bail out!" or failed TAP result, and the first line that
	# looks like an error (TAP "ok" lines aside).
	firstbad=$(grep -m 1 -E '^(Bail out!|not ok)' "$out" 2>/dev/null | cut -c1-120)
	why=$(cat "$err" "$out" 2>/dev/null | grep -v -E '^(ok|not ok|Bail out!) ' | grep -m 1 -E \
		'^# [^ ]+\.[ch]:[0-9]+:|Assertion|FAIL|[Ff]ailed|[Ee]rror|not supported|not permitted|not implemented|ENOSYS|panic' |
		cut -c1-150)
	[ -n "$why" ] && [ "$why" != "$firstbad" ] && firstbad="${firstbad:+$firstbad | }$why"
	case $rc in
	skip:* | fail:*) printf '%s\n' "${rc%%:*} ${rc#*:}" ;;
	timeout) printf '%s\n' "timeout timed out; last output: $last" ;;
	0)
		# Trust the kselftest "# Totals:" line when there is one (some
		# tests print PASS/FAIL, not ok/not ok), else count the results.
		tap=$(awk '
			/^1\.\.[0-9]+/ && plan == "" { plan = substr($1, 4) + 0 }
			/^ok [0-9]/ { n++ }
			/^not ok [0-9]/ { n++; if (tolower($0) !~ /# *skip/) bad++ }
			/^# Planned tests != run tests \([0-9]+ != [0-9]+\)/ {
				split($0, nums, /[()]/); split(nums[2], pr, " != ")
				if (pr[1] + 0 > pr[2] + 0) mismatch = $0
			}
			/^# Totals: / {
				totals = 1
				for (i = 3; i <= NF; i++) {
					split($i, kv, ":")
					if (kv[1] == "fail" || kv[1] == "error") tfail += kv[2]
				}
			}
			END {
				if (totals && tfail > 0)
					printf "exit 0 but %d failed results", tfail
				else if (mismatch != "")
					printf "exit 0 but %s", substr(mismatch, 3)
				else if (!totals && plan != "" && (bad > 0 || n < plan))
					printf "exit 0 but TAP has %d of %d results, %d not ok", n, plan, bad
			}' "$out" 2>/dev/null)
		if [ -n "$tap" ]; then
			printf '%s\n' "fail $tap; ${firstbad:-last output: $last}"
		else
			echo "pass"
		fi
		;;
	4) printf '%s\n' "skip exit 4 (KSFT_SKIP): $last" ;;
	*)
		case $rc in
		125) why="xlibos error (125)" ;;
		12[6-7]) why="exit $rc (cannot run)" ;;
		1[3-9][0-9]) why="killed by signal $((rc - 128))" ;;
		*) why="exit $rc" ;;
		esac
		printf '%s\n' "fail $why; ${firstbad:-last output: $last}"
		;;
	esac
}

results=$kst/results.txt
nresults=$kst/native.txt
details=$kst/details.txt
: >"$results"
: >"$nresults"
: >"$details"
while read -r suite prog; do
	r=$(status xlibos "$suite" "$prog")
	st=${r%% *}
	echo "$suite/$prog: $st" >>"$results"
	[ "$st" = pass ] || printf '%s\n' "$suite/$prog: $st - ${r#* }" >>"$details"
	if [ -n "$native" ]; then
		r=$(status native "$suite" "$prog")
		st=${r%% *}
		echo "$suite/$prog: $st" >>"$nresults"
		[ "$st" = pass ] || printf '%s\n' "native $suite/$prog: $st - ${r#* }" >>"$details"
	fi
done <"$list"

cat "$results"

# The same results in KTAP, as the kselftest runner prints them (a file:
# make check's summary counts every "not ok" line it sees as a failure).
ktap=$kst/results.ktap
awk -v n="$(wc -l <"$results")" '
	BEGIN { print "KTAP version 1"; print "1.." n }
	{ t = $1; sub(/:$/, "", t); st = $2
	  if (st == "pass") print "ok " NR " " t
	  else if (st == "skip") print "ok " NR " " t " # SKIP"
	  else print "not ok " NR " " t " # " st }
	END { }' "$results" >"$ktap"
echo "# KTAP: $ktap"

# expected status of a test, or nothing.
expect_of() {
	[ -f "$expected" ] &&
		sed -n "s|^$1: \([a-z]*\)\( *#.*\)\{0,1\}\$|\\1|p" "$expected" | tail -n 1
}

passed=0 failed=0 skipped=0 badknown=0
while IFS= read -r line; do
	t=${line%: *} st=${line##*: }
	exp=$(expect_of "$t")
	case $st in
	pass) passed=$((passed + 1)) ;;
	skip) skipped=$((skipped + 1)) ;;
	esac
	case $st in
	fail | timeout)
		case $exp in
		fail | timeout | flaky) badknown=$((badknown + 1)) ;;
		*)
			failed=$((failed + 1))
			echo "# REGRESSION $t: expected ${exp:-nothing (new test)}, got $st"
			;;
		esac
		;;
	*)
		if [ -z "$exp" ]; then
			echo "# new $t: $st (not in expected.txt)"
		elif [ "$exp" != "$st" ] && [ "$exp" != flaky ]; then
			case $exp in
			fail | timeout) echo "# improved $t: expected $exp, got $st" ;;
			*) echo "# changed $t: expected $exp, got $st" ;;
			esac
		fi
		;;
	esac
done <"$results"

if [ -n "$native" ]; then
	echo "# native (host $(uname -r)): $(cut -d' ' -f2 "$nresults" | sort | uniq -c |
		awk '{ printf "%s%d %s", (NR > 1 ? ", " : ""), $1, $2 }'); differs from xlibos:"
	paste -d' ' "$results" "$nresults" | awk '$2 != $4 { printf "#   %s native %s, xlibos %s\n", substr($1, 1, length($1) - 1), $4, $2 }'
fi
if [ -s "$details" ]; then
	echo "# not passing, with reasons ($details):"
	sed 's/^/#   /' "$details"
fi
echo "# $badknown known failures or timeouts (expected in tests/kselftest/expected.txt)"

if [ -n "$record" ]; then
	tmp=$expected.tmp
	mkdir -p "$(dirname "$expected")"
	{
		echo "# Expected kselftest results inside xlibos: \"suite/prog: pass|fail|skip|timeout|flaky\"."
		echo "# flaky (set by hand, kept by --record): timing-bound, may fail on a loaded host."
		echo "# Written by scripts/kselftest.sh --record; compared by make kselftest."
		echo "# A \"# reason\" after the status says why xlibos differs from the native run (kept by --record)."
		# The old lines, updated from this run, then the tests new to it.
		{ [ -f "$expected" ] && grep -v '^#' "$expected"; } |
		awk -v res="$results" '
			BEGIN { while ((getline l < res) > 0) { t = l; sub(/: [a-z]*$/, "", t); r[t] = l; o[++n] = t } }
			{ t = $0; sub(/: [a-z]*( *#.*)?$/, "", t)
			  st = $0; sub(/ *#.*$/, "", st); sub(/^.*: /, "", st)
			  n2 = (t in r) ? r[t] : ""; sub(/^.*: /, "", n2)
			  if (st == "flaky") { print; done[t] = 1 }
			  else if ((t in r) && st == n2) { print; done[t] = 1 }
			  else if (t in r) { print r[t]; done[t] = 1 } else if ($0 != "") print }
			END { for (i = 1; i <= n; i++) if (!(o[i] in done)) print r[o[i]] }'
	} >"$tmp"
	mv "$tmp" "$expected"
	echo "# recorded $(grep -vc '^#' "$expected") results in $expected"
	failed=0
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
