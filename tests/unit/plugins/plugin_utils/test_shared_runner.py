# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared runner: jobs and answers survive the socket whole, failures keep what the action plugin
words by, and forked workers (as the strategy forks them) share one runner that ends with its run."""

from __future__ import annotations

import fcntl
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import pytest

from ansible_collections.docbits.infor.plugins.module_utils.arguments import IONAPI_INFO_ARGUMENTS, IONAPI_SPEC
from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import DocBitsAuthError, DocBitsNotFound
from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError, OptionError, RelayedFailure
from ansible_collections.docbits.infor.plugins.module_utils.ionapi import IonApiError
from ansible_collections.docbits.infor.plugins.module_utils.runner import ControllerFile
from ansible_collections.docbits.infor.plugins.plugin_utils import shared_runner
from ansible_collections.docbits.infor.plugins.plugin_utils.shared_runner import (
    LOCK_NAME,
    SWITCH,
    Job,
    RunnerClient,
    answer_of,
    failure_kind,
    result_of,
    run_job,
    socket_directory,
)
from ansible_collections.docbits.infor.tests.support.builders import dump, make_seeded_ionapi, secret_values, simulator_command
from ansible_collections.docbits.infor.tests.support.runners import shared_runners, wait_until

VALIDATE = "docbits.infor.ionapi_validate"
SIM_KEY = "sim-key-0123456789abcdef"
IONAPI = make_seeded_ionapi(tenant="ACME_TST")


def validate_job(run_dir, data=None, **params):
    controller_file = ControllerFile(dump(IONAPI) if data is None else data, "files/ACME_TST.ionapi", ["mode 0644"])
    return Job(VALIDATE, params, controller_file, False, str(run_dir))


@pytest.fixture
def run_dir(tmp_path):
    directory = tmp_path / "run"
    directory.mkdir(mode=0o700)
    yield directory
    # The run's directory removed is how a run's end looks to its runner: it exits, and takes its socket along.
    shutil.rmtree(str(directory))
    wait_until(lambda: not runner_pids(directory))
    assert not os.path.lexists(socket_directory(str(directory)))


def socket_of(run_dir):
    return pathlib.Path(RunnerClient(str(run_dir)).socket_path)


def runner_pids(run_dir):
    return list(shared_runners(run_dir))


def listening(run_dir):
    """Whether a runner accepts jobs on the socket of `run_dir`."""
    probe = RunnerClient(str(run_dir))._connect()
    if probe is None:
        return False
    probe.close()
    return True


# --- the messages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [dump(IONAPI), dump(IONAPI).decode("utf-8"), b"\xef\xbb\xbf" + dump(IONAPI)])
def test_a_job_crosses_the_socket_whole(tmp_path, data):
    job = Job.from_message(validate_job(tmp_path, data, strict=True).to_message())

    assert (job.module, job.params, job.check_mode, job.run_dir) == (VALIDATE, {"strict": True}, False, str(tmp_path))
    assert (job.controller_file.data, job.controller_file.source, job.controller_file.warnings) == (data, "files/ACME_TST.ionapi", ["mode 0644"])


def test_a_job_without_a_file_stays_without_one(tmp_path):
    job = Job("docbits.infor.ionapi", {"state": "absent"}, None, True, str(tmp_path))

    assert Job.from_message(job.to_message()).controller_file is None


@pytest.mark.parametrize(
    "exc, kind",
    [
        (OptionError("timeout: must be positive"), "option"),
        (DocBitsAuthError("DocBits refused the API key: check docbits_api_key"), "option"),
        (DocBitsNotFound("DocBits answered 404 for /api/x"), "not-found"),
        (IonApiError("files/ACME_TST.ionapi", "missing-key", "is missing", key="ti"), None),
    ],
)
def test_a_failure_comes_back_with_its_message_rule_and_kind(tmp_path, monkeypatch, exc, kind):
    def fail(job):
        raise exc

    monkeypatch.setitem(shared_runner.ENTRY_POINTS, VALIDATE, fail)
    with pytest.raises(RelayedFailure) as raised:
        result_of(answer_of(validate_job(tmp_path)))

    assert str(raised.value) == str(exc)
    assert failure_kind(raised.value) == failure_kind(exc) == kind
    assert (raised.value.rule, raised.value.key) == (getattr(exc, "rule", None), getattr(exc, "key", None))


def test_a_defect_comes_back_by_its_type_only(tmp_path, monkeypatch):
    secret = secret_values(IONAPI)[0]

    def crash(job):
        raise KeyError(secret)

    monkeypatch.setitem(shared_runner.ENTRY_POINTS, VALIDATE, crash)
    with pytest.raises(DocBitsInforError) as raised:
        result_of(answer_of(validate_job(tmp_path)))

    assert "unexpected KeyError in the shared runner" in str(raised.value) and SWITCH in str(raised.value)
    assert secret not in str(raised.value)


# --- the processes --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def docbits(tmp_path_factory):
    """The base URL of a DocBits simulator on 127.0.0.1 that knows SIM_KEY: in a process of its own, as
    these tests fork, and a process with threads (a server's) must not fork."""
    port_file = tmp_path_factory.mktemp("docbits") / "port"
    command = simulator_command(port_file, "--api-key", SIM_KEY + "=acme", "--quiet")
    with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as simulator:
        wait_until(lambda: port_file.exists() and port_file.read_text(encoding="utf-8").strip(), seconds=20)
        yield "http://127.0.0.1:%s" % port_file.read_text(encoding="utf-8").strip()
        simulator.terminate()


def provision_job(run_dir, docbits, data=None):
    """docbits.infor.ionapi for the environment ACME_TST: it lists, then creates or finds its configuration in sync."""
    params = dict((name, spec.get("default")) for name, spec in IONAPI_SPEC.items())
    params.update(docbits_url=docbits, api_key=SIM_KEY, timeout=5, retries=1, environment_name="acme_tst")
    controller_file = ControllerFile(dump(IONAPI) if data is None else data, "files/ACME_TST.ionapi")
    return Job("docbits.infor.ionapi", params, controller_file, False, str(run_dir))


def test_offline_validation_stays_in_the_worker(run_dir):
    assert validate_job(run_dir).offline
    assert run_job(validate_job(run_dir))["tenant"] == "ACME_TST"
    time.sleep(0.5)

    assert not runner_pids(run_dir)


# ansible-playbook's part, in a fresh interpreter as the strategy's process is: it forks one worker per
# host, which hands over the job (read from stdin); it prints the results, then lives until stdin closes.
# (A fork of this pytest process could inherit a lock some other test's thread holds, and hang.)
FAKE_RUN = """
import json, multiprocessing, sys
from ansible_collections.docbits.infor.plugins.plugin_utils.shared_runner import Job, run_job

def work(message, results):
    results.put(run_job(Job.from_message(message)))

if __name__ == "__main__":
    message = json.loads(sys.stdin.readline())
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=work, args=(message, results)) for _host in range(int(sys.argv[1]))]
    for worker in workers:
        worker.start()
    print(json.dumps([results.get(timeout=60) for _worker in workers]), flush=True)
    for worker in workers:
        worker.join(60)
    sys.stdin.read()
"""


def test_workers_of_one_run_share_one_runner_that_ends_with_the_run(run_dir, docbits):
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(entry for entry in sys.path if entry))
    with subprocess.Popen([sys.executable, "-c", FAKE_RUN, "6"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment, text=True) as run:
        run.stdin.write(json.dumps(provision_job(run_dir, docbits).to_message()) + "\n")
        run.stdin.flush()
        outcomes = json.loads(run.stdout.readline())
        socket_path = socket_of(run_dir)
        serving = runner_pids(run_dir)
        # The run ends.
        run.stdin.close()
        run.wait(30)

    assert [outcome["tenant"] for outcome in outcomes] == ["ACME_TST"] * 6
    assert len(serving) == 1
    # The run's main process is gone: its runner follows, and takes its socket with it.
    wait_until(lambda: not runner_pids(run_dir))
    assert not socket_path.parent.exists()


def test_a_killed_runner_is_replaced_by_the_next_job(run_dir, docbits):
    socket_path = socket_of(run_dir)
    assert run_job(provision_job(run_dir, docbits))["tenant"] == "ACME_TST"
    wait_until(lambda: listening(run_dir))
    (first,) = runner_pids(run_dir)
    os.kill(first, signal.SIGKILL)
    # Started by this process (the job ran here): reaped here, once wholly gone.
    os.waitpid(first, 0)

    # Its socket is left behind, refusing connections: the job is done here, and another runner starts.
    assert socket_path.exists()
    assert run_job(provision_job(run_dir, docbits))["tenant"] == "ACME_TST"
    wait_until(lambda: listening(run_dir))
    (second,) = runner_pids(run_dir)
    assert second != first


def test_failures_come_back_through_the_runner(run_dir, docbits):
    run_job(provision_job(run_dir, docbits))
    wait_until(lambda: listening(run_dir))
    with pytest.raises(RelayedFailure) as raised:
        run_job(provision_job(run_dir, docbits, data=b"{}"))

    assert "files/ACME_TST.ionapi" in str(raised.value) and raised.value.rule
    assert len(runner_pids(run_dir)) == 1


def test_no_second_runner_starts_while_one_is_starting(run_dir, docbits):
    with open(str(run_dir / LOCK_NAME), "a", encoding="utf-8") as lock:
        # As a runner holds it until it listens.
        fcntl.flock(lock, fcntl.LOCK_EX)
        assert run_job(provision_job(run_dir, docbits))["tenant"] == "ACME_TST"
        time.sleep(0.5)

        assert not runner_pids(run_dir)


def test_a_run_starts_a_bounded_number_of_runners(run_dir, docbits):
    (run_dir / LOCK_NAME).write_text("101\n102\n103\n")

    assert run_job(provision_job(run_dir, docbits))["tenant"] == "ACME_TST"
    time.sleep(0.5)
    assert not runner_pids(run_dir)


def test_a_directory_others_may_enter_gets_no_runner(run_dir, docbits):
    os.chmod(str(run_dir), 0o755)

    assert not RunnerClient(str(run_dir)).usable()
    assert run_job(provision_job(run_dir, docbits))["tenant"] == "ACME_TST"
    assert not socket_of(run_dir).exists()


def test_a_socket_path_too_long_gets_no_runner(run_dir, docbits, tmp_path, monkeypatch):
    deep = tmp_path / ("d" * 120)
    deep.mkdir(mode=0o700)
    monkeypatch.setattr(tempfile, "tempdir", str(deep))

    assert not RunnerClient(str(run_dir)).usable()
    assert run_job(provision_job(run_dir, docbits))["tenant"] == "ACME_TST"
    time.sleep(0.5)
    assert not runner_pids(run_dir)


@pytest.mark.parametrize("make", ["open to others", "a link"])
def test_a_socket_directory_others_could_take_gets_no_runner(run_dir, docbits, tmp_path, make):
    socket_dir = socket_directory(str(run_dir))
    if make == "open to others":
        os.mkdir(socket_dir, 0o700)
        os.chmod(socket_dir, 0o755)
    else:
        os.symlink(str(tmp_path), socket_dir)
    try:
        assert not RunnerClient(str(run_dir)).usable()
        assert run_job(provision_job(run_dir, docbits))["tenant"] == "ACME_TST"
        time.sleep(0.5)
        assert not runner_pids(run_dir)
    finally:
        (os.unlink if make == "a link" else os.rmdir)(socket_dir)


def test_the_switch_keeps_every_job_in_its_worker(run_dir, monkeypatch, docbits):
    monkeypatch.setenv(SWITCH, "0")

    assert run_job(provision_job(run_dir, docbits))["tenant"] == "ACME_TST"
    assert not socket_of(run_dir).exists()


def test_a_runner_whose_socket_another_took_exits(run_dir, tmp_path, docbits):
    socket_path = socket_of(run_dir)
    run_job(provision_job(run_dir, docbits))
    wait_until(lambda: listening(run_dir))
    (first,) = runner_pids(run_dir)

    # As a worker that found no runner answering would: it starts one, which takes the path.
    with open(str(tmp_path / "start.lock"), "a", encoding="utf-8") as lock:
        RunnerClient(str(run_dir))._spawn(lock.fileno())
    wait_until(lambda: first not in runner_pids(run_dir))
    assert len(runner_pids(run_dir)) == 1
    wait_until(lambda: listening(run_dir))
    assert run_job(provision_job(run_dir, docbits))["tenant"] == "ACME_TST"


def test_a_runner_that_dies_with_a_job_fails_that_job_in_plain_words(run_dir, docbits):
    socket_path = socket_of(run_dir)
    run_job(provision_job(run_dir, docbits))
    wait_until(lambda: listening(run_dir))
    (runner,) = runner_pids(run_dir)
    silent = socket.create_server(("127.0.0.1", 0))
    outcome = IONAPI_INFO_ARGUMENTS.validator.validate(
        {"docbits_url": "http://127.0.0.1:%d" % silent.getsockname()[1], "api_key": "k" * 24, "org_id": "org-1", "state": "absent"}
    )
    assert not outcome.errors.errors
    params = outcome.validated_parameters

    def kill_once_the_job_waits_for_docbits():
        connection, _address = silent.accept()
        os.kill(runner, signal.SIGKILL)
        connection.close()

    killer = threading.Thread(target=kill_once_the_job_waits_for_docbits)
    killer.start()
    with pytest.raises(DocBitsInforError) as raised:
        run_job(Job("docbits.infor.ionapi_info", params, None, False, str(run_dir)))
    killer.join(10)
    silent.close()

    assert not killer.is_alive()
    os.waitpid(runner, 0)
    # What a killed runner leaves behind.
    shutil.rmtree(str(socket_path.parent))

    assert "shared runner process ended before it answered" in str(raised.value)
    assert "run again to converge" in str(raised.value)
