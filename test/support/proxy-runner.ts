/**
 * Runs one proxy in a process of its own, so a test can measure that
 * process's memory alone: `node --import tsx proxy-runner.ts UPSTREAM_URL`.
 * Spans go to a sink that drops them; the proxy's URL is printed as the first
 * line of stdout. Stops on SIGTERM or when stdin closes (the parent went away).
 */
import { createProxy } from '@hopscope/proxy';
import type { SpanSink } from '@hopscope/shared';

const upstream = process.argv[2];
if (!upstream) throw new Error('usage: proxy-runner.ts UPSTREAM_URL');
const noop: SpanSink = { spanStarted: () => {}, spanEnded: () => {} };
const proxy = await createProxy({ target: 'app', upstream, sink: noop });
process.stdout.write(`${proxy.url}\n`);
const stop = () => void proxy.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop).resume();
