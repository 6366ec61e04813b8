import type { Database, SqlValue } from 'sql.js';

/**
 * The demo app's database: a small book catalogue in SQLite, compiled to
 * WebAssembly (sql.js), so `npm start` needs no native build and no
 * server. Node 20 has no `node:sqlite` (22.5+). In memory, one per process
 * (each worker of the `workers` target has its own, like a worker's
 * connection), made on the first request that needs it.
 */
export const CATALOGUE_NAME = 'catalogue';

const AUTHORS = [
  'Ursula K. Le Guin',
  'Italo Calvino',
  'Toni Morrison',
  'Jorge Luis Borges',
  'Octavia E. Butler',
  'Haruki Murakami',
  'Chinua Achebe',
  'Virginia Woolf',
  'Gabriel García Márquez',
  'Stanisław Lem',
];
const TITLES = [
  'The Dispossessed',
  'Invisible Cities',
  'Beloved',
  'Ficciones',
  'Kindred',
  'Kafka on the Shore',
  'Things Fall Apart',
  'To the Lighthouse',
  'One Hundred Years of Solitude',
  'Solaris',
];

let opening: Promise<Database> | undefined;

export function openCatalogue(): Promise<Database> {
  // Loaded on first use: a process that never serves /books does not pay for the WebAssembly module.
  opening ??= import('sql.js').then(async ({ default: initSqlJs }) => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    db.run('CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, author_id INTEGER NOT NULL REFERENCES authors(id))');
    AUTHORS.forEach((name, i) => db.run('INSERT INTO authors (id, name) VALUES (?, ?)', [i + 1, name]));
    TITLES.forEach((title, i) => db.run('INSERT INTO books (id, title, author_id) VALUES (?, ?, ?)', [i + 1, title, i + 1]));
    return db;
  });
  return opening;
}

/** Rows of one prepared statement, as objects. */
export function selectRows(db: Database, sql: string, params: SqlValue[] = []): Array<Record<string, SqlValue>> {
  const statement = db.prepare(sql, params);
  try {
    const rows: Array<Record<string, SqlValue>> = [];
    while (statement.step()) rows.push(statement.getAsObject());
    return rows;
  } finally {
    statement.free();
  }
}
