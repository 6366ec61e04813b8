import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHopscopeProcess } from '../support/bin';
import { request } from '../support/http';
import { startUpstream } from '../support/upstream';

/*
 * OTEL_EXPORTER_OTLP_ENDPOINT may name an https:// backend (a Collector behind
 * TLS, a SaaS). Telemetry must never take the proxy down: such an endpoint is
 * exported to over TLS, and when that fails (an untrusted certificate, a
 * scheme no exporter speaks) the failure is counted and requests go on.
 */
let dir: string;
let cert: string;
let receiver: https.Server;
let receiverUrl: string;
const received: string[] = [];
let appUrl: string;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hopscope-tls-'));
  cert = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  receiver = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(cert) }, (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk));
    req.on('end', () => {
      received.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `https://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const app = await startUpstream((req, res) => res.end(`app saw ${req.url}`));
  cleanups.push(app.close);
  appUrl = app.url;
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function hopscopeExportingTo(endpoint: string, env: NodeJS.ProcessEnv = {}) {
  const running = await startHopscopeProcess(
    ['up', '--target', `app=${appUrl}`, '--port', '0', '--otlp-port', '0', '--proxy-port', '0'],
    /Press Ctrl\+C/,
    { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, HOPSCOPE_TOKEN: '', ...env },
  );
  cleanups.push(async () => void (await running.stop()));
  const output = running.output();
  return {
    running,
    dashboard: /dashboard\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!,
    proxy: /proxy app\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!,
  };
}

async function exportFailures(dashboard: string): Promise<number> {
  const stats = JSON.parse((await request(`${dashboard}/api/stats`)).body) as { hub: { liveDropped: number } };
  return stats.hub.liveDropped;
}

describe('exporting spans to an https:// OTLP endpoint', () => {
  it('a trusted certificate: the spans arrive over TLS and the proxy keeps serving', { timeout: 60_000 }, async () => {
    const { running, proxy } = await hopscopeExportingTo(receiverUrl, { NODE_EXTRA_CA_CERTS: cert });
    expect((await request(`${proxy}/over-tls`)).body).toBe('app saw /over-tls');
    await expect
      .poll(() => received.find((r) => r.includes('/over-tls')), { timeout: 15_000, interval: 100 })
      .toMatch(/^POST \/v1\/traces /);
    expect((await request(`${proxy}/still`)).body).toBe('app saw /still');
    expect(running.child.exitCode).toBeNull();
  });

  it('an untrusted certificate: no crash, the failed exports are counted, requests go on', { timeout: 60_000 }, async () => {
    const { running, proxy, dashboard } = await hopscopeExportingTo(receiverUrl);
    for (const path of ['/a', '/b', '/c']) expect((await request(`${proxy}${path}`)).status).toBe(200);
    await expect.poll(() => exportFailures(dashboard), { timeout: 15_000, interval: 200 }).toBeGreaterThan(0);
    expect((await request(`${proxy}/after-failures`)).body).toBe('app saw /after-failures');
    expect(running.child.exitCode).toBeNull();
  });

  it('a scheme no exporter speaks (ftp://): no crash, counted, requests go on', { timeout: 60_000 }, async () => {
    const { running, proxy, dashboard } = await hopscopeExportingTo('ftp://127.0.0.1:21');
    expect((await request(`${proxy}/x`)).status).toBe(200);
    await expect.poll(() => exportFailures(dashboard), { timeout: 15_000, interval: 200 }).toBeGreaterThan(0);
    expect((await request(`${proxy}/y`)).status).toBe(200);
    expect(running.child.exitCode).toBeNull();
  });
});
