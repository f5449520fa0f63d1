/**
 * Helpers for the producer tests: read a partition's batches back over the wire from any broker
 * (the version negotiated, so librdkafka's mock cluster works too), and intercept a producer's
 * requests to lose a response or answer with an error the way a broker would.
 */
import { Cluster, type Response } from '../../src/engine/client/cluster.js';
import { ConnectionError } from '../../src/engine/client/errors.js';
import { fetchRequest, fetchedPartitions } from '../../src/engine/client/fetch-request.js';
import { ZERO_UUID } from '../../src/engine/client/metadata.js';
import type { Producer } from '../../src/engine/client/producer.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { type DecodedBatch, decodeBatches } from '../../src/engine/records/record-batch.js';

/** Every batch of a partition up to its high watermark (read_uncommitted: markers and aborted data included). */
export async function wireBatches(bootstrap: string, topic: string, partition: number): Promise<DecodedBatch[]> {
  const cluster = new Cluster({ bootstrap });
  try {
    await cluster.refreshMetadata([topic]);
    const leader = cluster.leaderFor(topic, partition);
    const topicId = cluster.topic(topic)?.topicId ?? ZERO_UUID;
    const out: DecodedBatch[] = [];
    let offset = 0;
    for (;;) {
      const body = fetchRequest([{ topic, topicId, partition, fetchOffset: offset }], { maxWaitMs: 0, minBytes: 0, maxBytes: 8 << 20, partitionMaxBytes: 8 << 20, readCommitted: false });
      const { response } = await cluster.request(leader, 1, body, { minVersion: 4, maxVersion: topicId === ZERO_UUID ? 12 : 17 });
      const [p] = fetchedPartitions(response, () => topic);
      if (!p || p.errorCode !== 0) throw new Error(`fetch ${topic}-${partition}: error ${p?.errorCode}`);
      const got = p.records ? decodeBatches(p.records) : [];
      for (const b of got) {
        if (b.header.baseOffset + b.header.lastOffsetDelta < offset) continue;
        out.push(b);
        offset = b.header.baseOffset + b.header.lastOffsetDelta + 1;
      }
      if (offset >= p.highWatermark) return out;
      if (got.length === 0) throw new Error(`fetch ${topic}-${partition}@${offset}: no progress below ${p.highWatermark}`);
    }
  } finally {
    cluster.close();
  }
}

export type Interceptor = (apiKey: number, body: Message | ((v: number) => Message), send: () => Promise<Response>) => Promise<Response>;

/** Route every request of the producer's cluster through `fn`. */
export function intercept(producer: Producer, fn: Interceptor): void {
  const cluster = producer.cluster;
  const original = cluster.request.bind(cluster);
  cluster.request = ((target, apiKey, body, options) => fn(apiKey, body, () => original(target, apiKey, body, options))) as typeof cluster.request;
}

/** A Produce answer giving `errorCode` for every partition of the request, as a broker would. */
export function produceError(body: Message, errorCode: number, logStartOffset = 0): Response {
  const responses = (body.topicData as Message[]).map((t) => ({
    name: t.name,
    partitionResponses: (t.partitionData as Message[]).map((p) => ({ index: p.index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset, recordErrors: [], errorMessage: null })),
  }));
  return { response: { responses, throttleTimeMs: 0 }, version: 7, nodeId: 1 };
}

/** Send the request for real, then act as if the connection dropped before the answer came. */
export async function loseResponse(send: () => Promise<Response>): Promise<never> {
  await send();
  throw new ConnectionError('connection closed by broker (test: response lost)');
}
