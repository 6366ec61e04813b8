import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * A large answer as a stream of pieces with a turn of the event loop between
 * them: the pieces are made lazily, one at a time, so no answer holds the
 * hub's loop for longer than one piece takes to make (the spans waiting to
 * be ingested, /api/stats and the dashboards' messages go in between), and
 * the socket's backpressure paces a slow reader instead of the hub buffering
 * the whole answer for it.
 */
export function pacedText(pieces: Iterable<string>): Readable {
  async function* paced(): AsyncGenerator<string> {
    for (const piece of pieces) {
      yield piece;
      await nextTurn();
    }
  }
  return Readable.from(paced(), { objectMode: false });
}

/** A JSON array, `perPiece` items to a piece: the same text JSON.stringify(items) makes. */
export function* jsonArrayPieces<T>(items: readonly T[], perPiece: number, toJson: (item: T) => string = JSON.stringify): Iterable<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  for (let i = 0; i < items.length; i += perPiece) {
    const piece = items
      .slice(i, i + perPiece)
      .map(toJson)
      .join(',');
    yield `${i === 0 ? '[' : ','}${piece}${i + perPiece >= items.length ? ']' : ''}`;
  }
}

/** Lets the event loop turn: for work that is done before an answer starts. */
export const yieldToLoop = (): Promise<void> => nextTurn();
