#!/bin/sh
# What a container sees of its mounts and limits, under xlibos-runtime and
# under runc, for the same config.json: Docker's and containerd's
# (shaped_spec.py, run through containerd's shim sequence, shim_sequence.py)
# and podman's own (podman run with each runtime).  /proc/mounts is compared
# line by line (mounts_compare.py leaves out what differs by design: the
# root, /dev, the cgroup hierarchy; tests/oci/fixtures/README.md), /tmp
# under a read-only root, devpts's modes under a terminal, and the resource
# limits a config.json without process.rlimits leaves to the caller.
# usage: fidelity.sh path/to/xlibos-runtime [path/to/rootfs]
set -u
# shellcheck source-path=SCRIPTDIR source=suite_init.sh
. "$(dirname "$0")/suite_init.sh"

skip_all() { skip_suite "mounts and limits as runc's" "$1"; }
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"
runc=$(command -v runc) || skip_all "runc is not installed (scripts/install-deps.sh)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (runc as Docker runs it)"
[ -d "$rootfs/bin" ] || skip_all "no rootfs at $rootfs (make rootfs)"
case $rootfs in /*) ;; *) rootfs=$(cd "$rootfs" && pwd) ;; esac

# The image: the rootfs with a /run holding files of several owners and
# modes (what a tmpfs with tmpcopyup starts with) and /var/tmp.
img=$scratch/image
cp -a "$rootfs/." "$img"
mkdir -p "$img/run/lock" "$img/run/sub/deep" "$img/var/tmp"
echo hello >"$img/run/file"
echo deep >"$img/run/sub/deep/f"
ln -s file "$img/run/link"
chown 1:1 "$img/run/lock"
chown 2:3 "$img/run/file"
chown 4:4 "$img/run/sub"
chmod 0755 "$img/run"
chmod 1777 "$img/run/lock" "$img/var/tmp"
chmod 0640 "$img/run/file"
chmod 0710 "$img/run/sub"
chmod 4755 "$img/run/sub/deep/f"
rootfs=$img
root=$scratch/runtime-root
export XLIBOS_CACHE_DIR="$scratch/cache"
nr_open_was=$(cat /proc/sys/fs/nr_open)
cleanup() {
	for id in $(ls "$root.runc" 2>/dev/null); do "$runc" --root "$root.runc" delete --force "$id"; done >/dev/null 2>&1
	for id in $(ls "$root.x" 2>/dev/null); do "$runtime" --root "$root.x" delete --force "$id"; done >/dev/null 2>&1
	[ "$(cat /proc/sys/fs/nr_open)" = "$nr_open_was" ] || echo "$nr_open_was" >/proc/sys/fs/nr_open
	[ -n "${PODMAN:-}" ] && podman_cleanup
	rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cid=9e1b7c3a5f6e9d0c1b2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c4f0c2a9d8e1b

# shellcheck source-path=SCRIPTDIR source=lib_shaped.sh
. "$here/lib_shaped.sh"

# edit NAME PYTHON: both bundles' config.json changed by PYTHON on dict c.
edit() {
	for rt in runc x; do
		python3 - "$scratch/$1.$rt/config.json" <<EOF
import json, sys
c = json.load(open(sys.argv[1]))
$2
json.dump(c, open(sys.argv[1], "w"), indent="\t")
EOF
	done
}

# shim NAME [shim_sequence.py options]: create, start, wait, delete with
# runc and with xlibos (as containerd's shim); results in NAME.RT.out/.
shim() {
	name=$1
	shift
	for rt in runc x; do
		bin=$runc
		[ "$rt" = x ] && bin=$runtime
		rm -rf "$scratch/$name.$rt.out"
		timeout 180 python3 "$here/shim_sequence.py" run "$bin" "$root.$rt" \
			"$scratch/$name.$rt" "$cid" "$scratch/$name.$rt.out" "$@" \
			>"$scratch/$name.$rt.driver" 2>&1
	done
}

# section NAME START END: the lines of NAME.RT.out/stdout between two markers.
section() {
	tr -d '\r' <"$1" | sed -n "/^$2\$/,/^$3\$/p" | sed '1d;$d'
}

# compare_mounts NAME DESC: /proc/mounts (between "=mounts" and "=end") as runc's.
compare_mounts() {
	r=$scratch/$1.runc.out/stdout x=$scratch/$1.x.out/stdout
	section "$r" =mounts =end >"$scratch/$1.runc.mounts"
	section "$x" =mounts =end >"$scratch/$1.x.mounts"
	if [ ! -s "$scratch/$1.runc.mounts" ] || [ ! -s "$scratch/$1.x.mounts" ]; then
		not_ok "$2: /proc/mounts as runc's" "no mounts read
$(head -c 2000 "$r" "$x" "$scratch/$1.x.out/stderr" "$scratch/$1.x.driver" 2>&1)"
		return
	fi
	python3 "$here/mounts_compare.py" "$scratch/$1.runc/config.json" \
		"$scratch/$1.runc.mounts" "$scratch/$1.x.mounts" >"$out" 2>&1 &&
		ok "$2: /proc/mounts as runc's ($(head -1 "$out"))" ||
		not_ok "$2: /proc/mounts as runc's" "$(cat "$out")"
}

# same_section NAME DESC START END: that part of the output as runc's.
same_section() {
	section "$scratch/$1.runc.out/stdout" "$3" "$4" >"$scratch/$1.runc.sec"
	section "$scratch/$1.x.out/stdout" "$3" "$4" >"$scratch/$1.x.sec"
	if [ -s "$scratch/$1.runc.sec" ] && cmp -s "$scratch/$1.runc.sec" "$scratch/$1.x.sec"; then
		ok "$2: $(tr '\n' ' ' <"$scratch/$1.x.sec" | tr -s ' ' | cut -c1-150)"
	else
		not_ok "$2" "runc:
$(cat "$scratch/$1.runc.sec")
xlibos:
$(cat "$scratch/$1.x.sec" "$scratch/$1.x.out/stderr" 2>/dev/null | head -30)"
	fi
}

mounts_probe='echo =mounts; cat /proc/mounts; echo =end'
tmp_probe='echo =tmp; touch /tmp/x 2>/dev/null && echo /tmp writable || echo /tmp read-only
ls /tmp; mkdir /var/tmp/d 2>/dev/null && echo /var/tmp writable || echo /var/tmp read-only
ls /run; stat -c "%a %n" /run /var/tmp /tmp; echo =end'

# --- Docker: the mounts of `docker run`, `--read-only`, `-t` ------------------
# An image file in /tmp: runc shows it (no tmpfs hides it).
bundle docker docker -- sh -c "$mounts_probe; $tmp_probe"
for rt in runc x; do echo image >"$scratch/docker.$rt/rootfs/tmp/from-image"; done
shim docker
compare_mounts docker "docker run"
same_section docker "docker run: /tmp is the image's, writable with the root" =tmp =end

bundle dockerro docker --readonly -- sh -c "$mounts_probe; $tmp_probe"
for rt in runc x; do echo image >"$scratch/dockerro.$rt/rootfs/tmp/from-image"; done
shim dockerro
compare_mounts dockerro "docker run --read-only"
same_section dockerro "docker run --read-only: /tmp is read-only with the root, the image's file in it" =tmp =end

# docker run --read-only --tmpfs /tmp: then the spec's tmpfs, writable.
bundle dockerrot docker --readonly -- sh -c "$mounts_probe; $tmp_probe"
edit dockerrot "c['mounts'].append({'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['rw', 'nosuid', 'nodev', 'noexec', 'size=1m']})"
shim dockerrot
compare_mounts dockerrot "docker run --read-only --tmpfs /tmp:size=1m"
same_section dockerrot "docker run --read-only --tmpfs /tmp: the spec's tmpfs, writable" =tmp =end

pts_probe='echo =pts; ls -l /dev/pts/ptmx | cut -c1-10; stat -c "%a %g" /dev/pts/0 /dev/pts/ptmx
ls -l /dev/ptmx | cut -c1-10; tty; echo =end'
bundle dockert docker --tty -- sh -c "$mounts_probe; $pts_probe"
shim dockert --tty
compare_mounts dockert "docker run -t (devpts's options, /dev/console the terminal)"
same_section dockert "docker run -t: /dev/pts/ptmx, the terminal's mode and group" =pts =end

# --- tmpfs: the directory's mode, and podman's tmpcopyup -------------------
run_probe='echo =run; for f in /run/file /run/link /run/sub /run/sub/deep /run/sub/deep/f; do stat -c "%A %u %g %s %N" $f; done
cat /run/file /run/sub/deep/f
stat -c "%a %u %g %n" /run /var/tmp; echo =end; echo =lock; stat -c "%a %u %g" /run/lock; echo =end'
bundle copyup docker -- sh -c "$mounts_probe; $run_probe"
edit copyup "c['mounts'] += [{'destination': '/run', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['rw', 'rprivate', 'nosuid', 'nodev', 'tmpcopyup']},
	{'destination': '/var/tmp', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['nosuid', 'nodev']}]"
shim copyup
compare_mounts copyup "tmpfs on /run (tmpcopyup) and /var/tmp"
same_section copyup "tmpcopyup: the image's /run in the tmpfs (owners, modes, set-id, symlink), each tmpfs with its directory's mode" =run =end
# runc makes copied directories through its umask (022): the image's 1777
# /run/lock becomes 1755; xlibos keeps the image's mode.
r=$(section "$scratch/copyup.runc.out/stdout" =lock =end) x=$(section "$scratch/copyup.x.out/stdout" =lock =end)
[ "$x" = "1777 1 1" ] && ok "tmpcopyup: a sticky 1777 directory stays 1777 (runc's: $r, through its umask)" ||
	not_ok "tmpcopyup: a sticky 1777 directory stays 1777" "xlibos: $x; runc: $r"

# A copy that does not fit (a 2 MiB file, a 1 MiB tmpfs): the container
# does not start under runc, nor under xlibos, which says why.
bundle copyfull docker -- true
for rt in runc x; do
	head -c 2097152 /dev/zero >"$scratch/copyfull.$rt/rootfs/run/big"
done
edit copyfull "c['mounts'].append({'destination': '/run', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['size=1m', 'tmpcopyup']})"
shim copyfull
if ! grep -qx 'exit 0' "$scratch/copyfull.runc.out/steps" && ! grep -qx 'exit 0' "$scratch/copyfull.x.out/steps" &&
	grep -q "xlibos: tmpcopyup of /run: cannot copy the file big: No space left on device" "$scratch/copyfull.x.out/stderr"; then
	ok "tmpcopyup into a tmpfs too small: no container, as under runc ('$(head -1 "$scratch/copyfull.x.out/stderr")')"
else
	not_ok "tmpcopyup into a tmpfs too small: no container" "runc: $(tr '\n' ' ' <"$scratch/copyfull.runc.out/steps")
xlibos: $(tr '\n' ' ' <"$scratch/copyfull.x.out/steps") $(cat "$scratch/copyfull.x.out/stderr")"
fi

# A tmpfs whose options name a mode keeps it (runc 1.1 chmods it back to
# the directory's: a 1777 /var/tmp with mode=700 is 1777 there).
bundle tmpmode docker -- sh -c 'stat -c %a /var/tmp'
edit tmpmode "c['mounts'].append({'destination': '/var/tmp', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['nosuid', 'mode=700']})"
shim tmpmode
r=$(cat "$scratch/tmpmode.runc.out/stdout") x=$(cat "$scratch/tmpmode.x.out/stdout")
[ "$x" = 700 ] && ok "a tmpfs with mode=700 on a 1777 directory: 700 (runc 1.1's: $r)" ||
	not_ok "a tmpfs with mode=700 on a 1777 directory: 700" "xlibos: $x; runc: $r"

# --- devpts options: what runc passes to the kernel, checked ----------------
bundle ptsopt docker --tty -- sh -c "$mounts_probe; $pts_probe"
edit ptsopt "[m for m in c['mounts'] if m['type'] == 'devpts'][0]['options'] = ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0600', 'mode=0600', 'max=64']"
shim ptsopt --tty
compare_mounts ptsopt "devpts with ptmxmode=0600, mode=0600, max=64"
same_section ptsopt "devpts with ptmxmode=0600, mode=0600, no gid" =pts =end

# An option devpts lacks (tmpfs's size=): runc's create fails (the
# kernel's EINVAL), xlibos's names it.
bundle ptsbad docker -- true
edit ptsbad "[m for m in c['mounts'] if m['type'] == 'devpts'][0]['options'].append('size=64k')"
"$runc" --root "$root.runc" create --bundle "$scratch/ptsbad.runc" ptsbad </dev/null >/dev/null 2>&1
runc_rc=$?
"$runc" --root "$root.runc" delete --force ptsbad >/dev/null 2>&1
"$runtime" --root "$root.x" create --bundle "$scratch/ptsbad.x" ptsbad </dev/null >"$out" 2>&1
rc=$?
"$runtime" --root "$root.x" delete --force ptsbad >/dev/null 2>&1
msg="xlibos-runtime: config.json: mounts[2].options: 'size=64k' is not an option of devpts mounts"
if [ "$runc_rc" -ne 0 ] && [ "$rc" -eq 1 ] && [ "$(cat "$out")" = "$msg" ]; then
	ok "devpts with an option it lacks: runc's create fails, xlibos's too: '$msg'"
else
	not_ok "devpts with an option it lacks: refused by name" "runc exit $runc_rc; exit $rc: $(cat "$out")"
fi

# --- containerd: `ctr run`, its /run tmpfs, --read-only ---------------------
bundle ctr containerd --readonly -- sh -c "$mounts_probe; $tmp_probe"
shim ctr
compare_mounts ctr "ctr run --read-only"
same_section ctr "ctr run --read-only: /tmp read-only" =tmp =end

# --- Limits: none in config.json (Docker without --ulimit) -----------------
limits_probe='echo =limits; ulimit -n; ulimit -Hn; ulimit -u; ulimit -s; cat /proc/self/limits; echo =end'
bundle limits docker -- sh -c "$limits_probe"
shim limits
same_section limits "docker run without --ulimit: ulimit -n, -Hn, -u, -s and /proc/self/limits as runc's (the caller's)" =limits =end

# Other limits in the caller (containerd.service has its own): still the caller's.
bundle limits2 docker -- sh -c "$limits_probe"
edit limits2 "c['process']['rlimits'] = [{'type': 'RLIMIT_NPROC', 'hard': 300, 'soft': 200}]"
for rt in runc x; do
	bin=$runc
	[ "$rt" = x ] && bin=$runtime
	rm -rf "$scratch/limits2.$rt.out"
	(ulimit -n 3000 && ulimit -s 4096 && ulimit -c 1024 && ulimit -l 1024 &&
		timeout 180 python3 "$here/shim_sequence.py" run "$bin" "$root.$rt" \
			"$scratch/limits2.$rt" "$cid" "$scratch/limits2.$rt.out") >"$scratch/limits2.$rt.driver" 2>&1
done
same_section limits2 "a caller at nofile 3000, stack 4M, core 1M, memlock 1M and RLIMIT_NPROC in config.json: as runc's" =limits =end

# exec: the exec'd process has the exec caller's limits (runc exec's own).
bundle limitsx docker -- sleep 30
mkdir -p "$scratch/limitsx.runc.out" "$scratch/limitsx.x.out"
for rt in runc x; do
	bin=$runc
	[ "$rt" = x ] && bin=$runtime
	"$bin" --root "$root.$rt" create --bundle "$scratch/limitsx.$rt" limitsx </dev/null >/dev/null 2>&1 &&
		"$bin" --root "$root.$rt" start limitsx &&
		prlimit --nofile=2500:2600 --stack=4194304:8388608 "$bin" --root "$root.$rt" exec limitsx \
			sh -c 'echo =limits; cat /proc/self/limits; echo =end' \
			</dev/null >"$scratch/limitsx.$rt.out/stdout" 2>&1
	"$bin" --root "$root.$rt" delete --force limitsx >/dev/null 2>&1
done 2>/dev/null
# Go 1.19 raises a program's soft RLIMIT_NOFILE to its hard one at start,
# and runc 1.1.5 (Go 1.19.8) hands that on: its process gets 2600/2600;
# xlibos's keeps the caller's 2500/2600.  The other lines are compared.
for rt in runc x; do
	o=$scratch/limitsx.$rt.out
	grep '^Max open files' "$o/stdout" | tr -s ' ' >"$o/nofile"
	grep -v '^Max open files' "$o/stdout" >"$o/other" && mv "$o/other" "$o/stdout"
done
same_section limitsx "exec under a caller at nofile 2500/2600, stack 4M/8M: /proc/self/limits as runc exec's (open files apart)" =limits =end
x=$(cat "$scratch/limitsx.x.out/nofile") r=$(cat "$scratch/limitsx.runc.out/nofile")
[ "$x" = "Max open files 2500 2600 files " ] &&
	ok "exec: open files 2500/2600, the caller's (runc 1.1.5's: '$r', Go's raised soft limit)" ||
	not_ok "exec: open files 2500/2600, the caller's" "xlibos: '$x'; runc: '$r'"

# The caller's RLIMIT_NOFILE above the guest's fs.nr_open (1048576): clamped,
# and said in the log (runc's container would get the caller's).
# (Only where a hard limit can be raised at all: the host's fs.nr_open is
# not touched otherwise.)
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || ! prlimit --nofile=$((hard - 1)):$((hard - 1)) prlimit --nofile="$hard":"$hard" true 2>/dev/null; then
	skip "a caller's RLIMIT_NOFILE above the guest's fs.nr_open" "cannot raise a hard limit here (no CAP_SYS_RESOURCE)"
elif ! echo 2097152 >/proc/sys/fs/nr_open 2>/dev/null; then
	skip "a caller's RLIMIT_NOFILE above the guest's fs.nr_open" "cannot raise the host's fs.nr_open"
elif ! prlimit --nofile=2000000:2000000 true 2>/dev/null; then
	echo "$nr_open_was" >/proc/sys/fs/nr_open
	skip "a caller's RLIMIT_NOFILE above the guest's fs.nr_open" "cannot raise RLIMIT_NOFILE to 2000000 here"
else
	bundle limits3 docker -- sh -c 'ulimit -n; ulimit -Hn'
	(prlimit --nofile=2000000:2000000 timeout 180 python3 "$here/shim_sequence.py" run "$runtime" "$root.x" \
			"$scratch/limits3.x" "$cid" "$scratch/limits3.x.out") >"$scratch/limits3.x.driver" 2>&1
	echo "$nr_open_was" >/proc/sys/fs/nr_open
	got=$(tr '\n' ' ' <"$scratch/limits3.x.out/stdout")
	if [ "$got" = "1048576 1048576 " ] &&
		grep -q "RLIMIT_NOFILE: ours (2000000/2000000) is above the guest's fs.nr_open: the container gets 1048576/1048576" "$scratch/limits3.x/log.json"; then
		ok "a caller's RLIMIT_NOFILE of 2000000: the guest's 1048576, said in --log"
	else
		not_ok "a caller's RLIMIT_NOFILE of 2000000: clamped to 1048576" "got '$got'
$(cat "$scratch/limits3.x/log.json" "$scratch/limits3.x.out/stderr" 2>&1 | head -10)"
	fi
fi

# config.json's RLIMIT_NOFILE above fs.nr_open (the host's here is the
# guest's, 1048576): runc's create fails (setrlimit's EPERM), xlibos's names it.
bundle nofile docker -- true
edit nofile "c['process']['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'hard': 1048577, 'soft': 1024}]"
if [ "$(cat /proc/sys/fs/nr_open)" -eq 1048576 ]; then
	"$runc" --root "$root.runc" create --bundle "$scratch/nofile.runc" nofile </dev/null >/dev/null 2>&1
	runc_rc=$?
	"$runc" --root "$root.runc" delete --force nofile >/dev/null 2>&1
else
	runc_rc="not run (the host's fs.nr_open is not 1048576)"
fi
"$runtime" --root "$root.x" create --bundle "$scratch/nofile.x" nofile </dev/null >"$out" 2>&1
rc=$?
"$runtime" --root "$root.x" delete --force nofile >/dev/null 2>&1
msg="xlibos-runtime: config.json: process.rlimits[0].hard: 1048577 is above the guest's fs.nr_open (1048576)"
if [ "$runc_rc" != 0 ] && [ "$rc" -eq 1 ] && [ "$(cat "$out")" = "$msg" ]; then
	ok "RLIMIT_NOFILE 1048577 in config.json: runc's create fails ($runc_rc), xlibos's too: '$msg'"
else
	not_ok "RLIMIT_NOFILE above fs.nr_open refused by name" "runc: $runc_rc; exit $rc: $(cat "$out")"
fi

# --- the guest init, given container records directly (xlibos run) ---------
# What xlibos-runtime would refuse first is refused by the guest init too;
# a container (any record) gets no tmpfs on /tmp, xlibos run without does.
loader=$(dirname "$runtime")/xlibos
if [ -x "$loader" ]; then
	printf 'mount\000devpts\n0\nsize=1m\n/dev/pts\000' >"$scratch/rec.bad"
	expect "guest init: a devpts record with tmpfs's size=: refused by name, exit 125" 125 \
		"xlibos: cannot mount devpts on /dev/pts: 'size=1m' is not a devpts option" \
		timeout 60 "$loader" run --net none --rootfs "$rootfs" --guest-records "$scratch/rec.bad" -- true
	printf 'umask\000022\000' >"$scratch/rec.umask"
	expect "guest init: a container (a umask record) has no tmpfs on /tmp" 0 "/tmp" \
		timeout 60 "$loader" run --net none --rootfs "$rootfs" --guest-records "$scratch/rec.umask" -- \
		sh -c 'grep -q " /tmp " /proc/mounts || echo /tmp'
	expect "guest init: xlibos run keeps its tmpfs on /tmp" 0 "tmpfs 1777" \
		timeout 60 "$loader" run --net none --rootfs "$rootfs" -- sh -c 'stat -f -c %T /tmp | tr "\n" " "; stat -c %a /tmp'
else
	skip "guest init given records directly" "no xlibos next to $runtime"
fi

# --- podman: its own config.json with each runtime ---------------------------
# shellcheck source-path=SCRIPTDIR source=lib_podman.sh
. "$here/lib_podman.sh"
if ! command -v podman >/dev/null 2>&1; then
	skip "podman run's mounts as runc's" "podman is not installed"
else
	podman_setup "$scratch/podman" "$runtime"
	if ! podman_import "$rootfs" >/dev/null 2>&1; then
		not_ok "podman import of the rootfs"
	else
		# pm NAME OPTIONS: NAME.runc.out/stdout and NAME.x.out/stdout, and
		# the config.json podman wrote for runc (mounts_compare.py's input).
		pm() {
			name=$1 opts=$2
			for rt in runc x; do
				mkdir -p "$scratch/$name.$rt.out" "$scratch/$name.$rt"
				# shellcheck disable=SC2086
				if [ "$rt" = runc ]; then
					id=$(pm_runc create $RUNOPTS $opts "$IMAGE" sh -c "$mounts_probe; $tmp_probe; $pts_probe")
				else
					id=$(pm_x create $RUNOPTS $opts "$IMAGE" sh -c "$mounts_probe; $tmp_probe; $pts_probe")
				fi
				$PODMAN start -a "$id" >"$scratch/$name.$rt.out/stdout" 2>"$scratch/$name.$rt.out/stderr" </dev/null
				# written by podman's start
				cfg=$(find "$T/store" "$T/run" -path "*$id/userdata/config.json" 2>/dev/null | head -1)
				[ -n "$cfg" ] && cp "$cfg" "$scratch/$name.$rt/config.json"
				$PODMAN rm -f "$id" >/dev/null 2>&1
			done
		}
		pm pm ""
		compare_mounts pm "podman run"
		same_section pm "podman run: /tmp" =tmp =end
		pm pmro "--read-only"
		compare_mounts pmro "podman run --read-only (tmpfs on /tmp, /var/tmp, /run: --read-only-tmpfs)"
		same_section pmro "podman run --read-only: /tmp and /var/tmp writable (podman's tmpfs)" =tmp =end
		pm pmrot "--read-only --read-only-tmpfs=false"
		compare_mounts pmrot "podman run --read-only --read-only-tmpfs=false"
		same_section pmrot "podman run --read-only --read-only-tmpfs=false: /tmp read-only" =tmp =end
		pm pmt "-t"
		compare_mounts pmt "podman run -t"
		same_section pmt "podman run -t: /dev/pts/ptmx, the terminal's mode and group" =pts =end
	fi
fi
summary
