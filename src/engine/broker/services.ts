/**
 * What request handlers may use from the engine. It grows with the roadmap (log manager, controller,
 * group coordinator); handlers reach every engine part through it and nothing else.
 */
import type { BrokerConfig } from '../config/broker-config.js';
import type { Logger } from '../logger.js';
import type { MetadataImage } from '../metadata/image.js';

export interface BrokerServices {
  config: BrokerConfig;
  nodeId: number;
  log: Logger;
  /** The current metadata image, kept up to date by replaying the metadata log. */
  metadata(): MetadataImage;
}
