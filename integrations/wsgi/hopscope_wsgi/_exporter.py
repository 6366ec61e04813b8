"""OTLP/HTTP JSON export from a background thread with a bounded queue.

Fork-safe: the queue and the thread belong to the process that made them. A
Gunicorn worker (forked from the master, with or without --preload) gets a
fresh queue and starts its own thread on its first span, so no span waits
for a thread that only exists in the parent.

Under uWSGI without threads the spans go from its after-request hook instead
(_uwsgi.py), within a short time budget.
"""
import json
import os
import sys
import threading
import time
import urllib.request

from . import _config, _uwsgi
from ._otlp_json import SCOPE, export_request

MAX_QUEUE = 2048
BATCH = 256
FLUSH_SECONDS = 0.1
TIMEOUT_SECONDS = 2.0
# Without a thread, export takes the worker's time between requests: keep it short, and after a
# failure let spans wait (bounded by MAX_QUEUE) rather than spend this on every request.
SYNC_BUDGET_SECONDS = 0.5
SYNC_BACKOFF_SECONDS = 5.0


# Telemetry goes straight to the collector: an HTTP(S)_PROXY meant for the app's own outbound calls must not apply.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Exporter:
    """`scope` names the instrumentation in the export (hopscope_wsgi, hopscope_asgi): the hub tells
    a WSGI app from an ASGI one by it."""

    def __init__(self, service_name, scope=SCOPE):
        self.service_name = service_name
        self.scope = scope
        self.dropped = 0
        self.exported = 0
        self._last_warning = 0.0
        self._reset()
        self._sync = False
        self._hook_ran = False
        self._hook_missing = False
        self._retry_at = 0.0
        try:
            uwsgi = _uwsgi.without_threads()
            if uwsgi is not None:
                self._sync = True
                _uwsgi.flush_after_each_request(self, uwsgi)
        except Exception:
            pass

    def _reset(self):
        self._pid = os.getpid()
        self._queue = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread = None
        self._waiting_requests = 0
        self._told_sync = False

    def enabled(self):
        return _config.export_enabled()

    def enqueue(self, spans):
        """Never blocks and never raises: a full queue drops the spans and counts them."""
        try:
            if not self.enabled():
                return
            if self._pid != os.getpid():
                self._reset()
            with self._lock:
                room = MAX_QUEUE - len(self._queue)
                self._queue.extend(spans[:room])
                self.dropped += max(0, len(spans) - room)
            if self._sync:
                self._enqueued_without_thread()
            elif self._thread is None:
                self._thread = threading.Thread(target=self._run, name="hopscope-exporter", daemon=True)
                self._thread.start()
        except Exception:
            self.dropped += len(spans)

    def _enqueued_without_thread(self):
        if not self._told_sync:
            self._told_sync = True
            sys.stderr.write(
                "hopscope_wsgi[%d]: uWSGI runs without Python threads, so spans are exported after each response "
                "(up to %.1f s of this worker's time when the hub is slow) instead of from a background thread; "
                "start uWSGI with --enable-threads to export in the background\n" % (os.getpid(), SYNC_BUDGET_SECONDS)
            )
            sys.stderr.flush()
        self._waiting_requests += 1
        if self._waiting_requests > 1 and not self._hook_ran:
            # The after-request hook did not run after the last request (the app replaced it, or set
            # its own after uWSGI read ours): from now on send before each response closes, rather than never.
            self._hook_missing = True
        if self._hook_missing:
            self.flush_now(from_hook=False)

    def flush_now(self, from_hook=True):
        """Sends what is queued, within SYNC_BUDGET_SECONDS; never raises."""
        try:
            if from_hook:
                self._hook_ran = True
            self._waiting_requests = 0
            now = time.monotonic()
            if now < self._retry_at:
                return
            deadline = now + SYNC_BUDGET_SECONDS
            while True:
                remaining = deadline - time.monotonic()
                with self._lock:
                    if not self._queue or remaining <= 0:
                        return
                    batch, self._queue = self._queue[:BATCH], self._queue[BATCH:]
                if not self._send(batch, timeout=remaining):
                    self._retry_at = time.monotonic() + SYNC_BACKOFF_SECONDS
                    return
        except Exception:
            pass

    def _run(self):
        while True:
            self._wake.wait(FLUSH_SECONDS)
            with self._lock:
                batch, self._queue = self._queue[:BATCH], self._queue[BATCH:]
            if batch:
                self._send(batch)

    def _send(self, batch, timeout=TIMEOUT_SECONDS):
        try:
            body = json.dumps(export_request(_config.resource(self.service_name), batch, self.scope)).encode("utf-8")
            headers = _config.headers()
            headers["Content-Type"] = "application/json"
            request = urllib.request.Request(_config.endpoint(), data=body, method="POST", headers=headers)
            with _OPENER.open(request, timeout=timeout) as response:
                response.read()
            self.exported += len(batch)
            return True
        except Exception as exc:
            # The hub is down or slow: the request already went on; the spans are dropped and counted.
            self.dropped += len(batch)
            self._warn(exc)
            return False

    def _warn(self, exc):
        """Says how many spans were lost, at most every 5 seconds per process."""
        now = time.monotonic()
        if now - self._last_warning < 5:
            return
        self._last_warning = now
        sys.stderr.write("%s[%d]: cannot export spans to %s (%s); %d spans dropped so far\n" % (self.scope, os.getpid(), _config.endpoint(), exc, self.dropped))
        sys.stderr.flush()
