/**
 * Coalesces trace changes so a burst of spans for one trace becomes one live
 * message: changed trace ids are collected and flushed every `intervalMs`.
 */
export class ChangeBatcher {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly flush: (traceIds: string[]) => void,
  ) {}

  mark(traceId: string): void {
    this.pending.add(traceId);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        const ids = [...this.pending];
        this.pending.clear();
        this.flush(ids);
      }, this.intervalMs);
      this.timer.unref();
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.pending.clear();
  }
}
