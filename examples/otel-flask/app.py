"""A Flask app with no hopscope code at all, traced by the official OpenTelemetry
Python SDK and its Flask instrumentation, exporting to hopscope's OTLP receiver:

    pip install -r ../../integrations/otel-python-requirements.txt
    OTEL_SERVICE_NAME=otel-flask OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none \\
      opentelemetry-instrument --traces_exporter otlp --exporter_otlp_protocol http/protobuf \\
      --exporter_otlp_endpoint http://127.0.0.1:4318 python app.py

(Without --exporter_otlp_protocol the distro picks gRPC, port 4317.) Then put hopscope
in front: `hopscope up --target otel-flask=http://127.0.0.1:5000`. It is also the app
that test/fixtures/otel-python/capture.py records."""
import os

from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/items/<int:item_id>")
def item(item_id):
    return jsonify(id=item_id, name="item %d" % item_id)


@app.route("/error")
def error():
    raise ValueError("no item store configured")


if __name__ == "__main__":
    # The development server without its reloader: a reloader would run the app in a child
    # process that the instrumentation set up in the parent does not reach.
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")), debug=False, use_reloader=False)
