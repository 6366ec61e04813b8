"""uWSGI runs Python without threads unless --enable-threads (or --threads N): it holds the
GIL while it waits for the next request, so a background exporter thread never gets to send.
There spans go from uWSGI's after-request hook, which runs once the client has its response
(the connection is closed before it is called)."""

_installed_on = None  # the uwsgi module the hook is installed on
EXPORTERS = []  # the exporters the hook flushes


def without_threads():
    """The uwsgi module, when this process is a uWSGI worker with Python threads off; else None.
    `has_threads` is what uWSGI itself goes by."""
    try:
        import uwsgi  # only importable inside uWSGI
    except ImportError:
        return None
    threads = getattr(uwsgi, "has_threads", None)
    if threads is None:
        options = getattr(uwsgi, "opt", {}) or {}
        threads = options.get("enable-threads") or options.get("threads")
    return None if threads else uwsgi


def flush_after_each_request(exporter, uwsgi):
    """uWSGI reads `uwsgi.after_req_hook` once, after the app is loaded: so this runs when the
    middleware is made, not on the first request. A hook the app set before is kept and chained."""
    global _installed_on
    EXPORTERS.append(exporter)
    if _installed_on is uwsgi:
        return
    _installed_on = uwsgi
    previous = getattr(uwsgi, "after_req_hook", None)

    def after_request():
        try:
            for each in list(EXPORTERS):
                each.flush_now()
        finally:
            if previous is not None:
                previous()

    uwsgi.after_req_hook = after_request
