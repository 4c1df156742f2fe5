#!/usr/bin/env python3
"""The config.json Docker 20.10.24 and containerd 1.6.20 write for a
container, rebuilt from their sources (Debian 12's docker.io and
containerd), for tests/oci/docker_shaped.sh.  Each part names the Go code it
follows; tests/oci/fixtures/README.md has the details.

usage: shaped_spec.py docker|docker-net|docker-systemd|containerd
                      BUNDLE ROOTFS ID [--seccomp-profile F] [--tty]
                      [--readonly] [--apparmor] [--memory BYTES] [--user U:G]
                      [--cwd DIR] [--env K=V]... [--bind SRC:DST[:ro]]... -- CMD...

docker: `docker run --rm IMG CMD` (cgroupfs driver, a bridge-less daemon:
--bridge none, so no libnetwork hook); docker-net: the same with Docker's
default bridge network, whose prestart hook is in the spec; docker-systemd:
the systemd cgroup driver (Debian 12's default: cgroup v2 and systemd).
containerd: `ctr run --rm IMG ID CMD` (root "rootfs" in the bundle).
The host files Docker bind-mounts (/etc/hostname, /etc/hosts,
/etc/resolv.conf) are written into BUNDLE/docker-files.
"""
import json
import os
import platform
import sys

PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# moby oci/caps/defaults.go DefaultCapabilities; containerd oci/spec.go
# defaultUnixCaps: the same 14, in the same order.
DEFAULT_CAPS = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
    "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
]


def dev_rule(allow, typ=None, major=None, minor=None):
    r = {"allow": allow}
    if typ:
        r["type"] = typ
    if major is not None:
        r["major"] = major
    if minor is not None:
        r["minor"] = minor
    r["access"] = "rwm"
    return r


def kernel_at_least(version):
    """profiles/seccomp/kernel_linux.go: the host's kernel.major against "K.M"."""
    want = tuple(int(x) for x in version.split("."))
    have = platform.release().split("-")[0].split(".")
    return (int(have[0]), int(have[1])) >= want


def docker_seccomp(profile_path, bounding):
    """moby profiles/seccomp/seccomp_linux.go setupSeccomp for GOARCH amd64."""
    prof = json.load(open(profile_path))
    arch = "amd64"
    out = {"defaultAction": prof["defaultAction"]}
    for a in prof.get("archMap", []):
        if a["architecture"] == "SCMP_ARCH_X86_64":
            out["architectures"] = [a["architecture"]] + a["subArchitectures"]
            break
    calls = []
    for call in prof["syscalls"]:
        exc, inc = call.get("excludes", {}), call.get("includes", {})
        if arch in exc.get("arches", []):
            continue
        if any(c in bounding for c in exc.get("caps", [])):
            continue
        if exc.get("minKernel") and kernel_at_least(exc["minKernel"]):
            continue
        if inc.get("arches") and arch not in inc["arches"]:
            continue
        if inc.get("caps") and not all(c in bounding for c in inc["caps"]):
            continue
        if inc.get("minKernel") and not kernel_at_least(inc["minKernel"]):
            continue
        # specs.LinuxSyscall: names, action, errnoRet (omitempty), args (omitempty)
        new = {"names": call.get("names") or [call["name"]], "action": call["action"]}
        if call.get("errnoRet") is not None:
            new["errnoRet"] = call["errnoRet"]
        if call.get("args"):
            new["args"] = [{k: v for k, v in a.items() if v or k in ("index", "value")}
                           for a in call["args"]]
        calls.append(new)
    out["syscalls"] = calls
    return out


def docker_spec(o, kind):
    cid = (o["id"] * 64)[:64]
    hostname = cid[:12]
    files = os.path.join(o["bundle"], "docker-files")
    os.makedirs(files, exist_ok=True)
    # container/container_unix.go NetworkMounts: these three files, from
    # /var/lib/docker/containers/ID/, writable unless --read-only.
    with open(os.path.join(files, "hostname"), "w") as f:
        f.write(hostname + "\n")
    with open(os.path.join(files, "hosts"), "w") as f:
        f.write("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n")
    with open(os.path.join(files, "resolv.conf"), "w") as f:
        f.write("nameserver 127.0.0.53\noptions edns0 trust-ad\n")
    uid, gid = o["user"]
    caps = DEFAULT_CAPS
    # daemon/oci_linux.go WithCommonOptions: env from CreateDaemonEnvironment.
    env = [PATH_ENV, "HOSTNAME=" + hostname] + (["TERM=xterm"] if o["tty"] else []) + o["env"]
    process = {
        "user": {"uid": uid, "gid": gid, "additionalGids": [gid]},
        "args": o["cmd"],
        "env": env,
        "cwd": o["cwd"] or "/",
        # oci/oci.go SetCapabilities: root gets all three sets, others bounding only.
        "capabilities": ({"bounding": caps, "effective": caps, "permitted": caps}
                         if uid == 0 else {"bounding": caps}),
        "oomScoreAdj": 0,
    }
    # WithApparmor: on a host with AppArmor (Debian 12 has it on; runc then
    # needs dockerd's docker-default profile loaded, so only on request here).
    if o["apparmor"]:
        process["apparmorProfile"] = "docker-default"
    if o["tty"]:
        process["terminal"] = True
    # oci/defaults.go DefaultLinuxSpec mounts, /dev/shm given size= by WithMounts.
    mounts = [
        {"destination": "/proc", "type": "proc", "source": "proc",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
         "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
         "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs",
         "options": ["nosuid", "noexec", "nodev", "ro"]},
        {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
         "options": ["ro", "nosuid", "noexec", "nodev"]},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
         "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=67108864"]},
    ]
    user_mounts = []
    for name in ("resolv.conf", "hostname", "hosts"):
        m = {"destination": "/etc/" + name, "type": "bind",
             "source": os.path.join(files, name), "options": ["rbind", "rprivate"]}
        if o["readonly"]:
            m["options"].append("ro")
        user_mounts.append(m)
    for src, dst, ro in o["binds"]:
        user_mounts.append({"destination": dst, "type": "bind", "source": src,
                            "options": ["rbind"] + (["ro"] if ro else []) + ["rprivate"]})
    # WithMounts: --read-only makes every non-user mount but /proc, /dev* ro.
    if o["readonly"]:
        for m in mounts:
            if m["destination"] not in ("/proc", "/dev/pts", "/dev/shm", "/dev/mqueue", "/dev") \
                    and "ro" not in m["options"]:
                m["options"].append("ro")
    mounts += user_mounts
    resources = {
        # oci/defaults.go: deny all, then allow zero, null, urandom, random,
        # tty, console, and deny /dev/fuse (10:229).
        "devices": [dev_rule(False), dev_rule(True, "c", 1, 5), dev_rule(True, "c", 1, 3),
                    dev_rule(True, "c", 1, 9), dev_rule(True, "c", 1, 8),
                    dev_rule(True, "c", 5, 0), dev_rule(True, "c", 5, 1),
                    dev_rule(False, "c", 10, 229)],
        # daemon_unix.go getMemoryResources: OomKillDisable as the CLI sends it (false).
        "memory": {"disableOOMKiller": False},
        # getCPUResources: shares always set (0 unless --cpu-shares).
        "cpu": {"shares": 0},
        # WithResources: BlockIO.Weight is always a pointer, 0 unless --blkio-weight.
        "blockIO": {"weight": 0},
    }
    if o["memory"]:
        resources["memory"]["limit"] = o["memory"]
    if kind == "docker-systemd":
        cgroups_path = "system.slice:docker:" + cid
    else:
        cgroups_path = "/docker/" + cid
    lnx = {
        "resources": resources,
        "cgroupsPath": cgroups_path,
        # WithCommonOptions: the two network sysctls of a private network namespace.
        "sysctl": {"net.ipv4.ip_unprivileged_port_start": "0",
                   "net.ipv4.ping_group_range": "0 2147483647"},
        # DefaultLinuxSpec's five, and cgroup (cgroup v2's default cgroupns=private).
        "namespaces": [{"type": "mount"}, {"type": "network"}, {"type": "uts"},
                       {"type": "pid"}, {"type": "ipc"}, {"type": "cgroup"}],
        "maskedPaths": ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
                        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                        "/proc/sched_debug", "/proc/scsi", "/sys/firmware"],
        "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                          "/proc/sysrq-trigger"],
    }
    if o["seccomp"]:
        lnx["seccomp"] = docker_seccomp(o["seccomp"], caps)
    hooks = {}
    if kind == "docker-net":
        # WithLibnetwork: dockerd's own binary, run by the runtime before the
        # process starts, to hand the container's network namespace to libnetwork.
        hooks["prestart"] = [{"path": "/proc/4242/exe",
                              "args": ["libnetwork-setkey", "-exec-root=/var/run/docker",
                                       cid, "0123456789ab"]}]
    # Go's encoding/json order of specs.Spec's fields.
    return {"ociVersion": "1.0.2-dev", "process": process,
            "root": {"path": o["rootfs"]} if not o["readonly"]
            else {"path": o["rootfs"], "readonly": True},
            "hostname": hostname, "mounts": mounts, "hooks": hooks, "linux": lnx}


def containerd_spec(o):
    uid, gid = o["user"]
    caps = DEFAULT_CAPS
    env = [PATH_ENV] + o["env"] + (["TERM=xterm"] if o["tty"] else [])
    process = {
        "user": {"uid": uid, "gid": gid, "additionalGids": [gid]},
        "args": o["cmd"],
        "env": env,
        "cwd": o["cwd"] or "/",
        "capabilities": {"bounding": caps, "effective": caps, "permitted": caps},
        "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
        "noNewPrivileges": True,
    }
    if o["tty"]:
        process["terminal"] = True
    # oci/mounts.go defaultMounts
    mounts = [
        {"destination": "/proc", "type": "proc", "source": "proc",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
         "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
         "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
        {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
         "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs",
         "options": ["nosuid", "noexec", "nodev", "ro"]},
        {"destination": "/run", "type": "tmpfs", "source": "tmpfs",
         "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    ]
    # cmd/ctr/commands/commands.go withMounts: --mount type=bind,src=S,dst=D,options=rbind:ro
    for src, dst, ro in o["binds"]:
        mounts.append({"destination": dst, "type": "bind", "source": src,
                       "options": ["rbind"] + (["ro"] if ro else [])})
    # oci/spec.go populateDefaultUnixSpec's deny-all, then WithDefaultUnixDevices.
    devices = [dev_rule(False), dev_rule(True, "c", 1, 3), dev_rule(True, "c", 1, 8),
               dev_rule(True, "c", 1, 7), dev_rule(True, "c", 5, 0), dev_rule(True, "c", 1, 5),
               dev_rule(True, "c", 1, 9), dev_rule(True, "c", 5, 1), dev_rule(True, "c", 136),
               dev_rule(True, "c", 5, 2)]
    resources = {"devices": devices}
    if o["memory"]:
        resources["memory"] = {"limit": o["memory"]}
    lnx = {
        "resources": resources,
        "cgroupsPath": "/default/" + o["id"],
        "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"},
                       {"type": "mount"}, {"type": "network"}],
        "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                        "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
        "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                          "/proc/sysrq-trigger"],
    }
    root = {"path": "rootfs"}
    if o["readonly"]:
        root["readonly"] = True
    return {"ociVersion": "1.0.2-dev", "process": process, "root": root,
            "mounts": mounts, "linux": lnx}


def main(argv):
    kind, bundle, rootfs, cid = argv[1:5]
    bundle = os.path.abspath(bundle)
    o = {"bundle": bundle, "rootfs": rootfs, "id": cid, "seccomp": None, "tty": False,
         "readonly": False, "apparmor": False, "memory": 0, "user": (0, 0), "cwd": None, "env": [],
         "binds": [], "cmd": []}
    args = argv[5:]
    while args:
        a = args.pop(0)
        if a == "--":
            o["cmd"] = args
            break
        if a in ("--tty", "--readonly", "--apparmor"):
            o[a[2:]] = True
        elif a == "--seccomp-profile":
            o["seccomp"] = args.pop(0)
        elif a == "--memory":
            o["memory"] = int(args.pop(0))
        elif a == "--user":
            u, g = args.pop(0).split(":")
            o["user"] = (int(u), int(g))
        elif a == "--cwd":
            o["cwd"] = args.pop(0)
        elif a == "--env":
            o["env"].append(args.pop(0))
        elif a == "--bind":
            parts = args.pop(0).split(":")
            o["binds"].append((parts[0], parts[1], len(parts) > 2 and parts[2] == "ro"))
        else:
            sys.exit("shaped_spec.py: unknown option " + a)
    if kind in ("docker", "docker-net", "docker-systemd"):
        spec = docker_spec(o, kind)
    elif kind == "containerd":
        spec = containerd_spec(o)
    else:
        sys.exit("shaped_spec.py: docker, docker-net, docker-systemd or containerd")
    with open(os.path.join(bundle, "config.json"), "w") as f:
        json.dump(spec, f, indent="\t")


if __name__ == "__main__":
    main(sys.argv)
