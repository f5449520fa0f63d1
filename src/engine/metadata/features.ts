/**
 * Feature flags kt supports (KIP-584), as ApiVersions reports them. metadata.version 21 is
 * Kafka 3.9-IV0, the version whose metadata record schemas kt writes to its metadata log.
 */
export const METADATA_VERSION_FEATURE = 'metadata.version';
export const LATEST_METADATA_VERSION = 21;

export const SUPPORTED_FEATURES = [{ name: METADATA_VERSION_FEATURE, minVersion: 1, maxVersion: LATEST_METADATA_VERSION }];
