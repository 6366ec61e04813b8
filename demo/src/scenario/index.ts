export { runScenario } from './runner';
export type { ScenarioHub, ScenarioOptions } from './runner';
export { SCENARIOS, TALK_SCENARIO } from './talk';
export type { Scenario, ScenarioStep, ScenarioAction } from './talk';
