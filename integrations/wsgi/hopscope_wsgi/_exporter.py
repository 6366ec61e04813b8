"""OTLP/HTTP JSON export from a background thread with a bounded queue.

Fork-safe: the queue and the thread belong to the process that made them. A
Gunicorn worker (forked from the master, with or without --preload) gets a
fresh queue and starts its own thread on its first span, so no span waits
for a thread that only exists in the parent.

uWSGI without --enable-threads holds the GIL while it waits for the next
request, so a background thread never gets to send. There the spans go
from uWSGI's after-request hook instead, which runs once the client has its
response, within a short time budget.
"""
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import urllib.request

from ._spans import PROCESS_PID, SERVICE_NAME

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


def _endpoint():
    traces = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    if traces:
        return traces
    base = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    return base.rstrip("/") + "/v1/traces"


# RFC 9110 token: what a header name may be.
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def _headers():
    """Extra request headers from OTEL_EXPORTER_OTLP_HEADERS, then OTEL_EXPORTER_OTLP_TRACES_HEADERS
    (which wins per name), as the OTel spec defines them: `name=value,name2=value2`, W3C
    Baggage style, values percent-decoded. E.g. authorization=Bearer%20TOKEN for a hub with a token.
    Malformed pairs are skipped, never sent."""
    headers = {}
    for variable in ("OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"):
        for item in os.environ.get(variable, "").split(","):
            name, sep, value = item.partition("=")
            name = urllib.parse.unquote(name).strip()
            value = urllib.parse.unquote(value).strip()
            if not sep or not _HEADER_NAME.match(name) or any(c in value for c in "\r\n\0"):
                continue
            headers[name.lower()] = value
    headers.pop("content-type", None)
    return headers


def sdk_disabled():
    """OTEL_SDK_DISABLED: only "true" (any case) disables, as the OTel spec defines its booleans."""
    return os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true"


def resource_attributes():
    """OTEL_RESOURCE_ATTRIBUTES as the OTel spec defines it: `key=value,key2=value2` (W3C Baggage
    style, no properties), whitespace trimmed, values percent-decoded as UTF-8. Like the OTel
    Python SDK, a pair without '=' or with an empty key is skipped and the rest kept."""
    attributes = {}
    for item in os.environ.get("OTEL_RESOURCE_ATTRIBUTES", "").split(","):
        key, sep, value = item.partition("=")
        key = key.strip()
        if sep and key:
            attributes[key] = urllib.parse.unquote(value.strip())
    return attributes


_uwsgi = None


def uwsgi_without_threads():
    """The uwsgi module, when this process is a uWSGI worker with Python threads off; else None.
    `has_threads` is what uWSGI itself goes by (set by --enable-threads and by --threads N)."""
    try:
        import uwsgi  # only importable inside uWSGI
    except ImportError:
        return None
    threads = getattr(uwsgi, "has_threads", None)
    if threads is None:
        options = getattr(uwsgi, "opt", {}) or {}
        threads = options.get("enable-threads") or options.get("threads")
    return None if threads else uwsgi


def _install_after_request_hook(uwsgi):
    """uWSGI calls `uwsgi.after_req_hook` after each response has gone, but reads it only once, after
    the app is loaded: so this runs when the middleware is made. A hook the app set is kept and chained."""
    global _uwsgi
    if _uwsgi is not None:
        return
    _uwsgi = uwsgi
    previous = getattr(uwsgi, "after_req_hook", None)

    def after_request():
        try:
            for exporter in list(_SYNC_EXPORTERS):
                exporter.flush_now()
        finally:
            if previous is not None:
                previous()

    uwsgi.after_req_hook = after_request


_SYNC_EXPORTERS = []


class Exporter:
    def __init__(self, service_name):
        self.service_name = service_name
        self.dropped = 0
        self.exported = 0
        self._last_warning = 0.0
        self._reset()
        self._sync = False
        self._hook_ran = False
        self._hook_missing = False
        self._retry_at = 0.0
        try:
            uwsgi = uwsgi_without_threads()
            if uwsgi is not None:
                self._sync = True
                _SYNC_EXPORTERS.append(self)
                _install_after_request_hook(uwsgi)
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
        return os.environ.get("HOPSCOPE_EXPORT", "on").lower() not in ("off", "0", "false", "no") and not sdk_disabled()

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
            body = json.dumps(self._export_request(batch)).encode("utf-8")
            headers = _headers()
            headers["Content-Type"] = "application/json"
            request = urllib.request.Request(_endpoint(), data=body, method="POST", headers=headers)
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
        sys.stderr.write("hopscope_wsgi[%d]: cannot export spans to %s (%s); %d spans dropped so far\n" % (os.getpid(), _endpoint(), exc, self.dropped))
        sys.stderr.flush()

    def _export_request(self, spans):
        # The environment describes the deployment, so it wins over the name given in code; OTEL_SERVICE_NAME
        # wins over a service.name in OTEL_RESOURCE_ATTRIBUTES (OTel spec). The pid is always this process's.
        resource = {SERVICE_NAME: self.service_name}
        resource.update(resource_attributes())
        if os.environ.get("OTEL_SERVICE_NAME"):
            resource[SERVICE_NAME] = os.environ["OTEL_SERVICE_NAME"]
        resource[PROCESS_PID] = os.getpid()
        return {
            "resourceSpans": [
                {
                    "resource": {"attributes": _key_values(resource)},
                    "scopeSpans": [{"scope": {"name": "hopscope_wsgi"}, "spans": [_span_json(s) for s in spans]}],
                }
            ]
        }


def _span_json(span):
    data = {
        "traceId": span.trace_id,
        "spanId": span.span_id,
        "name": span.name,
        "kind": span.kind,
        "startTimeUnixNano": str(span.start_ns),
        "endTimeUnixNano": str(span.end_ns or time.time_ns()),
        "attributes": _key_values(span.attributes),
        "events": [{"name": e["name"], "timeUnixNano": str(e["time_ns"]), "attributes": _key_values(e["attributes"])} for e in span.events],
        "status": {"code": 2 if span.error else 0},
    }
    if span.parent_id:
        data["parentSpanId"] = span.parent_id
    return data


def _key_values(attributes):
    out = []
    for key, value in attributes.items():
        if isinstance(value, bool):
            out.append({"key": key, "value": {"boolValue": value}})
        elif isinstance(value, int):
            out.append({"key": key, "value": {"intValue": str(value)}})
        elif isinstance(value, float):
            out.append({"key": key, "value": {"doubleValue": value}})
        else:
            out.append({"key": key, "value": {"stringValue": str(value)}})
    return out
