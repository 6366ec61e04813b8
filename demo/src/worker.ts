import http from 'node:http';
import type net from 'node:net';
import { handleRequest } from './handle-request';
import { setUpTracing } from './tracing';
import { dieWithParent, readChildConfig } from './child-process';

/**
 * One worker of the `workers` target, like a Gunicorn sync worker: it gets
 * one connection from the master, serves its request, closes it, and tells
 * the master it is idle again.
 */
const config = readChildConfig();
const tracing = setUpTracing('demo-workers', config.otlpEndpoint);
const server = http.createServer((req, res) => {
  void handleRequest(req, res, tracing).catch(() => res.destroy());
});

process.on('message', (message: { type?: string }, socket?: net.Socket) => {
  if (message?.type !== 'connection' || !socket) return;
  socket.on('close', () => process.send?.({ type: 'idle' }));
  server.emit('connection', socket);
  socket.resume();
});
process.send?.({ type: 'idle' });
dieWithParent(() => tracing.shutdown());
