# shellcheck shell=sh
# runc running a network server as Docker would: a bundle from
# tests/storage/compare_runc.sh's runc_bundle, then
#   runc_net_patch BUNDLE NETNS_PATH
# makes it join the network namespace NETNS_PATH (made by the caller, as
# Docker or CNI make one per container) and gives it Docker's default
# capabilities (runc's own lack CAP_SETUID and CAP_SETGID, without which
# nginx's workers cannot become www-data) and, as Docker's containers
# inherit dockerd's, the caller's open-file limit instead of runc's 1024.
# Needs python3.

runc_net_patch() {
	python3 - "$1" "$2" <<'EOF'
import json, os, resource, sys
path = os.path.join(sys.argv[1], "config.json")
c = json.load(open(path))
ns = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
ns.append({"type": "network", "path": sys.argv[2]})
c["linux"]["namespaces"] = ns
caps = ["CAP_" + n for n in ("CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID "
                             "SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL "
                             "AUDIT_WRITE").split()]
c["process"]["capabilities"] = {k: caps for k in ("bounding", "effective", "permitted")}
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "hard": hard, "soft": soft}]
json.dump(c, open(path, "w"), indent=1)
EOF
}
