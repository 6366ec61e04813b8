import { fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { announceReady, dieWithParent, readChildConfig } from './child-process';
import { childEntry } from './package-layout';

/**
 * The `workers` target: a pre-fork master like Gunicorn's. The master accepts
 * connections and hands each one to an idle worker process; while every
 * worker is busy, connections wait in the master's backlog (the queue hop). A
 * worker that dies is replaced by a new one with a new pid.
 */
const config = readChildConfig();
const WORKER_FILE = childEntry('worker').file;
const idle: ChildProcess[] = [];
const backlog: net.Socket[] = [];
const workers = new Set<ChildProcess>();
let stopping = false;
let announced = false;

function spawnWorker(): void {
  const worker = fork(WORKER_FILE, [], { execArgv: process.execArgv, env: process.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  workers.add(worker);
  worker.on('message', (message: { type?: string }) => {
    if (message?.type !== 'idle') return;
    idle.push(worker);
    dispatch();
    if (!announced && idle.length === config.workers) {
      announced = true;
      const address = server.address();
      announceReady(typeof address === 'object' && address ? address.port : 0);
    }
  });
  worker.on('exit', () => {
    workers.delete(worker);
    const index = idle.indexOf(worker);
    if (index >= 0) idle.splice(index, 1);
    if (!stopping) spawnWorker();
  });
}

function dispatch(): void {
  while (idle.length > 0 && backlog.length > 0) {
    const socket = backlog.shift()!;
    if (socket.destroyed) continue;
    const worker = idle.shift()!;
    worker.send({ type: 'connection' }, socket, (error) => {
      // The worker died between being idle and receiving the socket: try again.
      if (error) {
        backlog.unshift(socket);
        dispatch();
      }
    });
  }
}

const server = net.createServer({ pauseOnConnect: true }, (socket) => {
  socket.on('error', () => {});
  backlog.push(socket);
  dispatch();
});
server.listen(config.port, config.host, () => {
  for (let i = 0; i < config.workers; i++) spawnWorker();
});
dieWithParent(async () => {
  stopping = true;
  for (const worker of workers) worker.kill('SIGTERM');
});
