"""URLs of outgoing calls, redacted as hopscope redacts request URLs (shared/src/redact.ts):
credential-like query values become [redacted], and the user:password part goes."""
import re
import urllib.parse

REDACTED = "[redacted]"
_SECRET_QUERY_NAME = re.compile(r"token|key|password|passwd|secret|sig|auth|session|credential", re.IGNORECASE)


def redact_query(query):
    pairs = []
    for pair in query.split("&"):
        name, eq, _value = pair.partition("=")
        if eq and _SECRET_QUERY_NAME.search(urllib.parse.unquote_plus(name)):
            pair = "%s=%s" % (name, REDACTED)
        pairs.append(pair)
    return "&".join(pairs)


def full_url(scheme, host, port, target):
    """`url.full` for a request line's target: an origin-form path on host:port, or the absolute URL
    a proxy is sent; without credentials, the fragment, or secret-looking query values."""
    if "://" in target[:16]:
        parts = urllib.parse.urlsplit(target)
        scheme, netloc, path, query = parts.scheme, parts.netloc.rpartition("@")[2], parts.path, parts.query
    else:
        path, _, query = target.partition("?")
        default = 443 if scheme == "https" else 80
        netloc = ("[%s]" % host if ":" in host else host) + ("" if port in (None, default) else ":%d" % port)
    url = "%s://%s%s" % (scheme, netloc, path)
    return url + "?" + redact_query(query.partition("#")[0]) if query else url
