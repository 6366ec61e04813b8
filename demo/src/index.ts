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
export { DemoError } from './errors';
export type { DemoErrorCode } from './errors';
