import type { ViewResult } from './routes';
import type { ViewContext } from './traced-db';

/** The view's first query: the page of books. */
export const LIST_BOOKS = 'SELECT id, title, author_id FROM books ORDER BY id LIMIT 10';
/** N+1: one more query per book, for its author. */
export const AUTHOR_BY_ID = 'SELECT name FROM authors WHERE id = ?';
/** The same page in one query. */
export const BOOKS_WITH_AUTHORS =
  'SELECT books.id, books.title, authors.name AS author FROM books JOIN authors ON authors.id = books.author_id ORDER BY books.id LIMIT 10';

/**
 * `/books`: ten books with their authors, the way an ORM's lazy loading
 * does it (a query for the list, then one per book: 10 times the same
 * SELECT, an N+1), or with `?join=1` in one JOIN. Same JSON either way.
 */
export async function booksView(query: URLSearchParams, context: ViewContext): Promise<ViewResult> {
  const books = query.get('join') === '1' ? await joined(context) : await onePerBook(context);
  return { status: 200, body: JSON.stringify(books), contentType: 'application/json' };
}

interface Book {
  id: number;
  title: string;
  author: string;
}

async function onePerBook(context: ViewContext): Promise<Book[]> {
  const rows = await context.query(LIST_BOOKS);
  const books: Book[] = [];
  for (const row of rows) {
    const [author] = await context.query(AUTHOR_BY_ID, [row.author_id as number]);
    books.push({ id: row.id as number, title: String(row.title), author: String(author?.name) });
  }
  return books;
}

async function joined(context: ViewContext): Promise<Book[]> {
  const rows = await context.query(BOOKS_WITH_AUTHORS);
  return rows.map((row) => ({ id: row.id as number, title: String(row.title), author: String(row.author) }));
}
