#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host clients of `xlibos run --control-socket PATH` for tests/vsock/vsock.sh.

  vsock_client.py echo SOCK PORT BYTES   BYTES of random data through an echo
                                         server; prints "sent SHA" and "recv SHA"
  vsock_client.py many SOCK PORT N       N connections at once, each echoes its
                                         own 64 KiB; prints "N ok"
  vsock_client.py half SOCK PORT BYTES   send BYTES, shutdown(SHUT_WR), print
                                         what comes back until EOF
  vsock_client.py raw SOCK LINE          send LINE as it is (\\n escapes allowed);
                                         prints what came back and "closed after
                                         S s" once the device closes it
  vsock_client.py hold SOCK PORT         CONNECT, print the OK line, then never
                                         read (until killed)
  vsock_client.py stream SOCK PORT       CONNECT, print "open", read until EOF,
                                         print "eof after N bytes"
  vsock_client.py quit SOCK PORT         CONNECT, then close (ends vsock_guest)
  vsock_client.py flood SOCK PORT BYTES  CONNECT, write BYTES without reading,
                                         close abruptly; prints "closed"
Every wait is bounded (30 s unless said); a timeout prints "timeout".
"""
import hashlib
import os
import socket
import sys
import threading
import time


def connect(path, port, timeout=30):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    s.sendall(b"CONNECT %d\n" % port)
    line = b""
    while not line.endswith(b"\n"):
        b = s.recv(1)
        if not b:
            raise SystemExit("closed before OK: %r" % line)
        line += b
    if not line.startswith(b"OK "):
        raise SystemExit("bad answer %r" % line)
    return s, line


def read_to_eof(s, sink):
    total = 0
    while True:
        b = s.recv(1 << 16)
        if not b:
            return total
        total += len(b)
        sink(b)


def cmd_echo(path, port, nbytes):
    s, _ = connect(path, port, timeout=120)
    sent = hashlib.sha256()
    recv = hashlib.sha256()
    done = {}

    def sender():
        left = nbytes
        chunk = os.urandom(1 << 16)
        while left:
            # A fresh block now and then: not one 64 KiB pattern repeated.
            if left % (1 << 22) == 0:
                chunk = os.urandom(1 << 16)
            b = chunk[:min(left, len(chunk))]
            try:
                s.sendall(b)
            except (BrokenPipeError, ConnectionResetError):
                print("send failed after", nbytes - left)
                return
            sent.update(b)
            left -= len(b)
        s.shutdown(socket.SHUT_WR)
        done["sent"] = True

    t = threading.Thread(target=sender)
    t.start()
    got = read_to_eof(s, recv.update)
    t.join()
    print("sent", sent.hexdigest())
    print("recv", recv.hexdigest())
    print("bytes", got)


def cmd_many(path, port, n):
    socks = [connect(path, port)[0] for _ in range(n)]
    msgs = [os.urandom(1 << 16) for _ in range(n)]
    good = 0
    errors = []

    def one(i):
        nonlocal good
        try:
            s = socks[i]
            threading.Thread(target=lambda: (s.sendall(msgs[i]),
                                              s.shutdown(socket.SHUT_WR))).start()
            buf = bytearray()
            read_to_eof(s, buf.extend)
            if bytes(buf) == msgs[i]:
                good += 1
            else:
                errors.append("conn %d: %d bytes back" % (i, len(buf)))
        except Exception as e:  # reported, counted as a failure
            errors.append("conn %d: %s" % (i, e))

    ts = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for e in errors[:5]:
        print(e)
    print("%d ok" % good)


def cmd_half(path, port, nbytes):
    s, _ = connect(path, port)
    s.sendall(b"x" * nbytes)
    s.shutdown(socket.SHUT_WR)
    buf = bytearray()
    read_to_eof(s, buf.extend)
    sys.stdout.write(buf.decode(errors="replace"))


def cmd_raw(path, line):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(path)
    start = time.monotonic()
    s.sendall(line.encode().decode("unicode_escape").encode("latin-1"))
    buf = bytearray()
    try:
        read_to_eof(s, buf.extend)
    except socket.timeout:
        print("timeout")
        return
    except ConnectionResetError:
        pass
    print("got %r" % bytes(buf))
    print("closed after %.1f s" % (time.monotonic() - start))


def cmd_hold(path, port):
    s, line = connect(path, port)
    sys.stdout.write(line.decode())
    sys.stdout.flush()
    while True:
        time.sleep(60)


def cmd_stream(path, port):
    s, _ = connect(path, port, timeout=60)
    print("open", flush=True)
    try:
        n = read_to_eof(s, lambda b: None)
        print("eof after %d bytes" % n)
    except socket.timeout:
        print("timeout")
    except ConnectionResetError:
        print("reset")


def cmd_quit(path, port):
    s, _ = connect(path, port)
    s.close()


def cmd_flood(path, port, nbytes):
    s, _ = connect(path, port)
    s.settimeout(2)
    chunk = b"y" * (1 << 16)
    try:
        while nbytes > 0:
            nbytes -= s.send(chunk[:nbytes])
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        pass
    s.close()
    print("closed")


def main():
    a = sys.argv[1:]
    if len(a) == 4 and a[0] == "echo":
        cmd_echo(a[1], int(a[2]), int(a[3]))
    elif len(a) == 4 and a[0] == "many":
        cmd_many(a[1], int(a[2]), int(a[3]))
    elif len(a) == 4 and a[0] == "half":
        cmd_half(a[1], int(a[2]), int(a[3]))
    elif len(a) == 3 and a[0] == "raw":
        cmd_raw(a[1], a[2])
    elif len(a) == 3 and a[0] == "hold":
        cmd_hold(a[1], int(a[2]))
    elif len(a) == 3 and a[0] == "stream":
        cmd_stream(a[1], int(a[2]))
    elif len(a) == 3 and a[0] == "quit":
        cmd_quit(a[1], int(a[2]))
    elif len(a) == 4 and a[0] == "flood":
        cmd_flood(a[1], int(a[2]), int(a[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
