/**
 * ControlledShutdown (API key 7).
 *
 * Valid versions: 0-3. Flexible versions: 3+.
 * Served by: controller.
 *
 * v0: a broker asks the controller to move leadership away before shutting down (request header v0, no client id).
 * v1: standard request header; otherwise unchanged.
 * v2: adds the broker epoch.
 * v3: first flexible version.
 */
import type { MessageSpec } from '../schema.js';

export const ControlledShutdownRequest = {
  name: 'ControlledShutdownRequest',
  type: 'request',
  apiKey: 7,
  validVersions: '0-3',
  flexibleVersions: '3+',
  fields: [
    { name: 'brokerId', type: 'int32', versions: '0+' },
    { name: 'brokerEpoch', type: 'int64', versions: '2+', default: -1, ignorable: true },
  ],
} as const satisfies MessageSpec;

export const ControlledShutdownResponse = {
  name: 'ControlledShutdownResponse',
  type: 'response',
  apiKey: 7,
  validVersions: '0-3',
  flexibleVersions: '3+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'remainingPartitions', type: '[]RemainingPartition', versions: '0+',
      fields: [
        { name: 'topicName', type: 'string', versions: '0+' },
        { name: 'partitionIndex', type: 'int32', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;
