// A small Fastify 5 app with no OpenTelemetry code of its own (the SDK is loaded
// by `node --require ./node-sdk-fastify-setup.cjs`). Prints its port.
const fastify = require('fastify')();

fastify.addHook('onRequest', async function stampRequest(request, reply) {
  reply.header('x-seen-by', 'stampRequest');
});
fastify.get('/items/:id', async function getItem(request) {
  return { id: Number(request.params.id), name: `item ${request.params.id}` };
});
fastify.get('/boom', async function boom() {
  throw new Error('kaboom');
});

fastify.listen({ port: 0, host: '127.0.0.1' }).then(() => {
  process.stdout.write(`${JSON.stringify({ port: fastify.server.address().port })}\n`);
});
