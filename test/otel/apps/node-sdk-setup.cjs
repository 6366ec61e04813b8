// The OpenTelemetry getting-started setup for Node, unchanged: the SDK reads
// OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_BSP_SCHEDULE_DELAY, … from the environment
// and exports OTLP/HTTP (protobuf) by default. Loaded with `node --require`.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { getNodeAutoInstrumentations } = require('@opentelemetry/auto-instrumentations-node');

const sdk = new NodeSDK({ instrumentations: [getNodeAutoInstrumentations()] });
sdk.start();
