import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanRecord } from '@hopscope/shared';
import { decodeExportRequestJson } from './json';
import { decodeExportRequestProtobuf } from './protobuf';
import { SpanExporter } from './exporter';

/**
 * The hub's export speaks the protocol the standard variable asks for
 * (OTLP exporter spec: OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL): a backend that
 * only takes protobuf must get protobuf, and what it gets must decode to the
 * spans sent. A real exporter posting to a real loopback receiver.
 */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}
const received: Received[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/json' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function span(name: string): SpanRecord {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    name,
    kind: 'server',
    startMs: 1_700_000_000_000,
    endMs: 1_700_000_000_012.5,
    attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200 },
    resource: { 'service.name': 'checkout' },
    status: { code: 'unset' },
    events: [],
    scope: { name: 'hopscope-proxy' },
  };
}

/** Exports one span through a fresh exporter configured by `env`, and returns what the receiver got. */
async function exportOne(name: string, env: NodeJS.ProcessEnv): Promise<Received> {
  const before = received.length;
  const exporter = new SpanExporter(base, () => {}, env);
  exporter.enqueue(span(name));
  await exporter.close();
  expect(exporter.dropped).toBe(0);
  expect(received).toHaveLength(before + 1);
  return received[before]!;
}

describe('the OTLP export protocol', () => {
  it('sends OTLP/HTTP JSON to {endpoint}/v1/traces by default', async () => {
    const got = await exportOne('GET /json', {});
    expect(got.path).toBe('/v1/traces');
    expect(got.headers['content-type']).toMatch(/^application\/json/);
    const [decoded] = decodeExportRequestJson(got.body.toString('utf8'));
    expect(decoded).toMatchObject({ name: 'GET /json', kind: 'server', resource: { 'service.name': 'checkout' } });
  });

  it('sends protobuf when OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf, decodable to the same span', async () => {
    const got = await exportOne('GET /protobuf', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
    expect(got.headers['content-type']).toBe('application/x-protobuf');
    const [decoded] = decodeExportRequestProtobuf(got.body);
    expect(decoded).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      name: 'GET /protobuf',
      attributes: { 'http.response.status_code': 200 },
    });
    expect(decoded!.endMs! - decoded!.startMs).toBeCloseTo(12.5, 3);
  });

  it('lets the TRACES protocol and endpoint override the general ones, the endpoint used as given', async () => {
    const got = await exportOne('GET /traces-only', {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${base}/custom/path`,
    });
    expect(got.path).toBe('/custom/path');
    expect(got.headers['content-type']).toBe('application/x-protobuf');
    expect(decodeExportRequestProtobuf(got.body)[0]!.name).toBe('GET /traces-only');
  });
});
