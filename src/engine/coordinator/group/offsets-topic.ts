/**
 * Creates __consumer_offsets through the controller on the first FindCoordinator (as Kafka's
 * KafkaApis does): compacted, offsets.topic.* settings, the replication factor capped by the live
 * brokers so a small cluster still gets the topic.
 */
import type { QuorumController } from '../../controller/quorum-controller.js';
import type { Logger } from '../../logger.js';
import type { MetadataImage } from '../../metadata/image.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { GroupConfig } from './config.js';
import { OFFSETS_TOPIC } from './partitioner.js';

export async function createOffsetsTopic(deps: { config: GroupConfig; metadata(): MetadataImage; controller: QuorumController; log: Logger }): Promise<void> {
  const { config } = deps;
  const live = deps.metadata().liveBrokers().length;
  const replicationFactor = Math.max(1, Math.min(config.offsetsTopicReplicationFactor, live));
  const [result] = await deps.controller.createTopics(
    [
      {
        name: OFFSETS_TOPIC,
        numPartitions: config.offsetsTopicNumPartitions,
        replicationFactor,
        assignments: [],
        configs: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'compression.type', value: 'producer' },
          { name: 'segment.bytes', value: String(config.offsetsTopicSegmentBytes) },
        ],
      },
    ],
    { numPartitions: config.offsetsTopicNumPartitions, replicationFactor },
    false,
  );
  if (result.errorCode === ErrorCode.NONE) {
    deps.log.info(`created ${OFFSETS_TOPIC} with ${result.numPartitions} partitions and replication factor ${result.replicationFactor}`);
  } else if (result.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
    deps.log.warn(`could not create ${OFFSETS_TOPIC}: ${result.errorMessage ?? result.errorCode}`);
  }
}
