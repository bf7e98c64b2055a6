# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""One warm process per ansible-playbook run that does every host's DocBits and Infor work.

The strategy forks a fresh worker for each host's task. A fresh fork pays for every page of
Python it touches first (copy-on-write of reference counts): validating a file, planning and
two HTTP requests cost such a worker about 10 ms of CPU more than in a process that did them
before (docs/performance.md). So the worker only gathers the task's options and reads the
file through Ansible's loader (Vault); the module's logic runs in this run's shared runner,
one thread per job, and the worker waits for its result.

The runner is started by the first worker that needs it, listens on a socket in the run's
private temp directory (Ansible's per-run local temp, mode 0700, removed when the run ends)
and exits as soon as the run's main process is gone, after finishing the jobs it holds. It
ignores Ctrl-C as a job in progress finishes rather than leaving a tenant half changed.
Anywhere it cannot run (no such directory, a path too long for a socket, a failed start, or
DOCBITS_INFOR_SHARED_RUNNER=0), each worker does its job in its own process, as before.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import selectors
import signal
import socket
import stat
import struct
import subprocess
import sys
import threading
import time

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import DocBitsAuthError, DocBitsNotFound
from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError, OptionError, failure_details
from ansible_collections.docbits.infor.plugins.module_utils.runner import ControllerFile, run_info, run_ionapi, run_validate
from ansible_collections.docbits.infor.plugins.plugin_utils.run_cache import RunCache

SWITCH = "DOCBITS_INFOR_SHARED_RUNNER"
SOCKET_NAME = "docbits-infor.sock"
LOCK_NAME = "docbits-infor-runner.lock"
# AF_UNIX paths hold at most 104 bytes on macOS, 108 on Linux, the terminating NUL included.
SOCKET_PATH_MAX = 103
START_SECONDS = 30
# How often the runner looks whether the run is still there.
WATCH_SECONDS = 0.2
# A runner with no job for this long exits; the next job starts another.
IDLE_SECONDS = 300
HEADER = struct.Struct("!I")

# What each module does on the controller: the same entry points the modules run on a target.
ENTRY_POINTS = {
    "docbits.infor.ionapi": lambda job: run_ionapi(job.params, check_mode=job.check_mode, controller_file=job.controller_file, run_cache=RunCache(job.run_dir)),
    "docbits.infor.ionapi_info": lambda job: run_info(job.params, job.controller_file),
    "docbits.infor.ionapi_validate": lambda job: run_validate(job.params, job.controller_file),
}


class Job:
    """One module's work for one host: what the worker hands over, and all that the work needs."""

    def __init__(self, module, params, controller_file, check_mode, run_dir):
        self.module = module
        self.params = params
        self.controller_file = controller_file
        self.check_mode = check_mode
        self.run_dir = run_dir

    def run(self):
        """The module's result dict, or DocBitsInforError; in this process."""
        return ENTRY_POINTS[self.module](self)

    def to_message(self):
        controller_file = self.controller_file
        shipped = None
        if controller_file is not None:
            data = controller_file.data if isinstance(controller_file.data, bytes) else controller_file.data.encode("utf-8")
            shipped = {"data": base64.b64encode(data).decode("ascii"), "text": not isinstance(controller_file.data, bytes)}
            shipped.update(source=controller_file.source, warnings=controller_file.warnings)
        return {"module": self.module, "params": self.params, "file": shipped, "check_mode": self.check_mode, "run_dir": self.run_dir}

    @classmethod
    def from_message(cls, message):
        shipped = message["file"]
        controller_file = None
        if shipped is not None:
            data = base64.b64decode(shipped["data"])
            controller_file = ControllerFile(data.decode("utf-8") if shipped["text"] else data, shipped["source"], shipped["warnings"])
        return cls(message["module"], message["params"], controller_file, message["check_mode"], message["run_dir"])


class SharedFailure(DocBitsInforError):
    """A DocBitsInforError raised in the shared runner, as the worker gets it back: its message, its
    rule and key, and `kind`, what the action plugin words differently (failure_kind)."""

    def __init__(self, message, kind=None, rule=None, key=None):
        super().__init__(message)
        self.kind = kind
        self.rule = rule
        self.key = key


def failure_kind(exc):
    """ "option" for a failure that names an option (put in the inventory's words), "not-found" for a
    path DocBits does not know, else None."""
    if isinstance(exc, SharedFailure):
        return exc.kind
    if isinstance(exc, (OptionError, DocBitsAuthError)):
        return "option"
    if isinstance(exc, DocBitsNotFound):
        return "not-found"
    return None


def answer_of(job):
    """The runner's answer to `job`: its result, or its failure (secret-free, as every DocBitsInforError)."""
    try:
        return {"result": job.run()}
    except DocBitsInforError as exc:
        return {"failure": dict(failure_details(exc), message=str(exc), kind=failure_kind(exc))}
    except Exception as exc:  # pylint: disable=broad-except
        return defect_answer(exc)


def defect_answer(exc):
    """A defect, not a refusal: only its type, as its text could quote anything the job held."""
    return {
        "failure": {
            "message": "unexpected %s in the shared runner: run again with %s=0 to see where, in the worker's own process" % (type(exc).__name__, SWITCH)
        }
    }


def result_of(answer):
    if "failure" in answer:
        failure = answer["failure"]
        raise SharedFailure(failure["message"], failure.get("kind"), failure.get("rule"), failure.get("key"))
    return answer["result"]


# --- framing -------------------------------------------------------------------------------------


def send_message(sock, message):
    data = json.dumps(message).encode("utf-8")
    sock.sendall(HEADER.pack(len(data)) + data)


def receive_message(sock):
    """The next message on `sock`, or None when the peer closed it before a whole one came."""
    header = _receive_exactly(sock, HEADER.size)
    if header is None:
        return None
    data = _receive_exactly(sock, HEADER.unpack(header)[0])
    return None if data is None else json.loads(data.decode("utf-8"))


def _receive_exactly(sock, size):
    chunks, received = [], 0
    while received < size:
        chunk = sock.recv(min(size - received, 1024 * 1024))
        if not chunk:
            return None
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)


# --- the worker's side ---------------------------------------------------------------------------


def run_job(job):
    """`job`'s result, from the run's shared runner where it can serve, else from this process."""
    if os.environ.get(SWITCH, "1").strip().lower() in ("0", "false", "no", "off"):
        return job.run()
    runner = RunnerClient(job.run_dir)
    if not runner.usable():
        return job.run()
    return runner.run(job)


class RunnerClient:
    """A worker's way to the shared runner of its run directory, starting it when none listens."""

    def __init__(self, run_dir):
        self.run_dir = run_dir
        self.socket_path = os.path.join(run_dir, SOCKET_NAME)

    def usable(self):
        """Only in a directory of this user that no one else may enter, and at a path a socket can have."""
        try:
            info = os.stat(self.run_dir)
        except OSError:
            return False
        private = stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
        return private and len(os.fsencode(self.socket_path)) <= SOCKET_PATH_MAX

    def run(self, job):
        sock = self._connect() or self._start()
        if sock is None:
            return job.run()
        with contextlib.closing(sock):
            try:
                send_message(sock, job.to_message())
                answer = receive_message(sock)
            except OSError:
                # Reset: the runner died with the job, or as it took it.
                answer = None
        if answer is None:
            raise DocBitsInforError(
                "the collection's shared runner process ended before it answered for this environment: what it had "
                "done may be partly applied; run again to converge it"
            )
        return result_of(answer)

    def _connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(self.socket_path)
        except OSError:
            sock.close()
            return None
        return sock

    def _start(self):
        """A connection to a runner started now (or by the worker that held the lock first), or None
        when none could start: then the work is done in this process."""
        with open(os.path.join(self.run_dir, LOCK_NAME), "a", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            sock = self._connect()
            if sock is not None:
                return sock
            if self._spawn():
                return self._connect()
        return None

    def _spawn(self):
        # The collections root above ansible_collections/docbits/infor/plugins/plugin_utils/.
        root = os.path.dirname(os.path.abspath(__file__))
        for _level in range(5):
            root = os.path.dirname(root)
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join([root] + [entry for entry in sys.path if entry]))
        command = [sys.executable, "-m", __name__, self.socket_path, str(os.getppid())]
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment, close_fds=True)
        except OSError:
            return False
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            ready = bool(selector.select(START_SECONDS)) and process.stdout.readline() == b"ready\n"
        process.stdout.close()
        if not ready:
            process.kill()
        return ready


# --- the runner's side ---------------------------------------------------------------------------


class Runner:
    """Serves jobs on `socket_path` while the process `run_pid` (ansible-playbook) lives."""

    def __init__(self, socket_path, run_pid):
        self.socket_path = socket_path
        self.run_pid = run_pid
        self.last_job = time.monotonic()
        self._listener = None
        self._inode = None

    def serve(self):
        # Ctrl-C reaches the whole process group: a job in progress finishes all the same.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        self._listener = self._listen()
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        while self._wanted():
            try:
                connection, _address = self._listener.accept()
            except socket.timeout:
                continue
            self._serve_in_thread(connection)
        # New jobs now find no socket and start another runner; those already queued are served.
        if self._listening_at_path():
            os.unlink(self.socket_path)
        self._listener.setblocking(False)
        while True:
            try:
                connection, _address = self._listener.accept()
            except BlockingIOError:
                break
            self._serve_in_thread(connection)
        self._listener.close()

    def _listen(self):
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # Bound under a name of its own, then renamed: a worker never connects to a socket not yet listening.
        partial = "%s.%d" % (self.socket_path, os.getpid())
        listener.bind(partial)
        listener.listen(128)
        self._inode = os.stat(partial).st_ino
        os.rename(partial, self.socket_path)
        listener.settimeout(WATCH_SECONDS)
        return listener

    def _listening_at_path(self):
        try:
            return os.stat(self.socket_path).st_ino == self._inode
        except FileNotFoundError:
            return False

    def _wanted(self):
        if not self._listening_at_path():
            # The run removed its temp directory (it has ended), or another runner took the path.
            return False
        try:
            os.kill(self.run_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        busy = threading.active_count() > 1
        return busy or time.monotonic() - self.last_job < IDLE_SECONDS

    def _serve_in_thread(self, connection):
        self.last_job = time.monotonic()
        threading.Thread(target=self._serve, args=(connection,)).start()

    def _serve(self, connection):
        with contextlib.closing(connection):
            connection.settimeout(None)
            message = receive_message(connection)
            if message is not None:
                answer = answer_of(Job.from_message(message))
                try:
                    send_message(connection, answer)
                except (TypeError, ValueError) as exc:
                    send_message(connection, defect_answer(exc))
        self.last_job = time.monotonic()


def main(argv):
    socket_path, run_pid = argv
    Runner(socket_path, int(run_pid)).serve()


if __name__ == "__main__":
    main(sys.argv[1:])
