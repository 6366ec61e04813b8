// A small Express 4 app with no OpenTelemetry code of its own: the SDK is
// loaded before it by `node --require ./node-sdk-setup.cjs`. Prints its port.
const express = require('express');

const app = express();
app.use(express.json());
app.use(function requestLog(req, res, next) {
  res.setHeader('x-seen-by', 'requestLog');
  next();
});
app.get('/items/:id', (req, res) => {
  res.json({ id: Number(req.params.id), name: `item ${req.params.id}` });
});
app.get('/boom', () => {
  throw new Error('kaboom');
});
const shop = express.Router();
shop.get('/items/:id', (req, res) => res.json({ id: Number(req.params.id), shop: true }));
app.use('/shop', shop);

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
