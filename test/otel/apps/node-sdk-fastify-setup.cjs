// The Node SDK set up as @fastify/otel's README says: the auto-instrumentations
// plus FastifyOtelInstrumentation, registered on every Fastify instance.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { getNodeAutoInstrumentations } = require('@opentelemetry/auto-instrumentations-node');
const { FastifyOtelInstrumentation } = require('@fastify/otel');

const sdk = new NodeSDK({
  instrumentations: [getNodeAutoInstrumentations(), new FastifyOtelInstrumentation({ registerOnInitialization: true })],
});
sdk.start();
