export { startHopscope, otlpBase } from './start';
export type { HopscopeOptions, RunningHopscope } from './start';
export { parseTargetSpec, parseTargetSpecs } from './targets';
export type { TargetSpec } from './targets';
export { OPTIONS, parseCliOptions } from './options';
export type { OptionSpec, CliOptions } from './options';
export { CliError } from './errors';
export { missingPythonPrerequisites, startFlaskDevServer, startGunicorn, PYTHON, EXAMPLE_DIR } from '@hopscope/demo';
export type { PythonServer } from '@hopscope/demo';
