/**
 * Which __transaction_state partition (and so which broker) coordinates a transactional id: Kafka's
 * partitionFor, Utils.abs(transactionalId.hashCode) % transaction.state.log.num.partitions — the
 * same hash the group coordinator uses for group ids.
 */
import { kafkaAbs, javaStringHashCode } from '../group/partitioner.js';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';

export function partitionForTransactionalId(transactionalId: string, numPartitions: number): number {
  return kafkaAbs(javaStringHashCode(transactionalId)) % numPartitions;
}
