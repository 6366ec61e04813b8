import type { Trace } from '@hopscope/shared';
import type { PlaybackClock } from '../clock';
import { stopsOf, stopTime, type Stop } from './stops';

/** Slow-motion speeds offered, slowest first (the issue asks for 0.05×–1×). */
export const SLOW_RATES = [0.05, 0.1, 0.25, 0.5, 1] as const;

/**
 * Each station stays on screen at least this long at 0.1× (half as long at
 * 0.2×, twice as long at 0.05×): a whole request often takes a few
 * milliseconds, which no audience could follow even 20 times slower.
 */
const HOLD_MS_AT_TENTH = 800;

/**
 * Slow motion for one request. It owns the playback clock while open (the
 * clock stays paused and is moved by `tick`): playing walks the stations in
 * order, each for its real duration divided by the rate but never shorter
 * than a readable hold; stepping jumps to the middle of the next or previous
 * station. No DOM: main.ts renders `current` and wires buttons and keys.
 */
export class SlowMotion {
  readonly stops: Stop[];
  private index = 0;
  private playingValue = false;
  private enteredAt = 0;

  constructor(
    readonly trace: Trace,
    private readonly clock: PlaybackClock,
    private rateValue = 0.1,
    private readonly realNow: () => number = () => performance.now(),
  ) {
    this.stops = stopsOf(trace);
    clock.setPaused(true);
    this.goTo(0);
  }

  get current(): Stop {
    return this.stops[this.index]!;
  }

  get step(): number {
    return this.index;
  }

  get playing(): boolean {
    return this.playingValue;
  }

  get rate(): number {
    return this.rateValue;
  }

  play(): void {
    // From the end, play starts again at the beginning.
    if (this.index === this.stops.length - 1) this.index = 0;
    this.playingValue = true;
    this.enteredAt = this.realNow();
  }

  pause(): void {
    this.playingValue = false;
    this.clock.seek(stopTime(this.current));
  }

  setRate(rate: number): void {
    this.rateValue = rate;
  }

  /** Moves exactly one station forward (+1) or back (-1) and stands still there. */
  stepBy(delta: 1 | -1): void {
    this.goTo(Math.min(this.stops.length - 1, Math.max(0, this.index + delta)));
  }

  goTo(index: number): void {
    this.playingValue = false;
    this.index = index;
    this.clock.seek(stopTime(this.current));
  }

  /** How long the current station is shown while playing, in real ms. */
  holdMs(stop: Stop = this.current): number {
    return Math.max((stop.to - stop.from) / this.rateValue, (HOLD_MS_AT_TENTH * 0.1) / this.rateValue);
  }

  /** Advances while playing: call once per frame. Stops on the last station (done). */
  tick(): void {
    if (!this.playingValue) return;
    const elapsed = this.realNow() - this.enteredAt;
    const hold = this.holdMs();
    if (elapsed >= hold && this.index < this.stops.length - 1) {
      this.index++;
      this.enteredAt += hold;
      if (this.index === this.stops.length - 1) this.playingValue = false;
    }
    // The particle jumps station to station (no in-hop interpolation), so holding the step's moment is exact.
    this.clock.seek(stopTime(this.current));
  }
}
