import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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
/** What the TLS receiver got: each POST with its headers and its body, gunzipped when it came gzipped. */
interface Received {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
const received: Received[] = [];
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
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
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
    60_000,
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
  it('a trusted certificate: the spans arrive over TLS and the proxy keeps serving', { timeout: 90_000 }, async () => {
    const { running, proxy } = await hopscopeExportingTo(receiverUrl, { NODE_EXTRA_CA_CERTS: cert });
    expect((await request(`${proxy}/over-tls`)).body).toBe('app saw /over-tls');
    await expect
      .poll(() => received.find((r) => r.body.includes('/over-tls')), { timeout: 15_000, interval: 100 })
      .toMatchObject({ method: 'POST', url: '/v1/traces' });
    expect((await request(`${proxy}/still`)).body).toBe('app saw /still');
    expect(running.child.exitCode).toBeNull();
  });

  it(
    'the standard variables reach the backend: auth header, gzip, service name and resource attributes; the TRACES endpoint is used as given',
    { timeout: 90_000 },
    async () => {
      const { running, proxy } = await hopscopeExportingTo('', {
        NODE_EXTRA_CA_CERTS: cert,
        // The signal-specific endpoint is a full URL: no /v1/traces is appended to it.
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiverUrl}/otlp/traces`,
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer x',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
        OTEL_SERVICE_NAME: 'shop-edge',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging',
      });
      expect((await request(`${proxy}/with-headers`, { headers: { 'user-agent': 'export-test/1' } })).status).toBe(200);
      const arrived = await vi.waitFor(
        () => {
          const found = received.find((r) => r.body.includes('/with-headers'));
          if (!found) throw new Error('not exported yet');
          return found;
        },
        { timeout: 15_000, interval: 100 },
      );
      expect(arrived.url).toBe('/otlp/traces');
      expect(arrived.headers.authorization).toBe('Bearer x');
      expect(arrived.headers['content-encoding']).toBe('gzip');
      const resourceSpans = (JSON.parse(arrived.body) as OtlpJson).resourceSpans;
      const proxySpans = resourceSpans.filter((rs) => rs.scopeSpans.some((ss) => ss.scope?.name === '@hopscope/proxy'));
      expect(proxySpans.length).toBeGreaterThan(0);
      for (const rs of proxySpans) {
        expect(attribute(rs.resource.attributes, 'service.name')).toBe('shop-edge');
        expect(attribute(rs.resource.attributes, 'deployment.environment.name')).toBe('staging');
      }
      const spans = proxySpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
      const server = spans.find((span) => span.kind === 2)!;
      expect(server.name).toBe('GET');
      expect(attribute(server.attributes, 'user_agent.original')).toBe('export-test/1');
      const client = spans.find((span) => span.kind === 3)!;
      expect(attribute(client.attributes, 'url.full')).toBe(`${appUrl}/with-headers`);
      expect((await request(`${proxy}/still`)).status).toBe(200);
      expect(running.child.exitCode).toBeNull();
    },
  );

  it('an untrusted certificate: no crash, the failed exports are counted, requests go on', { timeout: 90_000 }, async () => {
    const { running, proxy, dashboard } = await hopscopeExportingTo(receiverUrl);
    for (const path of ['/a', '/b', '/c']) expect((await request(`${proxy}${path}`)).status).toBe(200);
    await expect.poll(() => exportFailures(dashboard), { timeout: 15_000, interval: 200 }).toBeGreaterThan(0);
    expect((await request(`${proxy}/after-failures`)).body).toBe('app saw /after-failures');
    expect(running.child.exitCode).toBeNull();
  });

  it('a scheme no exporter speaks (ftp://): no crash, counted, requests go on', { timeout: 90_000 }, async () => {
    const { running, proxy, dashboard } = await hopscopeExportingTo('ftp://127.0.0.1:21');
    expect((await request(`${proxy}/x`)).status).toBe(200);
    await expect.poll(() => exportFailures(dashboard), { timeout: 15_000, interval: 200 }).toBeGreaterThan(0);
    expect((await request(`${proxy}/y`)).status).toBe(200);
    expect(running.child.exitCode).toBeNull();
  });
});

interface OtlpJson {
  resourceSpans: Array<{
    resource: { attributes: KeyValue[] };
    scopeSpans: Array<{ scope?: { name: string }; spans: Array<{ name: string; kind: number; attributes: KeyValue[] }> }>;
  }>;
}
type KeyValue = { key: string; value: { stringValue?: string } };

function attribute(attributes: KeyValue[], key: string): string | undefined {
  return attributes.find((a) => a.key === key)?.value.stringValue;
}
