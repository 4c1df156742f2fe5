#!/bin/sh
# A container's writes to its root reach its rootfs, as under runc: what
# podman diff, cp, commit and a restart (podman start) see after the
# container ended, each compared with runc on the same image.  Endings: the
# command exits, podman stop past its timeout (kill -9 through the
# runtime, with a file written by podman exec), podman kill; --read-only
# writes nothing; podman commit --pause of a running container (written
# back at pause, and what is removed later removed at the end).  Both storage drivers (overlay, vfs).
# usage: writeback.sh path/to/xlibos-runtime [path/to/rootfs]
set -u
# shellcheck source-path=SCRIPTDIR source=suite_init.sh
. "$(dirname "$0")/suite_init.sh"

checks=""
for d in overlay vfs; do
	checks="$checks${checks:+|}$d: --rm has no write-back|$d: diff after exit|$d: cp out|$d: restart sees the writes|$d: commit|$d: stop past the timeout, with exec|$d: kill|$d: --read-only|$d: commit --pause of a running container, then removals"
done
skip_all() { skip_checks writeback "$1"; }
# shellcheck source=lib_podman.sh
. "$here/lib_podman.sh"
podman_require skip_all

# both DESC CMD...: CMD (a function given the runtime's pm_ function and a
# container name suffix) with runc and with xlibos; the outputs must match.
both() {
	desc=$1
	shift
	"$@" pm_runc r >"$scratch/r.out" 2>&1
	"$@" pm_x x >"$scratch/x.out" 2>&1
	if cmp -s "$scratch/r.out" "$scratch/x.out" && [ -s "$scratch/r.out" ]; then
		ok "$driver: $desc: $(tr '\n' ' ' <"$scratch/x.out" | cut -c1-100) (as runc)"
	else
		not_ok "$driver: $desc" "$(diff "$scratch/r.out" "$scratch/x.out")"
	fi
}

# shellcheck disable=SC2016 # run in the container
changes='echo hi >/newf; rm /etc/group; mkdir -p /var/x; echo y >/var/x/y; chmod 4711 /newf; cat /count 2>/dev/null; echo n >>/count; exit 3'

run_changes() {
	$1 run $RUNOPTS --name "c$2" "$IMAGE" sh -c "$changes"
	echo "exit $?"
	$1 diff "c$2" | LC_ALL=C sort
}
cp_out() {
	$1 cp "c$2:/newf" - | tar -tv | awk '{print $1, $NF}'
	$1 cp "c$2:/var/x/y" - | tar -xO
}
restart() {
	$1 start -a "c$2"
	echo "exit $?"
}
commit() {
	$1 commit -q "c$2" "localhost/committed-$2:1" >/dev/null &&
		$1 run --rm $RUNOPTS "localhost/committed-$2:1" sh -c 'cat /count /newf; ls -l /newf | cut -c1-10; ls /etc/group 2>&1'
}
stop_exec() {
	$1 run -d $RUNOPTS --name "s$2" "$IMAGE" sh -c 'echo started >/st; sleep 100' >/dev/null
	pm_wait_file "$1" "s$2" /st
	$1 exec "s$2" sh -c 'echo from-exec >/ex'
	$1 stop -t 1 "s$2" >/dev/null 2>&1
	$1 diff "s$2" | LC_ALL=C sort
	$1 cp "s$2:/ex" - | tar -xO
}
kill_it() {
	$1 run -d $RUNOPTS --name "k$2" "$IMAGE" sh -c 'echo started >/st; sleep 100' >/dev/null
	pm_wait_file "$1" "k$2" /st
	$1 kill "k$2" >/dev/null
	$1 wait "k$2"
	$1 diff "k$2" | LC_ALL=C sort
}
# runc also makes the mount points of podman's --read-only tmpfs mounts
# (/var/tmp: the image has no /var) in the rootfs; a read-only root gets no
# write-back share in xlibos (nothing inside may write the rootfs), so they
# stay in the guest: left out.
read_only() {
	$1 run $RUNOPTS --read-only --name "ro$2" "$IMAGE" sh -c 'touch /x 2>/dev/null; echo $?'
	$1 diff "ro$2" | grep -v -x -e 'A /var' -e 'A /var/tmp' | LC_ALL=C sort
}

# commit --pause (docker commit's default) of a running container: its
# writes so far are in the image; what it removes after the pause is gone
# from its rootfs at the end (a write-back at pause, then one at the end).
paused_commit() {
	$1 run -d $RUNOPTS --name "pc$2" "$IMAGE" sh -c 'echo one >/a; mkdir -p /d/e; echo f >/d/e/f; rm /etc/group; touch /ready; while [ ! -e /go ]; do sleep 0.1; done; rm /a; rm -rf /d; echo two >/b; sleep 100' >/dev/null
	pm_wait_file "$1" "pc$2" /ready
	$1 commit -q --pause=true "pc$2" "localhost/snap-$2:1" >/dev/null
	echo "commit: $?, $($1 inspect "pc$2" --format '{{.State.Status}}')"
	$1 run --rm $RUNOPTS "localhost/snap-$2:1" sh -c 'cat /a /d/e/f; ls /etc/group 2>&1'
	$1 exec "pc$2" touch /go
	pm_wait_file "$1" "pc$2" /b
	$1 stop -t 1 "pc$2" >/dev/null 2>&1
	$1 diff "pc$2" | LC_ALL=C sort
}

for driver in overlay vfs; do
	PODMAN_STORAGE_DRIVER=$driver
	podman_setup "$scratch/podman-$driver" "$runtime"
	if ! podman_import "$rootfs" >"$out" 2>&1; then
		podman_cleanup
		skip_all "podman import failed: $(tail -1 "$out")"
	fi
	# --rm (podman's autoremove annotation): the rootfs goes right after, no write-back.
	pm_x run --rm -d $RUNOPTS --name rm1 "$IMAGE" sleep 100 >/dev/null
	pid=$($PODMAN inspect rm1 --format '{{.State.Pid}}')
	if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "--rootfs " &&
		! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- --rootfs-writeback; then
		ok "$driver: --rm has no write-back (its rootfs is removed right after)"
	else
		not_ok "$driver: --rm has no write-back" "$(tr '\0' ' ' <"/proc/$pid/cmdline")"
	fi
	$PODMAN rm -f -t 0 rm1 >/dev/null 2>&1
	both "diff after exit" run_changes
	both "cp out" cp_out
	both "restart sees the writes" restart
	both "commit" commit
	both "stop past the timeout, with exec" stop_exec
	both "kill" kill_it
	both "--read-only" read_only
	both "commit --pause of a running container, then removals" paused_commit
	podman_cleanup
done
summary
