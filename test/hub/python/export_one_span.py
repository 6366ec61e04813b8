"""One span exported the way the OpenTelemetry Python SDK does by default:
OTLP/gRPC to OTEL_EXPORTER_OTLP_ENDPOINT (headers from
OTEL_EXPORTER_OTLP_HEADERS). Prints the export result; exits 1 unless SUCCESS."""

import sys

from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

path = sys.argv[1]
memory = InMemorySpanExporter()
provider = TracerProvider(resource=Resource.create({"service.name": "python-grpc"}))
provider.add_span_processor(SimpleSpanProcessor(memory))
attributes = {"http.request.method": "GET", "url.path": path, "http.route": "/items/<int:item_id>", "http.response.status_code": 200}
with provider.get_tracer("hopscope-test").start_as_current_span("GET /items/<int:item_id>", kind=SpanKind.SERVER, attributes=attributes):
    pass
result = OTLPSpanExporter().export(memory.get_finished_spans())
print(result.name)
sys.exit(0 if result.name == "SUCCESS" else 1)
