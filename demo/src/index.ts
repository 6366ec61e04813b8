export { startDemo } from './start-demo';
export type { DemoConfig, DemoHandle } from './start-demo';
