# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""One warm process per ansible-playbook run that does every host's DocBits and Infor requests.

The strategy forks a fresh worker for each host's task. A fresh fork pays for every page of
Python it touches first (copy-on-write of reference counts): validating a file, planning and
two HTTP requests cost such a worker about 10 ms of CPU more than in a process that did them
before (docs/performance.md). So the worker only gathers the task's options and reads the
file through Ansible's loader (Vault); the module's logic runs in this run's shared runner,
one thread per job, and the worker waits for its result.

The runner is started by the first worker that finds none; no worker waits for it: until it
listens, each does its own job. It listens on a socket in a private directory of its own (a
short path under the system's temp directory: Ansible's per-run one is often too deep for a
socket) and exits as soon as the run's main process or the run's directory is gone, after
finishing the jobs it holds. It ignores Ctrl-C, as a job in progress had better finish than
leave a tenant half changed. Where it cannot run (a directory others may enter, a path too long
for a socket, three failed starts, or DOCBITS_INFOR_SHARED_RUNNER=0), each worker does its job
in its own process, as before.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import json
import os
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import DocBitsAuthError, DocBitsNotFound
from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError, OptionError, RelayedFailure, failure_details
from ansible_collections.docbits.infor.plugins.module_utils.runner import ControllerFile, run_info, run_ionapi, run_validate
from ansible_collections.docbits.infor.plugins.plugin_utils.run_cache import RunCache

SWITCH = "DOCBITS_INFOR_SHARED_RUNNER"
SOCKET_NAME = "runner.sock"
LOCK_NAME = "docbits-infor-runner.lock"
# AF_UNIX paths hold at most 104 bytes on macOS, 108 on Linux, the terminating NUL included: Ansible's
# run directory is often deeper than that allows, so the socket is in a short directory of its own.
SOCKET_PATH_MAX = 103
# Runners a run may start (one, and again after one died): past that, its workers do their own jobs.
MAX_STARTS = 3
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

    @property
    def offline(self):
        """Validation without a token check: no request to wait for, so a runner saves it less than it costs
        (its start, a socket round trip: 3.21 s against 3.03 s for 200 environments, docs/performance.md)."""
        return self.module == "docbits.infor.ionapi_validate" and not self.params.get("check_token")

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


def failure_kind(exc):
    """ "option" for a failure that names an option (put in the inventory's words), "not-found" for a
    path DocBits does not know, else None."""
    if isinstance(exc, RelayedFailure):
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
        raise RelayedFailure(failure["message"], failure.get("kind"), failure.get("rule"), failure.get("key"))
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
    if job.offline or os.environ.get(SWITCH, "1").strip().lower() in ("0", "false", "no", "off"):
        return job.run()
    runner = RunnerClient(job.run_dir)
    if not runner.usable():
        return job.run()
    return runner.run(job)


def socket_directory(run_dir):
    """The directory of the socket of `run_dir`'s runner: short, this user's, one per run directory."""
    digest = hashlib.sha256(os.fsencode(run_dir)).hexdigest()[:16]
    return os.path.join(tempfile.gettempdir(), "docbits-infor-%d-%s" % (os.getuid(), digest))


def is_private(path):
    """A directory (not a link to one) of this user that no one else may enter."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)


class RunnerClient:
    """A worker's way to the shared runner of its run directory, starting it when none listens."""

    def __init__(self, run_dir):
        self.run_dir = run_dir
        self.socket_path = os.path.join(socket_directory(run_dir), SOCKET_NAME)

    def usable(self):
        """Only where no one else may enter (the run's directory, the socket's if it exists: a runner
        found there gets every job's credentials), and at a path a socket can have."""
        socket_dir = os.path.dirname(self.socket_path)
        private = is_private(self.run_dir) and (is_private(socket_dir) or not os.path.lexists(socket_dir))
        return private and len(os.fsencode(self.socket_path)) <= SOCKET_PATH_MAX

    def run(self, job):
        sock = self._connect()
        if sock is None:
            # No worker waits for a runner to start: until it listens, each does its own job.
            self._start()
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
        """Start a runner, unless one is starting (its lock is held) or this run started enough of them."""
        with open(os.path.join(self.run_dir, LOCK_NAME), "a+", encoding="utf-8") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return
            lock.seek(0)
            starts = lock.read().count("\n")
            probe = self._connect()
            if probe is not None:
                probe.close()
            elif starts < MAX_STARTS:
                lock.write("%d\n" % os.getpid())
                lock.flush()
                self._spawn(lock.fileno())

    def _spawn(self, lock_fd):
        """The runner inherits the held lock and lets it go once it listens (or dies)."""
        # The collections root above ansible_collections/docbits/infor/plugins/plugin_utils/.
        root = os.path.dirname(os.path.abspath(__file__))
        for _level in range(5):
            root = os.path.dirname(root)
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join([root] + [entry for entry in sys.path if entry]))
        command = [sys.executable, "-m", __name__, self.run_dir, str(os.getppid()), str(lock_fd)]
        with contextlib.suppress(OSError):
            subprocess.Popen(  # pylint: disable=consider-using-with
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment, pass_fds=(lock_fd,)
            )


# --- the runner's side ---------------------------------------------------------------------------


class Runner:
    """Serves the jobs of `run_dir` while the process `run_pid` (ansible-playbook) and its directory live."""

    def __init__(self, run_dir, run_pid, start_lock_fd):
        self.run_dir = run_dir
        self.socket_path = os.path.join(socket_directory(run_dir), SOCKET_NAME)
        self.run_pid = run_pid
        self.start_lock_fd = start_lock_fd
        self.last_job = time.monotonic()
        self._listener = None
        self._inode = None

    def serve(self):
        # Ctrl-C reaches the whole process group: a job in progress finishes all the same.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        self._listener = self._listen()
        # Listening: the next runner may start once this one is gone.
        os.close(self.start_lock_fd)
        while self._wanted():
            try:
                connection, _address = self._listener.accept()
            except socket.timeout:
                continue
            self._serve_in_thread(connection)
        # New jobs now find no socket and start another runner; those already queued are served.
        if self._listening_at_path():
            os.unlink(self.socket_path)
            with contextlib.suppress(OSError):
                os.rmdir(os.path.dirname(self.socket_path))
        self._listener.setblocking(False)
        while True:
            try:
                connection, _address = self._listener.accept()
            except BlockingIOError:
                break
            self._serve_in_thread(connection)
        self._listener.close()

    def _listen(self):
        socket_dir = os.path.dirname(self.socket_path)
        with contextlib.suppress(FileExistsError):
            os.mkdir(socket_dir, 0o700)
        if not is_private(socket_dir):
            raise SystemExit("%s is not a private directory of this user" % socket_dir)
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
        if not self._listening_at_path() or not os.path.isdir(self.run_dir):
            # Another runner took the path, or the run removed its temp directory (it has ended).
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
    run_dir, run_pid, start_lock_fd = argv
    Runner(run_dir, int(run_pid), int(start_lock_fd)).serve()


if __name__ == "__main__":
    main(sys.argv[1:])
