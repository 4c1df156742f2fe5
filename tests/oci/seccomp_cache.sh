#!/bin/sh
# linux.seccomp compiled once per profile (loader/oci/seccomp_cache.c):
# a second create of the same profile takes the cached program, and it is
# the same program the first compiled (the guest records compared), with
# the same effect inside (a profile denying mkdir); a cache record that is
# damaged or not the user's own is not used, and is made again.
# usage: seccomp_cache.sh path/to/xlibos-runtime [path/to/rootfs]
set -u
# shellcheck source-path=SCRIPTDIR source=suite_init.sh
. "$(dirname "$0")/suite_init.sh"

checks="cold create compiles and keeps the program|warm create: the same program, not compiled again|the cached program applies inside|a damaged record is made again|a record not the user's own is not used"
skip_all() { skip_checks seccomp_cache "$1"; }
[ "$(id -u)" -eq 0 ] || skip_all "needs root (chown of a cache record)"
[ -d "$rootfs/bin" ] || skip_all "no rootfs at $rootfs (make rootfs)"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"

cache=$scratch/cache
R="$runtime --root $scratch/state --cache-dir $cache"
B=$scratch/bundle
mkdir -p "$B" && chmod 700 "$scratch"
(cd "$B" && $runtime spec >/dev/null) || skip_all "xlibos-runtime spec failed"
python3 - "$B/config.json" "$rootfs" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"] = {"path": sys.argv[2], "readonly": True}
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", "mkdir /tmp/x 2>/dev/null; echo mkdir $?"]
c["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"})
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
json.dump(c, open(sys.argv[1], "w"))
EOF

# run ID: create, start and wait for the container; its output in $scratch/ID.out,
# its seccomp record (the hex program) in $scratch/ID.rec.
run() {
	$R create --bundle "$B" "$1" >"$scratch/$1.out" 2>&1 || return 1
	tr '\0' '\n' <"$scratch/state/$1/records" | sed -n '/^seccomp$/{n;p}' >"$scratch/$1.rec"
	$R start "$1" >>"$scratch/$1.out" 2>&1
	i=0
	while [ $i -lt 100 ] && $R state "$1" 2>/dev/null | grep -q '"running"'; do
		sleep 0.1
		i=$((i + 1))
	done
	$R delete --force "$1" >/dev/null 2>&1
}
record() { ls "$cache"/seccomp-*.bpf 2>/dev/null | head -1; }
# same_text A B: the same contents, a trailing newline aside.
same_text() { [ -s "$1" ] && [ "$(cat "$1")" = "$(cat "$2")" ]; }

run cold
rec=$(record)
if [ -n "$rec" ] && same_text "$scratch/cold.rec" "$rec"; then
	ok "cold create compiles and keeps the program ($(wc -c <"$rec") hex digits)"
else
	not_ok "cold create compiles and keeps the program" "$(cat "$scratch/cold.out"; ls -la "$cache")"
fi
before=$(stat -c '%i %Y' "$rec" 2>/dev/null)
run warm
if cmp -s "$scratch/cold.rec" "$scratch/warm.rec" && [ "$(stat -c '%i %Y' "$rec")" = "$before" ]; then
	ok "warm create: the same program, not compiled again"
else
	not_ok "warm create: the same program, not compiled again"
fi
if grep -q "^mkdir 1" "$scratch/warm.out" && cmp -s "$scratch/cold.out" "$scratch/warm.out"; then
	ok "the cached program applies inside: $(grep mkdir "$scratch/warm.out") (mkdir denied)"
else
	not_ok "the cached program applies inside" "cold: $(cat "$scratch/cold.out") warm: $(cat "$scratch/warm.out")"
fi
printf 'zz' >"$rec"
run damaged
if cmp -s "$scratch/cold.rec" "$scratch/damaged.rec" && same_text "$scratch/cold.rec" "$rec"; then
	ok "a damaged record is made again"
else
	not_ok "a damaged record is made again"
fi
# Another user's record, however well formed, is not taken.
printf '0600000000000000' >"$rec"
chown 1234 "$rec"
run foreign
if cmp -s "$scratch/cold.rec" "$scratch/foreign.rec" && grep -q "^mkdir 1" "$scratch/foreign.out"; then
	ok "a record not the user's own is not used"
else
	not_ok "a record not the user's own is not used" "$(cat "$scratch/foreign.out")"
fi
summary
