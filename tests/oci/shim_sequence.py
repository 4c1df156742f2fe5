#!/usr/bin/env python3
"""containerd 1.6's io.containerd.runc.v2 shim, as far as it talks to the
OCI runtime: the command lines go-runc builds (vendor/github.com/containerd/
go-runc/runc.go, runc_unix.go, command_linux.go at containerd v1.6.20) and
what the shim does around them (pkg/process/init.go, exec.go, utils.go).
Docker 20.10 drives its runtimes through the same shim, with
Root=<exec-root>/runtime-runc (daemon/runtime_unix.go).

Like the shim, it is a child subreaper: the pid in the pid file becomes its
child once `create` returns, and its wait status is the container's exit
status (128+N for a signal, go-runc's exitStatus).

usage: shim_sequence.py SCENARIO RUNTIME ROOT BUNDLE ID OUTDIR [--systemd-cgroup]
                        [--stdin FILE] [--exec-process FILE [--exec-tty]] [--tty]
                        [--oom-score-adj N]
SCENARIO: run    create, state, start, state, wait, state, delete
          stop   create, start, kill ID 15, (still there after 1 s?), kill ID 9,
                 wait, kill ID 9 again, delete
          exec   create, start, exec --process F --detach --pid-file, wait for
                 the exec pid, ps --format json, kill ID 9, wait, delete
          fail   create only (a bundle the runtime must refuse)
OUTDIR gets: steps (one "NAME STATUS" line per step), argv (each command
line), stdout, stderr (the container's), pidfile (the pid file's bytes),
oom_score_adj (the host's, of that pid),
state-*.json, exec.stdout, exec.stderr, ps.json, the log (log.json) and
runtime-error (what the shim would report: getLastRuntimeError's message).
"""
import ctypes
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
libc = ctypes.CDLL(None, use_errno=True)


def pdeathsig():
    # go-runc's PdeathSignal: SIGKILL (pkg/process/init.go NewRunc).
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Shim:
    def __init__(self, runtime, root, bundle, cid, outdir, systemd):
        self.bundle, self.id, self.outdir = bundle, cid, outdir
        # go-runc Runc.args(): --root, --log, --log-format json, --systemd-cgroup
        self.prefix = [runtime, "--root", root, "--log", os.path.join(bundle, "log.json"),
                       "--log-format", "json"] + (["--systemd-cgroup"] if systemd else [])
        self.env = {k: v for k, v in os.environ.items() if k != "NOTIFY_SOCKET"}
        self.steps = open(os.path.join(outdir, "steps"), "w")
        self.argv = open(os.path.join(outdir, "argv"), "w")
        self.pid = None
        self.pipes = []

    def step(self, name, status):
        self.steps.write("%s %s\n" % (name, status))
        self.steps.flush()

    def command(self, name, args, **kw):
        """runOrError/cmdOutput: stdout and stderr combined, status checked."""
        argv = self.prefix + args
        self.argv.write(" ".join(argv) + "\n")
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=self.env, preexec_fn=pdeathsig,
                           timeout=60, **kw)
        with open(os.path.join(self.outdir, name + ".out"), "wb") as f:
            f.write(p.stdout)
        self.step(name, p.returncode)
        return p

    def with_pipes(self, name, args, stdin_path):
        """create and exec with the shim's pipes (runc.NewPipeIO): the
        runtime keeps them for the process; we read them to the end."""
        argv = self.prefix + args
        self.argv.write(" ".join(argv) + "\n")
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        p = subprocess.Popen(argv, stdin=stdin, stdout=out_w, stderr=err_w, env=self.env,
                             preexec_fn=pdeathsig)
        # CloseAfterStart: the shim keeps only the read ends.
        os.close(out_w)
        os.close(err_w)
        self.pipes.append((name, out_r, err_r))
        rc = p.wait(timeout=60)
        self.step(name, rc)
        return rc

    def with_console(self, name, args, at):
        """process.terminal: runc.NewTempConsoleSocket, --console-socket, and
        ReceiveMaster (one connection, the pty master by SCM_RIGHTS).  The
        command's own output is cmdOutput's buffer: go-runc's Wait needs its
        end (every copy of the pipe closed), not only the exit."""
        sockdir = tempfile.mkdtemp(prefix="pty")
        path = os.path.join(sockdir, "pty.sock")
        ln = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        ln.bind(path)
        ln.listen(1)
        ln.settimeout(30)
        # CreateOpts.args(): --pid-file, then --console-socket; ExecOpts.args():
        # --console-socket first.  AT: where it goes in ARGS.
        argv = self.prefix + args[:at] + ["--console-socket", path] + args[at:]
        self.argv.write(" ".join(argv) + "\n")
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, env=self.env, preexec_fn=pdeathsig)
        master = None
        try:
            conn, _ = ln.accept()
            _, fds, _, _ = socket.recv_fds(conn, 4096, 1)
            conn.close()
            master = fds[0] if fds else None
        except OSError:
            pass
        ln.close()
        os.unlink(path)
        os.rmdir(sockdir)
        try:
            out, _ = p.communicate(timeout=30)
            rc = p.returncode
        except subprocess.TimeoutExpired:
            p.kill()
            out, _ = p.communicate()
            rc = "output-never-ended"
        with open(os.path.join(self.outdir, name + ".out"), "wb") as f:
            f.write(out)
        self.step(name, rc)
        self.step(name + "-console-master", "received" if master is not None else "none")
        if master is not None:
            self.pipes.append((name, master, None))
        return rc

    def drain(self, name, out_r, err_r, deadline):
        if err_r is None:
            # A pty master: EIO once every slave is closed.
            data = b""
            while time.time() < deadline:
                ready, _, _ = select.select([out_r], [], [], max(0.0, deadline - time.time()))
                if not ready:
                    break
                try:
                    chunk = os.read(out_r, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                data += chunk
            os.close(out_r)
            with open(os.path.join(self.outdir, name + "stdout"), "wb") as f:
                f.write(data)
            return
        data = {out_r: b"", err_r: b""}
        open_fds = [out_r, err_r]
        while open_fds and time.time() < deadline:
            ready, _, _ = select.select(open_fds, [], [], max(0.0, deadline - time.time()))
            for fd in ready:
                chunk = os.read(fd, 65536)
                if chunk:
                    data[fd] += chunk
                else:
                    open_fds.remove(fd)
                    os.close(fd)
        for fd in open_fds:
            os.close(fd)
        for fd, suffix in ((out_r, "stdout"), (err_r, "stderr")):
            with open(os.path.join(self.outdir, name + suffix), "wb") as f:
                f.write(data[fd])

    def read_pid_file(self, path, name):
        """go-runc ReadPidFile: strconv.Atoi of the whole file."""
        try:
            raw = open(path, "rb").read()
        except OSError as e:
            raw = b""
            self.step(name + "-read", e.strerror)
        with open(os.path.join(self.outdir, name), "wb") as f:
            f.write(raw)
        text = raw.decode(errors="replace")
        return int(text) if text.isdigit() else None

    def state(self, name):
        p = self.command(name, ["state", self.id])
        with open(os.path.join(self.outdir, name + ".json"), "wb") as f:
            f.write(p.stdout if p.returncode == 0 else b"")

    def wait(self, pid, name, timeout=30):
        """The shim's reaper: the exit of a pid we adopted, as go-runc reports it."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                got, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                self.step(name, "not-our-child")
                return None
            if got == pid:
                code = 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) \
                    else os.WEXITSTATUS(status)
                self.step(name, code)
                return code
            time.sleep(0.05)
        self.step(name, "timeout")
        return None

    def alive(self, pid):
        """Still running?  A look that leaves the exit status for wait()."""
        try:
            return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
        except ChildProcessError:
            return False

    def runtime_error(self):
        """pkg/process/utils.go getLastRuntimeError: the last "error" entry's msg."""
        msg, path = "", os.path.join(self.bundle, "log.json")
        try:
            text = open(path).read()
        except OSError:
            return
        dec, i = json.JSONDecoder(), 0
        try:
            while i < len(text):
                while i < len(text) and text[i].isspace():
                    i += 1
                if i >= len(text):
                    break
                entry, i = dec.raw_decode(text, i)
                if entry.get("level") == "error":
                    msg = entry.get("msg", "").strip()
        except ValueError as e:
            msg = "unable to retrieve OCI runtime error (%s)" % e
        with open(os.path.join(self.outdir, "runtime-error"), "w") as f:
            f.write(msg + "\n")

    def create(self, stdin_path, tty):
        # Init.Create: --bundle, then CreateOpts.args(): --pid-file (absolute),
        # --console-socket with a terminal.
        pidfile = os.path.abspath(os.path.join(self.bundle, "init.pid"))
        args = ["create", "--bundle", self.bundle, "--pid-file", pidfile, self.id]
        if tty:
            rc = self.with_console("create", args, len(args) - 1)
        else:
            rc = self.with_pipes("create", args, stdin_path)
        if rc == 0:
            self.pid = self.read_pid_file(pidfile, "pidfile")
        if self.pid:
            # What the host's OOM killer goes by, for the pid the shim waits for.
            try:
                oom = open("/proc/%d/oom_score_adj" % self.pid).read()
            except OSError as e:
                oom = e.strerror + "\n"
            with open(os.path.join(self.outdir, "oom_score_adj"), "w") as f:
                f.write(oom)
        return rc == 0 and self.pid is not None

    def finish(self, deadline):
        for name, out_r, err_r in self.pipes:
            self.drain("" if name == "create" else name + ".", out_r, err_r, deadline)
        self.runtime_error()


def main(argv):
    scenario, runtime, root, bundle, cid, outdir = argv[1:7]
    opts = argv[7:]
    systemd = "--systemd-cgroup" in opts
    stdin_path = opts[opts.index("--stdin") + 1] if "--stdin" in opts else None
    exec_process = opts[opts.index("--exec-process") + 1] if "--exec-process" in opts else None
    os.makedirs(outdir, exist_ok=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    if "--oom-score-adj" in opts:
        # The shim's own (containerd's -999 plus one), which its children inherit.
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write(opts[opts.index("--oom-score-adj") + 1])
    shim = Shim(runtime, root, bundle, cid, outdir, systemd)
    ok = shim.create(stdin_path, "--tty" in opts)
    if scenario == "fail" or not ok:
        # A create that was to fail and did not (runc, where xlibos refuses)
        # leaves a container: the shim's cleanup, delete --force.
        if ok:
            shim.command("delete-force", ["delete", "--force", cid])
        shim.finish(time.time() + 5)
        return
    if scenario == "run":
        shim.state("state-created")
        shim.command("start", ["start", cid])
        shim.state("state-running")
        shim.wait(shim.pid, "exit")
        shim.state("state-stopped")
    elif scenario == "stop":
        shim.command("start", ["start", cid])
        time.sleep(1)
        # Docker's stop: SIGTERM as a number (go-runc Kill: strconv.Itoa(sig)).
        shim.command("kill-15", ["kill", cid, "15"])
        time.sleep(1)
        shim.step("alive-after-15", "yes" if shim.alive(shim.pid) else "no")
        shim.command("kill-9", ["kill", cid, "9"])
        shim.wait(shim.pid, "exit")
        # The shim's checkKillError on a stopped container.
        shim.command("kill-9-stopped", ["kill", cid, "9"])
        shim.command("kill-all-9-stopped", ["kill", "--all", cid, "9"])
    elif scenario == "exec":
        shim.command("start", ["start", cid])
        time.sleep(1)
        # go-runc Exec: the process in a temporary file, ExecOpts.args():
        # --detach, then --pid-file (the bundle's <exec-id>.pid).
        fd, tmp = tempfile.mkstemp(prefix="runc-process", dir=os.environ.get("XDG_RUNTIME_DIR"))
        with os.fdopen(fd, "wb") as f:
            f.write(open(exec_process, "rb").read())
        exec_pidfile = os.path.join(bundle, "exec1.pid")
        args = ["exec", "--process", tmp, "--detach", "--pid-file", exec_pidfile, cid]
        if "--exec-tty" in opts:
            rc = shim.with_console("exec", args, 3)
        else:
            rc = shim.with_pipes("exec", args, None)
        os.unlink(tmp)
        if rc == 0:
            epid = shim.read_pid_file(exec_pidfile, "exec-pidfile")
            if epid:
                shim.wait(epid, "exec-exit")
        p = shim.command("ps", ["ps", "--format", "json", cid])
        with open(os.path.join(outdir, "ps.json"), "wb") as f:
            f.write(p.stdout if p.returncode == 0 else b"")
        shim.command("kill-9", ["kill", cid, "9"])
        shim.wait(shim.pid, "exit")
    shim.finish(time.time() + 10)
    # Init.delete: `delete ID` (no --force); "does not exist" is not an error.
    shim.command("delete", ["delete", cid])
    # The shim's own `delete` (manager Stop, after a crash): --force, and the
    # container is gone already.
    shim.command("delete-force-gone", ["delete", "--force", cid])


if __name__ == "__main__":
    main(sys.argv)
