// A small Koa 3 app with @koa/router and no OpenTelemetry code of its own (the
// SDK is loaded by `node --require ./node-sdk-setup.cjs`). Prints its port.
const Koa = require('koa');
const Router = require('@koa/router');

const app = new Koa();
const router = new Router();
app.use(async function timing(ctx, next) {
  await next();
  ctx.set('x-seen-by', 'timing');
});
router.get('/items/:id', async (ctx) => {
  ctx.body = { id: Number(ctx.params.id), name: `item ${ctx.params.id}` };
});
router.get('/boom', async () => {
  throw new Error('kaboom');
});
app.use(router.routes());

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
