import type { IngestLag } from './ingest-lag';

/** The playback clock's own delay (DESIGN.md "Time and animation"): enough for spans sent at once. */
export const BASE_DELAY_MS = 400;
/** However late an app's spans come, the live view is never further behind than this. */
export const MAX_DELAY_MS = 10_000;
/** A lag this small is covered by the base delay: rows stay on one clock. */
const COVERED_LAG_MS = BASE_DELAY_MS / 2;
/**
 * From this lag on the header tells the user, with the setting that fixes it:
 * a batch delay (5 s by default) is the usual cause. Below it a busy app
 * exporting late is as likely, and the setting would not help.
 */
export const NOTICE_LAG_MS = 2_000;
/**
 * How fast a row's delay follows a change, in ms of delay per real ms: while
 * it grows the row runs at 0.25× (its time never jumps back and replays what
 * was drawn); while it shrinks at 1.5×.
 */
const GROW_RATE = 0.75;
const SHRINK_RATE = 0.5;

/** What the header says about one target whose app's spans arrive late. */
export interface LagNotice {
  target: string;
  lagMs: number;
  delayMs: number;
}

/**
 * The live view's delay per target: each row is drawn `delayMs(target)`
 * behind real time, the base delay plus the ingest lag IngestLag measures for
 * that target's app, capped at MAX_DELAY_MS, eased so a row's time only ever
 * slows down or speeds up. Pure: the caller passes the page's clock.
 */
export class LiveDelay {
  private readonly current = new Map<string, number>();
  private lastUpdate: number | undefined;

  constructor(private readonly lag: IngestLag) {}

  /** The delay a target's row should reach. */
  wanted(target: string, now: number): number {
    const lag = this.lag.lagMs(target, now) ?? 0;
    return lag <= COVERED_LAG_MS ? BASE_DELAY_MS : Math.min(MAX_DELAY_MS, BASE_DELAY_MS + lag);
  }

  /** Moves every row's delay toward what it should be; call once per frame while live and playing. */
  update(targets: readonly string[], now: number): void {
    const elapsed = this.lastUpdate === undefined ? 0 : Math.max(0, now - this.lastUpdate);
    this.lastUpdate = now;
    for (const target of targets) {
      const wanted = this.wanted(target, now);
      const current = this.current.get(target) ?? BASE_DELAY_MS;
      const next = wanted > current ? Math.min(wanted, current + elapsed * GROW_RATE) : Math.max(wanted, current - elapsed * SHRINK_RATE);
      this.current.set(target, next);
    }
  }

  /** Where the row of `target` stands now, in ms behind real time. */
  delayMs(target: string): number {
    return this.current.get(target) ?? BASE_DELAY_MS;
  }

  /** A paused or resumed clock does not count as time for easing. */
  hold(): void {
    this.lastUpdate = undefined;
  }

  /** Targets whose app's spans arrive late enough to say so, with the lag and the row's delay. */
  notices(targets: readonly string[], now: number): LagNotice[] {
    const out: LagNotice[] = [];
    for (const target of targets) {
      const lagMs = this.lag.lagMs(target, now);
      if (lagMs !== undefined && lagMs >= NOTICE_LAG_MS) out.push({ target, lagMs, delayMs: this.delayMs(target) });
    }
    return out;
  }
}

/** "app spans of late-app arrive ~5 s late — set OTEL_BSP_SCHEDULE_DELAY=100 (drawn 5.4 s behind)". */
export function noticeText(notice: LagNotice): string {
  const seconds = Math.max(1, Math.round(notice.lagMs / 1000));
  const capped = notice.lagMs + BASE_DELAY_MS > MAX_DELAY_MS ? `, at most ${MAX_DELAY_MS / 1000} s` : '';
  return (
    `app spans of ${notice.target} arrive ~${seconds} s late — set OTEL_BSP_SCHEDULE_DELAY=100 in its environment ` +
    `(drawn ${(notice.delayMs / 1000).toFixed(1)} s behind live${capped})`
  );
}
