/**
 * Codec benchmark (issue 2): decoding a Produce request that carries one 1 MiB batch and encoding a
 * Fetch response that carries 1 MiB, each against a plain 1 MiB Buffer copy measured in the same run.
 * The target is that both cost less than the copy: batches are sliced out of requests and handed to
 * the socket by reference, never copied or re-encoded.
 */
import { randomBytes } from 'node:crypto';
import { crc32c } from '@node-rs/crc32';
import { codecFor } from '../engine/protocol/codec.js';
import { ProduceRequest } from '../engine/protocol/messages/00-produce.js';
import { FetchResponse } from '../engine/protocol/messages/01-fetch.js';
import { Reader, Writer } from '../engine/protocol/primitives.js';
import { readRequestHeader, writeRequestHeader } from '../engine/protocol/headers.js';
import { ATTRIBUTES_OFFSET, CRC_OFFSET, readBatchHeader } from '../engine/records/batch-header.js';
import { line, time } from './measure.js';

const MiB = 1024 * 1024;

/** A 1 MiB magic-2 batch with a valid header and CRC; the records area is opaque bytes here. */
function oneMiBBatch(): Buffer {
  const batch = randomBytes(MiB);
  batch.writeBigInt64BE(0n, 0);
  batch.writeInt32BE(MiB - 12, 8);
  batch.writeInt32BE(0, 12);
  batch.writeInt8(2, 16);
  batch.writeInt16BE(0, ATTRIBUTES_OFFSET);
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return batch;
}

export async function benchCodec(): Promise<string[]> {
  const batch = oneMiBBatch();
  const version = 9;
  const w = new Writer();
  writeRequestHeader(w, 2, { requestApiKey: 0, requestApiVersion: version, correlationId: 1, clientId: 'bench' });
  codecFor(ProduceRequest, version).write(w, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 30000,
    topicData: [{ name: 'bench', partitionData: [{ index: 0, records: batch }] }],
  });
  const produceFrame = w.toBuffer();

  const target = Buffer.allocUnsafe(MiB);
  const copy = time(() => batch.copy(target), MiB);

  const produceCodec = codecFor(ProduceRequest, version);
  const decode = time(() => {
    const r = new Reader(produceFrame);
    readRequestHeader(r, 2);
    const req = produceCodec.read(r);
    readBatchHeader(req.topicData[0].partitionData[0].records);
  }, MiB);

  const fetchVersion = 12;
  const fetchCodec = codecFor(FetchResponse, fetchVersion);
  const fetchResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 'bench',
        partitions: [
          { partitionIndex: 0, errorCode: 0, highWatermark: 1000, lastStableOffset: 1000, logStartOffset: 0, abortedTransactions: null, preferredReadReplica: -1, records: batch },
        ],
      },
    ],
  };
  let chunkCount = 0;
  const encode = time(() => {
    const out = new Writer();
    out.int32(0);
    out.int32(1);
    fetchCodec.write(out, fetchResponse);
    chunkCount = out.chunksOut().length;
  }, MiB);

  const crc = time(() => crc32c(batch), MiB);

  return [
    'codec: 1 MiB record batch, median of 7 rounds',
    line('plain Buffer copy of 1 MiB (yardstick)', copy),
    line('decode Produce v9 request with a 1 MiB batch', decode, copy),
    line(`encode Fetch v12 response with 1 MiB (${chunkCount} chunks)`, encode, copy),
    line('CRC-32C over 1 MiB (target >= 2 GB/s)', crc),
  ];
}
