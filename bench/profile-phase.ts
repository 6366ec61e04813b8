import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';

/**
 * A V8 CPU profile of one phase of a benchmark (not its setup), written to
 * `file` for bench/profile-top.ts; when `file` is undefined, runs the phase
 * unprofiled. Only this thread is sampled.
 */
export async function profiled<T>(file: string | undefined, phase: () => Promise<T>): Promise<T> {
  if (!file) return phase();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await phase();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}
