# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""The deadline of one try: a watchdog thread shuts every socket the try uses when it passes, and
requests' adapter that gives it those sockets (urllib3 never retries nor redirects: the transport does)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import _thread
import socket
import threading
import time

try:
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
    from urllib3.util.retry import Retry
except ImportError:
    # transport.py reports the missing library; these only need to be classes.
    HTTPAdapter = HTTPConnection = HTTPSConnection = HTTPConnectionPool = HTTPSConnectionPool = object

_ACTIVE = threading.local()


def _shut(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except (OSError, ValueError):
        pass


class Deadline:
    """Ends one try at its deadline: a watchdog shuts every socket the try uses, so neither a
    server trickling its headers nor one trickling its body can stretch the try; reads check it too."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._sockets = []
        self._finished = False
        self._lock = threading.Lock()
        # Held while the try runs; the watchdog waits for it at most `seconds`.
        self._running = _thread.allocate_lock()

    def __enter__(self):
        _ACTIVE.deadline = self
        self._running.acquire()
        # A bare thread rather than threading.Timer: starting one costs a freshly forked worker
        # (one per host in a bulk run) about half a millisecond less per request.
        _thread.start_new_thread(self._watch, ())
        return self

    def __exit__(self, *exc_info):
        _ACTIVE.deadline = None
        with self._lock:
            self._finished = True
        self._running.release()

    def _watch(self):
        if not self._running.acquire(timeout=min(self.seconds, threading.TIMEOUT_MAX)):
            self._expire()

    def watch(self, sock):
        with self._lock:
            if self._finished:
                return
            if self.expired:
                _shut(sock)
            else:
                self._sockets.append(sock)

    def _expire(self):
        with self._lock:
            if self._finished:
                return
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    @property
    def passed(self):
        return self.expired or time.monotonic() >= self.ends


def _watch(sock):
    deadline = getattr(_ACTIVE, "deadline", None)
    if sock is not None and deadline is not None:
        deadline.watch(sock)


def _watched(connection_class):
    """`connection_class` giving every socket it uses (a new one, or a kept-alive one serving
    another request) to the deadline of the try running on this thread."""

    class Watched(connection_class):
        @property
        def sock(self):
            return self.__dict__.get("_watched_sock")

        @sock.setter
        def sock(self, value):
            self.__dict__["_watched_sock"] = value
            _watch(value)

        def request(self, *args, **kwargs):
            _watch(self.sock)
            return super().request(*args, **kwargs)

    return Watched


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _watched(HTTPConnection)


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _watched(HTTPSConnection)


_WATCHED_POOLS = {"http": _WatchedHTTPConnectionPool, "https": _WatchedHTTPSConnectionPool}


class Adapter(HTTPAdapter):
    """requests' adapter with watched connections and urllib3 told never to retry nor redirect:
    the transport does both itself."""

    def __init__(self):
        super().__init__(max_retries=Retry(0, read=False, redirect=0, raise_on_redirect=False, raise_on_status=False))

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager
