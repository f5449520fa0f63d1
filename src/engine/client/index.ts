/** kt's Kafka client: what the tools (and anyone embedding kt) import. */
export { Admin, AlterConfigOp, ConfigSource, ResourceType } from './admin.js';
export type { ConfigChange, ConfigEntry, ConfigResource, NewTopic, TopicDescription, TopicListing, TopicPartitionInfo, TopicResult } from './admin.js';
export { DEFAULT_BOOTSTRAP, parseBootstrap, type BrokerAddress } from './bootstrap.js';
export { BrokerConnection } from './broker-connection.js';
export { Cluster, type ClusterOptions } from './cluster.js';
export { Consumer, type ConsumerOptions } from './consumer.js';
export { CONSUMER_DEFAULTS, consumerConfigFrom, type ConsumerConfig } from './consumer-config.js';
export { ConfigError, ConnectionError, KafkaError, TimeoutError, UnsupportedVersionError } from './errors.js';
export type { ConsumerRecord } from './fetch-records.js';
export { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets, type IsolationLevel, type TopicPartition } from './list-offsets.js';
export { murmur2, partitionForKey, toPositive } from './partitioner.js';
export { Producer, type ProducerOptions, type ProducerRecord, type RecordMetadata, type SendCallback } from './producer.js';
export { PRODUCER_DEFAULTS, producerConfigFrom, type ProducerConfig } from './producer-config.js';
