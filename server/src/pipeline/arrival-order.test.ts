import { describe, expect, it } from 'vitest';
import { ArrivalOrder } from './arrival-order';

describe('ArrivalOrder', () => {
  it('gives the oldest live item, passing over items removed out of turn, through compactions', () => {
    const live = new Set<number>();
    const order = new ArrivalOrder<number>((n) => live.has(n));
    for (let n = 0; n < 5_000; n++) (live.add(n), order.push(n));
    // Two of every three go out of turn (as entries emptied when their spans moved), enough to compact.
    for (let n = 0; n < 5_000; n++) if (n % 3 !== 0) live.delete(n);
    order.trim(live.size);
    const taken: number[] = [];
    for (let item = order.oldest(); item !== undefined; item = order.oldest()) {
      taken.push(item);
      live.delete(item);
      order.shift();
    }
    expect(taken).toEqual(Array.from({ length: 5_000 }, (_, n) => n).filter((n) => n % 3 === 0));
  });
});
