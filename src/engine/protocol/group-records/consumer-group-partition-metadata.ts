/**
 * ConsumerGroupPartitionMetadata records of the __consumer_offsets topic.
 *
 * Record type (key version): 4. Value versions: 0, flexible 0+.
 *
 * Key v4: record type 4, subscribed topic metadata (in development upstream).
 * Value v0: subscribed topics with partition metadata (in development upstream).
 */
import type { MessageSpec } from '../schema.js';

export const ConsumerGroupPartitionMetadataKey = {
  name: 'ConsumerGroupPartitionMetadataKey',
  type: 'data',
  validVersions: '4',
  flexibleVersions: 'none',
  fields: [
    { name: 'groupId', type: 'string', versions: '4' },
  ],
} as const satisfies MessageSpec;

export const ConsumerGroupPartitionMetadataValue = {
  name: 'ConsumerGroupPartitionMetadataValue',
  type: 'data',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'topics', type: '[]TopicMetadata', versions: '0+',
      fields: [
        { name: 'topicId', type: 'uuid', versions: '0+' },
        { name: 'topicName', type: 'string', versions: '0+' },
        { name: 'numPartitions', type: 'int32', versions: '0+' },
        {
          name: 'partitionMetadata', type: '[]PartitionMetadata', versions: '0+',
          fields: [
            { name: 'partition', type: 'int32', versions: '0+' },
            { name: 'racks', type: '[]string', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;
