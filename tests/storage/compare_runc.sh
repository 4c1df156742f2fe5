# shellcheck shell=sh disable=SC2154 # $scratch comes from tests/lib.sh
# runc as the reference container for the storage tests and make
# bench-storage: the same directory as the container's root, read-only (as
# xlibos's image), with optional bind mounts.  Source it; needs python3 (to
# write the OCI config) and $scratch (tests/lib.sh makes one).
#
#   have_runc                      runc usable here (root, runc installed)
#   runc_run ROOTFS [-b HOST:GUEST[:ro]]... [-w] [-e KEY=VALUE]... -- CMD...
#                                  run CMD in a new container, its stdout,
#                                  stderr and exit status as runc_run's
#       -b  bind-mount HOST at GUEST (read-write unless :ro); GUEST must
#           be a directory of ROOTFS already: runc would create it in the
#           host tree, which must stay as it is
#       -w  a writable root (default: read-only, like an image)
#       -e  an environment variable besides PATH, HOME and TERM
#   runc_bundle ROOTFS [options] -- CMD...
#                                  write a bundle and print its directory
#                                  (runc_start BUNDLE runs it; for timing)

have_runc() {
	[ "$(id -u)" -eq 0 ] && command -v runc >/dev/null 2>&1 &&
		command -v python3 >/dev/null 2>&1
}

runc_bundle() {
	rootfs=$1
	shift
	# mktemp, not a counter: callers run this in $(...), a subshell
	bundle=$(mktemp -d "$scratch/runc-bundle.XXXXXX") || return 1
	binds="" writable=0 envs=""
	while [ $# -gt 0 ]; do
		case $1 in
		-b)	# runc would make a missing mount point in the tree itself
			rb_dest=${2#*:}
			rb_dest=${rb_dest%%:*}
			if [ -L "$rootfs$rb_dest" ] || [ ! -d "$rootfs$rb_dest" ]; then
				echo "runc_bundle: no directory $rb_dest in $rootfs (runc would create it there)" >&2
				return 2
			fi
			binds="$binds$2
"; shift 2 ;;
		-w) writable=1; shift ;;
		-e) envs="$envs$2
"; shift 2 ;;
		--) shift; break ;;
		*) echo "runc_bundle: unknown option $1" >&2; return 2 ;;
		esac
	done
	(cd "$bundle" && runc spec) || return 1
	# The command goes through a NUL-separated file, not the shell.
	for a in "$@"; do printf '%s\0' "$a"; done >"$bundle/args"
	RUNC_ROOTFS=$rootfs RUNC_BINDS=$binds RUNC_WRITABLE=$writable \
	RUNC_ENVS=$envs python3 - "$bundle" <<'EOF' || return 1
import json, os, sys
bundle = sys.argv[1]
path = os.path.join(bundle, "config.json")
c = json.load(open(path))
c["root"] = {"path": os.path.abspath(os.environ["RUNC_ROOTFS"]),
             "readonly": os.environ["RUNC_WRITABLE"] != "1"}
p = c["process"]
p["terminal"] = False
p["args"] = open(os.path.join(bundle, "args"), "rb").read().decode().split("\0")[:-1]
p["env"] = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME=/root", "TERM=xterm"] + \
           [e for e in os.environ["RUNC_ENVS"].split("\n") if e]
p["cwd"] = "/"
# Root in the container, as xlibos runs COMMAND; keep runc's default
# capabilities and namespaces, unless RUNC_FULL_CAPS=1 asks for every
# capability, as xlibos's root has (to read what only a file's owner may).
p["user"] = {"uid": 0, "gid": 0}
if os.environ.get("RUNC_FULL_CAPS") == "1":
    last = int(open("/proc/sys/kernel/cap_last_cap").read())
    names = ("CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID "
             "SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW "
             "IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT "
             "SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD "
             "LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG "
             "WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE").split()
    bnd = int([l.split()[1] for l in open("/proc/self/status") if l.startswith("CapBnd:")][0], 16)
    # Those runc 1.1 knows (38) and this process may give.
    caps = ["CAP_" + n for i, n in enumerate(names[:min(last + 1, 38)]) if bnd >> i & 1]
    p["capabilities"] = {k: caps for k in ("bounding", "effective", "permitted")}
for b in os.environ["RUNC_BINDS"].split("\n"):
    if not b:
        continue
    parts = b.split(":")
    opts = ["rbind", "ro" if len(parts) > 2 and parts[2] == "ro" else "rw"]
    c["mounts"].append({"destination": parts[1], "type": "bind",
                        "source": os.path.abspath(parts[0]), "options": opts})
# Like xlibos: /tmp is part of the (writable, throw-away) container.
c["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                    "options": ["nosuid", "nodev", "mode=1777"]})
json.dump(c, open(path, "w"), indent=1)
EOF
	echo "$bundle"
}

# runc_start BUNDLE: run the container described by BUNDLE, then remove it.
runc_start() {
	id=xlibos-test-$$-$(basename "$1" | tr -c 'a-zA-Z0-9\n' -)
	runc run --bundle "$1" "$id" </dev/null
	rc=$?
	runc delete -f "$id" >/dev/null 2>&1
	return $rc
}

runc_run() {
	b=$(runc_bundle "$@") || return 125
	runc_start "$b"
}
