import time

from django.http import Http404, HttpResponse, JsonResponse

MAX_MS = 60_000.0


def _ms(request, default):
    try:
        return min(max(float(request.GET.get("ms", default)), 0.0), MAX_MS)
    except ValueError:
        return default


def hello(request):
    return HttpResponse("Hello, Django World!")


def item(request, item_id):
    if item_id == 0:
        raise Http404("no such item")
    return JsonResponse({"id": item_id, "name": "item %d" % item_id})


def slow(request):
    """I/O-bound: sleeping releases the GIL, so the threaded dev server overlaps these."""
    ms = _ms(request, 100)
    time.sleep(ms / 1000)
    return HttpResponse("slept %d ms\n" % ms)


def error(request):
    raise ValueError("no item store configured")
