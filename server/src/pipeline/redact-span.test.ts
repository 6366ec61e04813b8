import { describe, expect, it } from 'vitest';
import { REDACTED, type Attributes, type SpanRecord } from '@hopscope/shared';
import { redactSpan } from './redact-span';

const spanWith = (attributes: Attributes, name = 'GET'): SpanRecord => ({
  traceId: 'a'.repeat(32),
  spanId: 'b'.repeat(16),
  name,
  kind: 'client',
  startMs: 1,
  endMs: 2,
  attributes,
  resource: {},
  status: { code: 'unset' },
  events: [],
});

describe('redactSpan', () => {
  it('drops credential headers every time a key is seen, whatever its case, and keeps look-alikes', () => {
    for (let round = 0; round < 3; round++) {
      const span = redactSpan(
        spanWith({
          'http.request.header.authorization': 'Bearer t',
          'http.request.header.Cookie': 'sid=1',
          'http.response.header.set-cookie': 'sid=2',
          'http.request.header.x-authorization-hint': 'kept',
          'app.cookies': 'kept',
        }),
      );
      expect(span.attributes).toEqual({ 'http.request.header.x-authorization-hint': 'kept', 'app.cookies': 'kept' });
    }
  });

  it('redacts userinfo and credential query values in URLs, leaves URLs without them as they are', () => {
    const span = redactSpan(
      spanWith(
        {
          'url.full': 'https://user:pass@db.example/x?token=abc&page=2',
          'url.path': '/login?password=p',
          'http.url': 'http://example.test/a@b',
          'url.query': 'api_key=k&q=1',
        },
        'GET /login?session=s',
      ),
    );
    expect(span.attributes).toEqual({
      'url.full': `https://REDACTED:REDACTED@db.example/x?token=${REDACTED}&page=2`,
      'url.path': `/login?password=${REDACTED}`,
      'http.url': 'http://example.test/a@b',
      'url.query': `api_key=${REDACTED}&q=1`,
    });
    expect(span.name).toBe(`GET /login?session=${REDACTED}`);
  });

  it('takes the literals out of statements with or without a database system, and out of a span named by its statement', () => {
    const noSystem = redactSpan(spanWith({ 'db.query.text': "SELECT * FROM users WHERE email = 'a@b.c'" }));
    expect(noSystem.attributes['db.query.text']).toBe('SELECT * FROM users WHERE email = ?');
    const sqlite = redactSpan(
      spanWith({ 'db.system.name': 'sqlite', 'db.statement': 'DELETE FROM t WHERE id = 42' }, 'DELETE FROM t WHERE id = 42'),
    );
    expect(sqlite.attributes['db.statement']).toBe('DELETE FROM t WHERE id = ?');
    expect(sqlite.name).toBe('DELETE FROM t WHERE id = ?');
  });
});
