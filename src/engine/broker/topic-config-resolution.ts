/**
 * The log config a topic's partitions run with: the broker's log.* defaults (with dynamic broker
 * configs over them) overlaid by the topic's own overrides. Placeholder until the config module
 * lands; see topic-configs.ts.
 */
import type { BrokerConfig } from '../config/broker-config.js';
import { parseLogConfig, type LogConfig } from '../log/log-config.js';
import type { MetadataImage, TopicImage } from '../metadata/image.js';

export function brokerTopicConfigs(topic: TopicImage, _config: BrokerConfig, _image: MetadataImage, _nodeId: number, defaults: LogConfig): LogConfig {
  return parseLogConfig(topic.configs, defaults);
}
