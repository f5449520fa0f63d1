/**
 * Type-checked, never run: test/protocol/typed-messages.test.ts compiles this file with tsc. Every
 * `@ts-expect-error` line must be an error (tsc reports an unused directive otherwise), and the test
 * also compiles it with the directives removed to check each error names the misspelled field.
 * Lines marked `expect-error: <text>` are those; everything else must type-check as written.
 */
import type { Cluster } from '../../src/engine/client/cluster.js';
import { defineHandler } from '../../src/engine/broker/handler.js';
import { decodeBuffer, encodeToBuffer } from '../../src/engine/protocol/codec.js';
import { HeartbeatRequest, HeartbeatResponse } from '../../src/engine/protocol/messages/12-heartbeat.js';
import { MetadataResponse } from '../../src/engine/protocol/messages/03-metadata.js';
import { FetchRequest } from '../../src/engine/protocol/messages/01-fetch.js';
import type { BodyOf, ItemOf, MessageOf } from '../../src/engine/protocol/message-types.js';

// A handler receives its request typed from the declaration, and its response is checked against the
// response declaration, also when returned from the method (where TypeScript would not look itself).
export const goodHandler = defineHandler({
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  request: HeartbeatRequest,
  response: HeartbeatResponse,
  handle(request) {
    const groupId: string = request.groupId;
    const instance: string | null = request.groupInstanceId;
    return { throttleTimeMs: groupId.length + (instance?.length ?? 0), errorCode: 0 };
  },
});

export const misspelledRequestField = defineHandler({
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  request: HeartbeatRequest,
  response: HeartbeatResponse,
  handle(request) {
    // @ts-expect-error  expect-error: groupID
    return { errorCode: request.groupID.length };
  },
});

export const misspelledResponseField = defineHandler({
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  request: HeartbeatRequest,
  response: HeartbeatResponse,
  // @ts-expect-error  expect-error: errorCod
  handle() {
    return { throttleTimeMs: 0, errorCod: 0 };
  },
});

export const wrongResponseType = defineHandler({
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  request: HeartbeatRequest,
  response: HeartbeatResponse,
  // @ts-expect-error  expect-error: errorCode
  async handle() {
    return { errorCode: 'NONE' };
  },
});

// The codec's typed entry points.
declare const bytes: Buffer;
const metadata = decodeBuffer(MetadataResponse, 12, bytes);
export const leaderEpoch: number = metadata.topics[0].partitions[0].leaderEpoch;
export const clusterId: string | null = metadata.clusterId;
// @ts-expect-error  expect-error: partitons
export const misspelledDecoded = metadata.topics[0].partitons;
export const encoded = encodeToBuffer(FetchRequest, 16, { topics: [{ topicId: 'x', partitions: [{ partition: 0, fetchOffset: 0 }] }] });
// @ts-expect-error  expect-error: fetchOfset
export const misspelledEncoded = encodeToBuffer(FetchRequest, 16, { topics: [{ partitions: [{ fetchOfset: 0 }] }] });

// kt's client: requests named by a literal API key are typed both ways.
export async function client(cluster: Cluster): Promise<number> {
  const { response } = await cluster.request('any', 22, { transactionalId: null, transactionTimeoutMs: 60_000 });
  const producerId: number = response.producerId;
  // @ts-expect-error  expect-error: transactionalID
  await cluster.request('any', 22, { transactionalID: 'tx' });
  // @ts-expect-error  expect-error: producerID
  return producerId + response.producerID;
}

// A handler's helper functions can be typed by the elements of a declaration's arrays.
type MetadataTopicOut = ItemOf<BodyOf<typeof MetadataResponse>['topics']>;
export const topicOut: MetadataTopicOut = { name: 'a', errorCode: 0, partitions: [{ partitionIndex: 0 }] };
// @ts-expect-error  expect-error: partitionIdx
export const misspelledTopicOut: MetadataTopicOut = { name: 'a', partitions: [{ partitionIdx: 0 }] };
export const fetchTopic = (t: ItemOf<MessageOf<typeof FetchRequest>['topics']>): string => t.topicId;
