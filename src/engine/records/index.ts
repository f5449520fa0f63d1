export * from './batch-header.js';
export * from './compression.js';
export * from './control.js';
export * from './errors.js';
export * from './record-batch.js';
export * from './varint.js';
