/**
 * Feature flags kt supports (KIP-584), as ApiVersions reports them (SupportedFeatures) and as the
 * controller finalizes them in the metadata log (FeatureLevelRecord, reported as FinalizedFeatures).
 *
 * - metadata.version 21 is Kafka 3.9-IV0, the version whose metadata record schemas kt writes.
 * - transaction.version (Kafka 4.0's TransactionVersion): 0 the original protocol; 1 flexible
 *   __transaction_state records; 2 KIP-890 part 2 — EndTxn v5 bumps the producer epoch on every
 *   transaction, Produce v12 and TxnOffsetCommit v5 add partitions to the transaction implicitly
 *   (no AddPartitionsToTxn / AddOffsetsToTxn), markers carry the bumped epoch. Clients (the Java
 *   client 4.x) use version 2 only when the cluster has finalized it at 2, which kt does when it
 *   formats a new metadata log. A level absent from the log is level 0, as in Kafka.
 */
export const METADATA_VERSION_FEATURE = 'metadata.version';
export const LATEST_METADATA_VERSION = 21;

export const TRANSACTION_VERSION_FEATURE = 'transaction.version';
export const LATEST_TRANSACTION_VERSION = 2;

export const SUPPORTED_FEATURES = [
  { name: METADATA_VERSION_FEATURE, minVersion: 1, maxVersion: LATEST_METADATA_VERSION },
  { name: TRANSACTION_VERSION_FEATURE, minVersion: 0, maxVersion: LATEST_TRANSACTION_VERSION },
];

/** The levels a brand-new cluster finalizes at bootstrap (Kafka 4.0 finalizes transaction.version 2 on new clusters). */
export const BOOTSTRAP_FEATURE_LEVELS: readonly { name: string; featureLevel: number }[] = [
  { name: METADATA_VERSION_FEATURE, featureLevel: LATEST_METADATA_VERSION },
  { name: TRANSACTION_VERSION_FEATURE, featureLevel: LATEST_TRANSACTION_VERSION },
];
