import type { Context } from '@opentelemetry/api';
import type { SqlValue } from 'sql.js';
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
} from '@hopscope/shared';
import { CATALOGUE_NAME, openCatalogue, selectRows } from './catalogue';
import { recordFailure, type DemoTracing } from './tracing';

/** What a view may use: the catalogue, each query a CLIENT span of the view. */
export interface ViewContext {
  query(sql: string, params?: SqlValue[]): Promise<Array<Record<string, SqlValue>>>;
}

/**
 * Queries as a real instrumented driver reports them (database semantic
 * conventions 1.26+): `db.system.name`, `db.namespace`, `db.query.text`
 * with the placeholders the app wrote (the values are never in it), and the
 * span named `{operation} {table}`.
 */
export function tracedQueries(tracing: DemoTracing, inView: Context): ViewContext {
  return {
    async query(sql, params = []) {
      const db = await openCatalogue();
      const operation = sql.trimStart().split(/\s+/, 1)[0]!.toUpperCase();
      const table = /\bFROM\s+(\w+)/i.exec(sql)?.[1];
      const span = tracing.startCall(table ? `${operation} ${table}` : operation, inView, {
        [ATTR_DB_SYSTEM_NAME]: 'sqlite',
        [ATTR_DB_NAMESPACE]: CATALOGUE_NAME,
        [ATTR_DB_QUERY_TEXT]: sql,
        [ATTR_DB_OPERATION_NAME]: operation,
        ...(table ? { [ATTR_DB_COLLECTION_NAME]: table } : {}),
      });
      try {
        return selectRows(db, sql, params);
      } catch (error) {
        recordFailure(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  };
}
