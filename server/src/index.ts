export { createHub } from './create-hub';
export type { Hub, HubConfig } from './create-hub';
export { HUB_ERRORS, HubError } from './errors';
export type { HubErrorCode } from './errors';
export { assembleTrace } from './assemble';
export { TraceStore } from './store';
export { decodeExportRequestJson } from './otlp/json';
export { decodeExportRequestProtobuf } from './otlp/protobuf';
