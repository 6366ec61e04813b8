import type { Recording, Trace } from '@hopscope/shared';
import { PlaybackClock } from './clock';
import { BASE_DELAY_MS, LiveDelay } from './live-delay';
import type { DashboardModel } from './model';
import { ReplaySession } from './replay/session';
import { SlowMotion } from './slowmo/controller';
import type { TraceSource } from './source';

/** A replay stops this long after its last request ends, so the last particles can leave. */
const END_MARGIN_MS = 600;

/**
 * What is shown and when (DESIGN.md "Time and animation"): one playback clock
 * over one TraceSource — the live model, or a recording — and slow motion,
 * which takes the clock over for one request. No DOM: main.ts wires controls
 * and keys to these methods and draws from `source`, `clock` and `slow`.
 */
export class Playback {
  readonly clock = new PlaybackClock();
  source: TraceSource;
  replay: ReplaySession | undefined;
  slow: SlowMotion | undefined;
  /** Set while the scripted scenario, not the speaker, opened slow motion. */
  slowFromScenario = false;
  /** Live: each target's row runs as far behind as its app's spans arrive late. */
  readonly liveDelay: LiveDelay;
  private beforeSlowMotion: { at: number; paused: boolean } | undefined;

  constructor(private readonly live: DashboardModel) {
    this.source = live;
    this.liveDelay = new LiveDelay(live.ingestLag);
  }

  /**
   * The virtual time each target's row is drawn at, `at` being the clock's.
   * Live, a row whose app exports late runs further behind (its own delay);
   * a replay and slow motion draw every row at the clock's time.
   */
  rowTimes(targets: readonly string[], at: number, realNow = Date.now()): Map<string, number> {
    const live = !this.replay && !this.slow;
    if (live && !this.clock.paused) this.liveDelay.update(targets, realNow);
    else this.liveDelay.hold();
    return new Map(targets.map((t) => [t, live ? at - (this.liveDelay.delayMs(t) - BASE_DELAY_MS) : at]));
  }

  enterReplay(recording: Recording): void {
    this.closeSlowMotion();
    this.replay = new ReplaySession(recording);
    this.source = this.replay;
    this.clock.goLive();
    this.clock.seek(recording.start - 200);
  }

  backToLive(): void {
    this.closeSlowMotion();
    this.replay = undefined;
    this.source = this.live;
    this.clock.goLive();
  }

  /** Once per frame: slow motion advances; a replay stands still at its end. */
  tick(): number {
    this.slow?.tick();
    const replay = this.replay;
    if (replay && !this.slow && !this.clock.paused && this.clock.now() > replay.end + END_MARGIN_MS) {
      this.clock.setPaused(true);
      this.clock.seek(replay.end + END_MARGIN_MS);
    }
    return this.clock.now();
  }

  openSlowMotion(trace: Trace, rate: number, fromScenario = false): void {
    if (!this.slow) this.beforeSlowMotion = { at: this.clock.now(), paused: this.clock.paused };
    this.slow = new SlowMotion(trace, this.clock, rate);
    this.slowFromScenario = fromScenario;
  }

  closeSlowMotion(): void {
    if (!this.slow) return;
    this.slow = undefined;
    this.slowFromScenario = false;
    // Back where the speaker was: the live edge, or the same place in the replay.
    if (!this.replay) this.clock.goLive();
    else if (this.beforeSlowMotion) {
      this.clock.seek(this.beforeSlowMotion.at);
      this.clock.setPaused(this.beforeSlowMotion.paused);
    }
  }

  togglePause(): void {
    const slow = this.slow;
    if (slow) return slow.playing ? slow.pause() : slow.play();
    // A replay that reached its end starts again from the beginning.
    if (this.replay && this.clock.paused && this.clock.now() >= this.replay.end) this.clock.seek(this.replay.start - 200);
    this.clock.setPaused(!this.clock.paused);
  }

  get paused(): boolean {
    return this.slow ? !this.slow.playing : this.clock.paused;
  }

  setSpeed(rate: number): void {
    if (this.slow) return this.slow.setRate(rate);
    if (rate === 1 && !this.replay) this.clock.goLive();
    else this.clock.setRate(rate);
  }

  /** ← / →: one hop in slow motion, one second in a replay. */
  step(delta: 1 | -1): void {
    if (this.slow) this.slow.stepBy(delta);
    else if (this.replay) this.seekReplay(this.clock.now() - this.replay.start + delta * 1000);
  }

  /** Moves a replay to `offsetMs` from its start (the scrubber). */
  seekReplay(offsetMs: number): void {
    if (!this.replay) return;
    this.closeSlowMotion();
    this.clock.seek(this.replay.start + Math.min(this.replay.end - this.replay.start, Math.max(0, offsetMs)));
  }

  /** The request `s` plays: the selected one, else the newest finished one at the playhead. */
  requestForSlowMotion(selected: string | undefined): Trace | undefined {
    const chosen = selected ? this.source.get(selected) : undefined;
    if (chosen && !chosen.inFlight) return chosen;
    return this.source.list({}, 50, this.clock.now()).find((t) => !t.inFlight);
  }
}
