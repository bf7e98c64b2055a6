# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How ionapi_report reads the hosts' results, and writes its files: whole or not at all, with the umask,
never through a link."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

import pytest

from ansible_collections.docbits.infor.plugins.action.ionapi_report import ActionModule, _differs, _untemplated, _write_atomically


@pytest.fixture
def umask():
    previous = os.umask(0o022)
    yield os.umask
    os.umask(previous)


@pytest.mark.parametrize("mask, mode", [(0o077, 0o600), (0o027, 0o640), (0o002, 0o664)])
def test_a_report_is_created_with_the_umask(tmp_path, umask, mask, mode):
    umask(mask)
    path = tmp_path / "reports" / "ionapi-summary.json"

    _write_atomically(str(path), "{}\n")

    assert path.read_text(encoding="utf-8") == "{}\n"
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert os.listdir(str(path.parent)) == ["ionapi-summary.json"]


def test_a_report_that_is_a_link_is_neither_read_through_nor_replaced(tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("same\n", encoding="utf-8")
    link = tmp_path / "ionapi-summary.md"
    link.symlink_to(target)

    with pytest.raises(OSError, match="symbolic link"):
        _differs(str(link), "same\n")
    with pytest.raises(OSError, match="symbolic link"):
        _write_atomically(str(link), "report\n")

    assert link.is_symlink() and target.read_text(encoding="utf-8") == "same\n"
    assert sorted(os.listdir(str(tmp_path))) == ["elsewhere.txt", "ionapi-summary.md"]


def test_an_unchanged_report_is_not_rewritten(tmp_path):
    path = tmp_path / "ionapi-summary.json"
    assert _differs(str(path), "{}\n")
    _write_atomically(str(path), "{}\n")
    assert not _differs(str(path), "{}\n") and _differs(str(path), "[]\n")


class HostVarsStandIn:
    """Ansible's hostvars: raw_get() the variables as set, get() them templated (here: counted)."""

    def __init__(self, raw, templated):
        self.raw, self.templated, self.templated_reads = raw, templated, []

    def raw_get(self, host):
        return self.raw.get(host, "undefined marker")

    def get(self, host):
        self.templated_reads.append(host)
        return self.templated.get(host)


PARAMS = {"kind": "provision", "result_var": "docbits_ionapi_result", "tenant_var": "infor_tenant"}
RESULT = {"changed": False, "action": "none", "config_id": "cfg-1", "fingerprint": "f" * 16}


def test_rows_read_each_host_untemplated_and_template_only_a_tenant_written_as_a_template():
    hostvars = HostVarsStandIn(
        raw={"plain": {"infor_tenant": "ACME_TST", "docbits_ionapi_result": RESULT}, "templated": {"infor_tenant": "{{ tenant_of_env }}"}},
        templated={"templated": {"infor_tenant": "ACME_PRD"}},
    )

    rows = [ActionModule._row(PARAMS, host, _untemplated(hostvars, host), False, hostvars) for host in ("plain", "templated", "unknown")]

    assert [(row["tenant"], row["config_id"]) for row in rows] == [("ACME_TST", "cfg-1"), ("ACME_PRD", None), (None, None)]
    assert hostvars.templated_reads == ["templated"]
