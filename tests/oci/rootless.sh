#!/bin/sh
# Rootless podman (podman's default for a user) driving xlibos-runtime, each
# check compared with runc on the same image: the runtime keeps its state
# in $XDG_RUNTIME_DIR (as runc), stdio and ids, a volume, chown inside,
# the root's writes in podman diff and after a restart, exec, stop past its
# timeout, pause refused by podman as for runc (cgroup v1 rootless).
# The suite makes a user of its own (subordinate ids for newuidmap) and
# removes it at the end.
# usage: rootless.sh path/to/xlibos-runtime [path/to/rootfs]
set -u
# shellcheck source-path=SCRIPTDIR source=suite_init.sh
. "$(dirname "$0")/suite_init.sh"

checks="state under XDG_RUNTIME_DIR|run, ids, volume, chown|writes in diff, restart|exec, stop|pause"
skip_all() { skip_checks rootless "$1"; }
command -v podman >/dev/null 2>&1 || skip_all "podman is not installed (scripts/install-deps.sh)"
command -v runc >/dev/null 2>&1 || skip_all "runc is not installed (scripts/install-deps.sh)"
command -v newuidmap >/dev/null 2>&1 || skip_all "newuidmap is not installed (uidmap, scripts/install-deps.sh)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (to make the test's user)"
[ -d "$rootfs/bin" ] || skip_all "no rootfs at $rootfs (make rootfs)"

user=xlrl$$
base=$scratch/rootless
cleanup() {
	if id "$user" >/dev/null 2>&1; then
		su "$user" -s /bin/sh -c "XDG_RUNTIME_DIR=$base/xdg podman --root $base/store --runroot $base/run rm -af -t 0; podman unshare rm -rf $base/store" >/dev/null 2>&1
		# podman's pause process holds the user's namespace: userdel waits for none.
		pkill -KILL -u "$user" 2>/dev/null
		sleep 0.2
		usermod --del-subuids 300000-365535 --del-subgids 300000-365535 "$user" 2>/dev/null
		userdel "$user" 2>/dev/null || echo "# could not remove the test's user $user" >&2
	fi
	rm -rf "$scratch"
}
trap cleanup EXIT
useradd -M -d "$base/home" -s /bin/sh "$user" ||
	skip_all "cannot add a user for the test"
usermod --add-subuids 300000-365535 --add-subgids 300000-365535 "$user" ||
	skip_all "cannot give the test's user subordinate ids"
mkdir -p "$base/home" "$base/xdg" "$base/vol"
echo hostfile >"$base/vol/h"
tar -C "$rootfs" -cf "$base/rootfs.tar" .
chown -R "$user:" "$base"
chmod 700 "$base/xdg"
chmod 755 "$scratch"
# The runtime and the image beside it must be reachable by the user.
dir=$(dirname "$runtime")
while [ "$dir" != / ]; do
	[ -x "$dir" ] && [ "$(stat -c %A "$dir" | cut -c10)" = x ] ||
		skip_all "$dir is not searchable by other users"
	dir=$(dirname "$dir")
done

cat >"$base/session.sh" <<EOF
cd "$base" || exit 1
export XDG_RUNTIME_DIR=$base/xdg HOME=$base/home
P="podman --root $base/store --runroot $base/run --cgroup-manager cgroupfs --events-backend file --runtime \$1"
\$P image exists localhost/rl:1 || \$P import -q rootfs.tar localhost/rl:1 >/dev/null
case \$2 in
run)
	\$P run --rm --network none -v $base/vol:/v localhost/rl:1 sh -c 'cat /v/h; echo w >/v/new.\$\$; id; touch /x && chown 5:5 /x && ls -ln /x | cut -c1-30'
	echo "exit \$?"
	ls -n $base/vol | awk 'NR > 1 {print \$1, \$3, \$4, \$5}' | sort | uniq -c
	rm -f $base/vol/new.*
	;;
diff)
	\$P run --name c1 --network none localhost/rl:1 sh -c 'cat /a 2>/dev/null; echo a >>/a; chown 7:7 /a; mkdir -p /dd; ls -ln /a | cut -c1-30' 2>&1
	\$P diff c1 | sort
	\$P start -a c1
	\$P rm c1 >/dev/null
	;;
exec)
	\$P run -d --name d1 --network none localhost/rl:1 sleep 100 >/dev/null
	\$P exec d1 sh -c 'echo exec ok; id -u'
	\$P stop -t 1 d1 >/dev/null 2>&1
	echo "stop: \$(\$P inspect d1 --format '{{.State.ExitCode}}')"
	\$P rm d1 >/dev/null
	;;
pause)
	\$P run -d --name p1 --network none localhost/rl:1 sleep 100 >/dev/null
	\$P pause p1 2>&1 | cut -c1-60
	\$P rm -f -t 0 p1 >/dev/null
	;;
esac
EOF
chmod 755 "$base/session.sh"

# both CHECK: the session with runc and with xlibos, the same output.
both() {
	# podman's first-start warnings ("/" not a shared mount) are not the runtimes'.
	su "$user" -s /bin/sh -c "sh $base/session.sh runc $1" 2>&1 | grep -v 'level=warning' >"$scratch/r.out"
	su "$user" -s /bin/sh -c "sh $base/session.sh $runtime $1" 2>&1 | grep -v 'level=warning' >"$scratch/x.out"
	if cmp -s "$scratch/r.out" "$scratch/x.out" && [ -s "$scratch/r.out" ]; then
		ok "rootless $2: $(tr '\n' ' ' <"$scratch/x.out" | cut -c1-110) (as runc)"
	else
		not_ok "rootless $2" "$(diff "$scratch/r.out" "$scratch/x.out")"
	fi
}

both run "run, ids, volume, chown"
if [ -d "$base/xdg/xlibos-runtime" ] && [ ! -e "/run/xlibos-runtime/$user" ]; then
	ok "rootless state under XDG_RUNTIME_DIR ($base/xdg/xlibos-runtime)"
else
	not_ok "rootless state under XDG_RUNTIME_DIR" "$(ls -la "$base/xdg")"
fi
both diff "writes in diff, restart"
both exec "exec, stop"
both pause "pause"
summary
