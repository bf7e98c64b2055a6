"""Offline stand-in for ansible-test's ``get-pip.py`` bootstrap script.

ansible-test bootstraps pip in every virtualenv it creates by running
``get-pip-<version>.py`` (downloaded from ci-files.testing.ansible.com, which is not
reachable here).  It first looks for a cached copy at
``~/.ansible/test/cache/get_pip_<version>.py``; ``make`` installs this file there when
missing (see hack/install_get_pip_standin.sh).

It is executed through ``runpy`` inside ansible-test's quiet_pip.py, with pip options
such as ``--disable-pip-version-check pip==24.2 --no-setuptools --no-wheel``.

``ensurepip`` must run in a CHILD process: in-process it scrubs ``PIP_*`` variables and
points ``PIP_CONFIG_FILE`` at /dev/null for the rest of the process, so the following
pip install would lose this machine's pip configuration (certificates, indexes).
"""

import subprocess
import sys

DROPPED = frozenset(("--no-setuptools", "--no-wheel"))  # get-pip.py-only options


def main():
    """Install pip with ensurepip, then install the requested packages with that pip."""
    args = [arg for arg in sys.argv[1:] if arg not in DROPPED]

    rc = subprocess.call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
    if rc:
        sys.exit(rc)

    if any(not arg.startswith("-") for arg in args):
        rc = subprocess.call([sys.executable, "-m", "pip", "install"] + args)

    sys.exit(rc)


if __name__ == "__main__":
    main()
