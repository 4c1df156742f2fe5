#!/usr/bin/env python3
"""Compare a container's /proc/mounts under runc and under xlibos for the
same config.json (tests/oci/fidelity.sh).  Lines that differ by design are
left out, each for a reason the fixtures README gives:

- "/": the host's directory under runc, an overlay of the image's ext4 file
  system in xlibos;
- "/dev": a tmpfs with the host's device nodes bound or made under runc,
  the guest kernel's own devtmpfs in xlibos; so a masked file (/dev/null
  bound on it) shows /dev's file system: only "masked" is compared;
- "/sys/fs/cgroup" and below: the host's cgroup hierarchy (v1 here) under
  runc, the guest's own cgroup2;
- a masked path the guest kernel does not have (/proc/acpi, /proc/scsi...):
  runc masks what the host has;
- a bind-mounted file (/etc/hosts...): the host file's file system under
  runc, a copy on a tmpfs in xlibos: only the flags config.json sets (and
  ro/rw) are compared.

usage: mounts_compare.py CONFIG.JSON RUNC-MOUNTS XLIBOS-MOUNTS
Prints the mount points compared; exits 1 with the differences if any.
"""
import json
import sys

GENERIC = {"ro", "rw", "nosuid", "nodev", "noexec", "relatime", "noatime", "strictatime",
           "nodiratime", "sync", "dirsync"}


def parse(path):
    """{mount point: (source, type, options)}, the last mount on each point."""
    out = {}
    for line in open(path):
        f = line.split()
        if len(f) >= 4 and f[1].startswith("/"):
            out[f[1]] = (f[0], f[2], f[3])
    return out


def main(argv):
    spec = json.load(open(argv[1]))
    runc, xl = parse(argv[2]), parse(argv[3])
    lnx = spec.get("linux", {})
    masked = set(lnx.get("maskedPaths", []))
    file_binds = {}
    for m in spec.get("mounts", []):
        opts = m.get("options", [])
        if m.get("type") == "bind" or "bind" in opts or "rbind" in opts:
            file_binds[m["destination"]] = {o for o in opts if o in GENERIC - {"ro", "rw"}}
    compared, diffs = [], []
    for mp in sorted(set(runc) | set(xl)):
        if mp in ("/", "/dev") or mp == "/sys/fs/cgroup" or mp.startswith("/sys/fs/cgroup/"):
            continue
        r, x = runc.get(mp), xl.get(mp)
        if mp in masked:
            if r is None or x is None:
                continue
            # a file masked with the container's /dev/null: /dev's file system
            if r[1] != "tmpfs" or "ro" not in r[2].split(","):
                r = x = ("masked", "file", "")
        elif mp in file_binds and r and x:
            keep = file_binds[mp]

            def flags(o):
                opts = o.split(",")
                return ",".join([opts[0]] + [f for f in opts[1:] if f in keep])
            r = ("file", "bind", flags(r[2]))
            x = ("file", "bind", flags(x[2]))
        compared.append(mp)
        if r != x:
            diffs.append("%s: runc %s, xlibos %s" % (mp, " ".join(r) if r else "(none)",
                                                      " ".join(x) if x else "(none)"))
    print(" ".join(compared))
    for d in diffs:
        print(d)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
