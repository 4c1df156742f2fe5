#!/usr/bin/env python3
# A hostile guest for xlibos-runtime: a state directory ROOT/ID that says
# "running" (this process is its supervisor) and a control socket that
# answers CONNECT and then plays SCENARIO, one connection, with bytes no
# real agent sends.  Used by exec.sh.
# usage: fake_agent.py ROOT ID BUNDLE SCENARIO
import json, os, socket, struct, sys

root, cid, bundle, scenario = sys.argv[1:5]
d = os.path.join(root, cid)
os.makedirs(d, mode=0o700, exist_ok=True)
stat = open("/proc/self/stat").read()
start = int(stat[stat.rindex(")") + 2:].split()[19])
json.dump({"id": cid, "pid": os.getpid(), "pid_start": start, "bundle": bundle,
           "rootfs": "/", "created": "", "annotations": {}},
          open(os.path.join(d, "state.json"), "w"))
path = os.path.join(d, "control.sock")
srv = socket.socket(socket.AF_UNIX)
srv.bind(path)
srv.listen(1)
print("ready", flush=True)
srv.settimeout(30)
c, _ = srv.accept()
c.settimeout(30)

def frame(t, payload=b""):
    return struct.pack(">II", t, len(payload)) + payload

line = b""
while not line.endswith(b"\n") and len(line) < 64:
    line += c.recv(1)
if scenario == "not-ok":
    c.sendall(b"NO thanks\n")
elif scenario == "long-line":
    c.sendall(b"OK " + b"9" * 200 + b"\n")
else:
    c.sendall(b"OK 1\n")
    # The request, whole, as an agent reads it.
    hdr = b""
    while len(hdr) < 8:
        hdr += c.recv(8 - len(hdr))
    left = struct.unpack(">II", hdr)[1]
    while left:
        left -= len(c.recv(min(left, 65536)))
    started = frame(16, struct.pack(">I", 42))
    out = {
        "pid-0": frame(16, struct.pack(">I", 0)),
        "pid-huge": frame(16, struct.pack(">I", 1 << 30)),
        "started-short": frame(16, b"\0\0"),
        "unknown-type": started + frame(99, b"x"),
        "huge-stdout": started + struct.pack(">II", 17, 16 << 20),
        "exit-300": started + frame(19, struct.pack(">II", 0, 300)),
        "exit-kind-7": started + frame(19, struct.pack(">II", 7, 1)),
        "signal-0": started + frame(19, struct.pack(">II", 1, 0)),
        "close-mid-frame": started + frame(17, b"partial")[:10],
        "close-early": started + frame(17, b"some output\n"),
        "error-escapes": frame(21, struct.pack(">I", 1) + b"\x1b[31mred\x07\nsecond line"),
        "stdin-frame": started + frame(4, b"backwards"),
        "killed": started + frame(17, b"out\n") + frame(18, b"err\n") + frame(19, struct.pack(">II", 1, 9)),
        "ok-answer-to-exec": frame(20),
        "exit-first": frame(19, struct.pack(">II", 0, 0)),
    }[scenario]
    c.sendall(out)
# A guest that goes away ("close-..."), or one that waits for us to go.
if scenario.startswith("close-"):
    c.close()
    sys.exit(0)
try:
    while c.recv(65536):
        pass
except OSError:
    pass
c.close()
