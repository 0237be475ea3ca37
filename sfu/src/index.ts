export { defaultSfuConfig, type SfuConfig } from './config.js';
export { startSfu, type Sfu } from './server.node.js';
