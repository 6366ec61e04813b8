"""Outgoing HTTP as calls, hooked in http.client (urllib.request and urllib3/requests build on it):
the call starts with the request line, carries `traceparent` so the called service joins the
trace (W3C trace context), and ends when the response's head has arrived (or the request failed).
The semantic conventions for HTTP client spans: name = method, error.type = the exception's
class or the 4xx/5xx status."""
import http.client

from . import _calls
from ._spans import METHOD, SERVER_ADDRESS, SERVER_PORT, STATUS, URL_FULL
from ._url import full_url

_CALL = "_hopscope_call"
_HAS_TRACEPARENT = "_hopscope_has_traceparent"


def install():
    cls = http.client.HTTPConnection
    if getattr(cls.putrequest, "_hopscope", False):
        return
    putrequest, putheader, endheaders, getresponse = cls.putrequest, cls.putheader, cls.endheaders, cls.getresponse

    def traced_putrequest(self, method, url, *args, **kwargs):
        _end(self, None)  # the last request on this connection never read its response
        putrequest(self, method, url, *args, **kwargs)
        span = _calls.start(str(method).upper())
        setattr(self, _CALL, span)
        setattr(self, _HAS_TRACEPARENT, False)
        if span is not None:
            _describe(self, span, method, url)

    def traced_putheader(self, header, *values):
        putheader(self, header, *values)
        try:
            name = header.decode("latin-1") if isinstance(header, bytes) else str(header)
            if name.strip().lower() == "traceparent":
                setattr(self, _HAS_TRACEPARENT, True)
        except Exception:
            pass

    def traced_endheaders(self, *args, **kwargs):
        span = getattr(self, _CALL, None)
        if span is not None and not getattr(self, _HAS_TRACEPARENT, False):
            # The app's own traceparent (a client that propagates itself) wins over ours.
            try:
                for name, value in _calls.tracing_headers(span):
                    putheader(self, name, value)
            except Exception:
                pass
        try:
            return endheaders(self, *args, **kwargs)
        except BaseException as exc:
            _end(self, exc)
            raise

    def traced_getresponse(self, *args, **kwargs):
        try:
            response = getresponse(self, *args, **kwargs)
        except TypeError:
            # Not the call failing: urllib3 1.x (Debian's requests) first tries Python 2's
            # getresponse(buffering=True) and, on TypeError, asks again without it.
            raise
        except BaseException as exc:
            _end(self, exc)
            raise
        span = getattr(self, _CALL, None)
        if span is not None:
            try:
                span.attributes[STATUS] = response.status
                if response.status >= 400:
                    span.fail(str(response.status))
            except Exception:
                pass
        _end(self, None)
        return response

    for name, traced in (("putrequest", traced_putrequest), ("putheader", traced_putheader), ("endheaders", traced_endheaders), ("getresponse", traced_getresponse)):
        original = getattr(cls, name)
        traced._hopscope = True
        traced.__wrapped__ = original
        traced.__doc__ = original.__doc__
        setattr(cls, name, traced)


def _describe(connection, span, method, url):
    try:
        https = isinstance(connection, getattr(http.client, "HTTPSConnection", ()))
        # Through a CONNECT tunnel the server is the tunnel's end, not the proxy.
        host = getattr(connection, "_tunnel_host", None) or connection.host
        port = getattr(connection, "_tunnel_port", None) or connection.port
        span.attributes[METHOD] = str(method).upper()
        span.attributes[SERVER_ADDRESS] = host
        if port:
            span.attributes[SERVER_PORT] = int(port)
        span.attributes[URL_FULL] = full_url("https" if https else "http", host, port, str(url))
    except Exception:
        pass


def _end(connection, error):
    span = getattr(connection, _CALL, None)
    if span is not None:
        setattr(connection, _CALL, None)
        _calls.finish(span, error)
