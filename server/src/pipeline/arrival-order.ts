/**
 * The store's entries oldest first, for eviction. A Map keeps insertion
 * order too, but finding its first entry (`map.values().next()`) walks over
 * the holes its deletions leave at the front until the table is rebuilt: with
 * a full window evicting one entry per new one, that walk cost about 16 µs an
 * eviction at 10,000 entries, more than the rest of storing a span. This is a
 * queue with a moving head instead. Items removed out of turn (an entry
 * emptied when its spans moved) stay until the head passes them or a
 * compaction drops them; `isLive` tells them apart.
 */
export class ArrivalOrder<T> {
  private items: T[] = [];
  private head = 0;

  constructor(private readonly isLive: (item: T) => boolean) {}

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest live item, or undefined when there is none. */
  oldest(): T | undefined {
    while (this.head < this.items.length) {
      const item = this.items[this.head]!;
      if (this.isLive(item)) return item;
      this.head++;
    }
    return undefined;
  }

  /** Takes the oldest live item off the queue (after oldest() returned it). */
  shift(): void {
    this.head++;
    this.compact();
  }

  /**
   * Keeps the array within about twice the live items: drops the passed head
   * (amortized: only once it is half the array) and, when removals out of
   * turn pile up, the dead items.
   */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Called with the number of live items after removals out of turn. */
  trim(live: number): void {
    if (this.items.length - this.head <= 2 * live + 1024) return;
    this.items = this.items.slice(this.head).filter(this.isLive);
    this.head = 0;
  }
}
