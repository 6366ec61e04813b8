/**
 * A hub in a process of its own, for tests that measure the hub's memory
 * (/proc/PID/status) without the test runner's heap in the numbers.
 * Usage: node --import tsx test/support/hub-runner.ts '<HubConfig as JSON>'
 * Prints one line of JSON with its URLs and pid; exits when stdin closes.
 */
import { createHub, type HubConfig } from '@hopscope/server';

const config = JSON.parse(process.argv[2] ?? '{}') as HubConfig;
const hub = await createHub({ port: 0, otlpPort: 0, ...config });
process.stdout.write(`${JSON.stringify({ url: hub.url, otlpUrl: hub.otlpUrl, pid: process.pid })}\n`);
const stop = () => void hub.close().finally(() => process.exit(0));
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
