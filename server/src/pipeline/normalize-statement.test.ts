import { describe, expect, it } from 'vitest';
import { MAX_STATEMENT_CHARS, normalizeStatement } from './normalize-statement';

describe('normalizeStatement: literals never kept', () => {
  it.each([
    ["SELECT * FROM users WHERE email = 'ann@example.com' AND id = 42", 'SELECT * FROM users WHERE email = ? AND id = ?'],
    ["SELECT 'it''s', E'a\\'b', X'ff', N'x', 0xDEAD, 1.5e3, -2, .5", 'SELECT ?, ?, ?, ?, ?, ?, ?, ?'],
    ['SELECT $$secret$$, $tag$also secret$tag$', 'SELECT ?, ?'],
    ["SELECT 1 -- user='bob'\nFROM t /* token='abc' */", 'SELECT ? FROM t'],
    ['select * from t where id in (1, 2, 3) and x in ($1, $2)', 'select * from t where id in (?) and x in (?)'],
    ["INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')", 'INSERT INTO t (a, b) VALUES (?, ?)'],
    ['SELECT  a\n\t FROM   t', 'SELECT a FROM t'],
  ])('%s', (raw, normalised) => {
    expect(normalizeStatement(raw)).toBe(normalised);
  });

  it('keeps identifiers, placeholders and quoted names, whose digits are not literals', () => {
    const sql = 'SELECT t1.col2, "Order 1", `x 2` FROM t1 WHERE a = ? AND b = $1 AND c = %s AND d = :name';
    expect(normalizeStatement(sql)).toBe(sql);
  });

  it('is idempotent (spans are normalised on arrival, calls read them again)', () => {
    const once = normalizeStatement("SELECT * FROM t WHERE a IN (1,2) AND b = 'x'");
    expect(normalizeStatement(once)).toBe(once);
  });

  it('an unterminated string is still a literal to its end', () => {
    expect(normalizeStatement("SELECT * FROM t WHERE p = 'hunter2")).toBe('SELECT * FROM t WHERE p = ?');
  });

  it('Redis and Memcached keep the command only', () => {
    expect(normalizeStatement('SET session:ann 9f8e7d', 'redis')).toBe('SET ?');
    expect(normalizeStatement('get', 'memcached')).toBe('get');
  });

  it('JSON statements (MongoDB) keep keys and lose values', () => {
    expect(normalizeStatement('{"find":"users","filter":{"email":"ann@example.com","age":42}}', 'mongodb')).toBe(
      '{"find":?,"filter":{"email":?,"age":?}}',
    );
  });

  it('a huge statement is cut after normalising', () => {
    const long = `SELECT ${'a, '.repeat(5_000)}b FROM t`;
    expect(normalizeStatement(long).length).toBe(MAX_STATEMENT_CHARS + 1);
  });
});
