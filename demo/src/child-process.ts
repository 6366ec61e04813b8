/**
 * What the demo's child processes share: their config arrives as JSON in an
 * environment variable, they tell the parent their port over IPC, and they
 * exit when the parent goes away (no orphans, even if the parent is killed).
 */
export interface ChildConfig {
  host: string;
  port: number;
  otlpEndpoint: string;
  workers: number;
}

export const CONFIG_ENV = 'HOPSCOPE_DEMO_CONFIG';

export function readChildConfig(): ChildConfig {
  return JSON.parse(process.env[CONFIG_ENV] ?? '{}') as ChildConfig;
}

export function announceReady(port: number): void {
  process.send?.({ type: 'ready', port });
}

export function dieWithParent(beforeExit: () => Promise<void> = async () => {}): void {
  const exit = () => {
    const timer = setTimeout(() => process.exit(0), 500);
    timer.unref();
    beforeExit().finally(() => process.exit(0));
  };
  process.on('disconnect', exit);
  process.on('SIGTERM', exit);
}
