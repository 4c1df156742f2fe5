#!/usr/bin/env python3
"""^C typed on a terminal: "xlibos run" in a pseudo-terminal, CMD traps
SIGINT.  Types ^C once CMD has started, then again; prints what the
terminal showed after each and the loader's exit status.
usage: tty_interrupt.py path/to/xlibos [xlibos run options]"""
import os
import pty
import select
import sys
import time

CMD = 'trap "echo got-int" INT; sleep 1000 & echo started; while :; do wait; done'


def main():
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(sys.argv[1], [sys.argv[1], "run"] + sys.argv[2:] + ["--", "sh", "-c", CMD])
    seen = b""

    def read_until(text, seconds):
        nonlocal seen
        end = time.time() + seconds
        while time.time() < end and text not in seen:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(fd, 4096)
            except OSError:
                return
            if not data:
                return
            seen += data

    read_until(b"started", 20)
    os.write(fd, b"\x03")
    read_until(b"never", 1.0)   # time for a duplicate to show up
    print("first:", seen.count(b"got-int"))
    os.write(fd, b"\x03")
    read_until(b"never", 3.0)
    end = time.time() + 10
    while time.time() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            print("exit:", os.waitstatus_to_exitcode(status))
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    print("exit: hung")


main()
