export { startDemo } from './start-demo';
export type { DemoConfig, DemoHandle } from './start-demo';
export { runScenario, SCENARIOS, TALK_SCENARIO } from './scenario/index';
export type { Scenario, ScenarioStep, ScenarioAction, ScenarioOptions, ScenarioHub } from './scenario/index';
export {
  missingPythonPrerequisites,
  requirePythonStack,
  startFlaskDevServer,
  startGunicorn,
  PYTHON,
  GUNICORN,
  EXAMPLE_DIR,
} from './python/python-stack';
export type { PythonServer, PythonServerOptions } from './python/python-stack';
export { requireFastAPIStack, startUvicorn, startGunicornUvicorn, FASTAPI_EXAMPLE_DIR } from './python/fastapi-stack';
export { startDjangoDevServer, startDjangoGunicorn, DJANGO_EXAMPLE_DIR } from './python/django-stack';
export { findPython } from './python/python-find';
export type { PythonChoice, PythonSearch } from './python/python-find';
export { DemoError } from './errors';
export type { DemoErrorCode } from './errors';
