/**
 * Producer id blocks (Kafka's ProducerIdControlManager): the controller hands each broker a block of
 * PRODUCER_ID_BLOCK_SIZE ids at a time and records the first id of the next block in the metadata
 * log (ProducerIdsRecord: brokerId, brokerEpoch, nextProducerId). Replaying the log restores
 * `image.nextProducerId`, so no id is handed out twice — not across restarts, and later not across
 * brokers. A broker that restarts simply asks for a new block; the rest of its old block is skipped.
 *
 * Kafka also checks the requesting broker's epoch (STALE_BROKER_EPOCH); kt's image does not keep
 * broker epochs yet (a broker asks for its first block before it registers), so the epoch is only
 * recorded.
 */
import type { MetadataImage } from '../metadata/image.js';
import { RecordType } from '../metadata/record-types.js';
import { ErrorCode } from '../protocol/errors.js';
import { metadataRecord, type MetadataRecord } from './metadata-serde.js';

export const PRODUCER_ID_BLOCK_SIZE = 1000;

/** Producer ids are int64 in Kafka; JS numbers are exact up to 2^53 - 1, which kt treats as the end. */
const LAST_PRODUCER_ID = Number.MAX_SAFE_INTEGER;

export interface ProducerIdBlock {
  errorCode: number;
  producerIdStart: number;
  producerIdLen: number;
}

export function planAllocateProducerIds(image: MetadataImage, brokerId: number, brokerEpoch: number): ProducerIdBlock & { records: MetadataRecord[] } {
  const start = image.nextProducerId;
  if (start > LAST_PRODUCER_ID - PRODUCER_ID_BLOCK_SIZE) {
    // Kafka: UnknownServerException("Exhausted all producerIds as the next block's end producerId ...").
    return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, producerIdStart: -1, producerIdLen: 0, records: [] };
  }
  const next = start + PRODUCER_ID_BLOCK_SIZE;
  return {
    errorCode: ErrorCode.NONE,
    producerIdStart: start,
    producerIdLen: PRODUCER_ID_BLOCK_SIZE,
    records: [metadataRecord(RecordType.ProducerIds, { brokerId, brokerEpoch, nextProducerId: next })],
  };
}
