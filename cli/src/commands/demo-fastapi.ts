import { requireFastAPIStack, startGunicornUvicorn, startUvicorn } from '@hopscope/demo';
import type { CliOptions } from '../options';
import type { HopscopeOptions, RunningHopscope } from '../start';
import { startPythonDemo } from './python-demo';

/**
 * `hopscope demo --fastapi`: the example FastAPI app under uvicorn in one process (`uvicorn`,
 * the dev setup: one event loop for every request) and under Gunicorn's uvicorn workers
 * (`gunicorn-uvicorn`, `-w` from --workers: one event loop per process).
 * `/blocking?ms=` shows what a blocking call in `async def` does to both.
 */
export function startFastAPIDemoStack(options: CliOptions, common: HopscopeOptions): Promise<RunningHopscope> {
  return startPythonDemo(
    {
      checkPrerequisites: () => requireFastAPIStack().description,
      servers: [
        ['uvicorn', (launch) => startUvicorn({ ...launch, serviceName: 'uvicorn' })],
        ['gunicorn-uvicorn', (launch) => startGunicornUvicorn({ ...launch, serviceName: 'gunicorn-uvicorn', workers: options.workers })],
      ],
      describe: (servers, python) =>
        `FastAPI example (${python}): ${servers.map((s) => s.description.replace(` under ${python}`, '')).join('; ')}`,
    },
    common,
  );
}
