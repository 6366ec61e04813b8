import { BASE_DELAY_MS } from './live-delay';

/**
 * The playback clock (DESIGN.md "Time and animation"): virtual time that runs
 * `delayMs` behind real time so every hop of a request has arrived before it
 * is drawn. Slow motion is the same clock at a lower rate; pausing freezes it.
 * Re-anchored on every change so the virtual time never jumps.
 */
export class PlaybackClock {
  private anchorReal: number;
  private anchorVirtual: number;
  private rateValue = 1;
  private pausedValue = false;

  constructor(
    private readonly realNow: () => number = () => Date.now(),
    readonly delayMs = BASE_DELAY_MS,
  ) {
    this.anchorReal = realNow();
    this.anchorVirtual = this.anchorReal - delayMs;
  }

  now(): number {
    if (this.pausedValue) return this.anchorVirtual;
    return this.anchorVirtual + (this.realNow() - this.anchorReal) * this.rateValue;
  }

  get rate(): number {
    return this.rateValue;
  }

  get paused(): boolean {
    return this.pausedValue;
  }

  setRate(rate: number): void {
    this.reanchor();
    this.rateValue = rate;
  }

  setPaused(paused: boolean): void {
    this.reanchor();
    this.pausedValue = paused;
  }

  /** Jumps the virtual time to `virtualMs` (replay's scrubber, slow motion's steps); rate and pause stay. */
  seek(virtualMs: number): void {
    this.anchorReal = this.realNow();
    this.anchorVirtual = virtualMs;
  }

  /** Back to live: real time minus the delay, at 1×. */
  goLive(): void {
    this.anchorReal = this.realNow();
    this.anchorVirtual = this.anchorReal - this.delayMs;
    this.rateValue = 1;
    this.pausedValue = false;
  }

  private reanchor(): void {
    this.anchorVirtual = this.now();
    this.anchorReal = this.realNow();
  }
}
