/**
 * Which transaction protocol a transactional producer speaks, decided as Java's client 4.x does
 * (TransactionManager.maybeUpdateTransactionV2Enabled): from the cluster's finalized
 * `transaction.version` feature in ApiVersions responses (FinalizedFeatures, v3+), read when
 * transactions are initialized and again as each transaction ends, and used from the next
 * beginTransaction on — never changed in the middle of a transaction.
 *
 * - Version 2 (KIP-890 part 2; level >= 2, what Kafka 4.0 and kt finalize on a new cluster): no
 *   AddPartitionsToTxn or AddOffsetsToTxn; a partition's first transactional Produce (v12+) and a
 *   group's first TxnOffsetCommit (v5) add them to the transaction at the broker; EndTxn v5 bumps
 *   the epoch of every transaction and returns the producer id and epoch to use next.
 * - The older protocol (level 0 or 1, or no feature reported: older brokers, upgraded clusters not
 *   yet finalized, librdkafka's mock cluster): AddPartitionsToTxn / AddOffsetsToTxn first, Produce
 *   capped at v11 and TxnOffsetCommit at v4 — the versions that do not add anything by themselves.
 *
 * Idempotent producers without a transactional.id are not concerned: their Produce goes at the
 * highest version both sides speak.
 */
import type { Cluster, RequestOptions } from './cluster.js';

export const TRANSACTION_VERSION_FEATURE = 'transaction.version';

type Versions = Pick<RequestOptions, 'minVersion' | 'maxVersion'>;

/** Produce v3 is the first to carry magic-2 record batches. */
export const MIN_PRODUCE_VERSION = 3;

export interface TxnProtocolVersions {
  produce: Versions;
  txnOffsetCommit: Versions;
  endTxn: Versions;
}

export const TXN_V2_VERSIONS: TxnProtocolVersions = {
  produce: { minVersion: 12 },
  txnOffsetCommit: { minVersion: 5, maxVersion: 5 },
  endTxn: { minVersion: 5 },
};

export const TXN_V1_VERSIONS: TxnProtocolVersions = {
  produce: { minVersion: MIN_PRODUCE_VERSION, maxVersion: 11 },
  txnOffsetCommit: { maxVersion: 4 },
  // Java caps EndTxn at v4 here; kt's client keeps EndTxn v5 where the broker offers it, so even on
  // the older protocol each transaction ends with a bumped epoch (KIP-890's fence against a delayed
  // EndTxn or produce). Kafka's coordinator takes the transaction version from EndTxn's version.
  endTxn: {},
};

export class TransactionVersionTracker {
  /** Whether transaction version 2 is in use for transactions begun from now on. */
  enabled = false;
  private seenEpoch = -1;

  /** `maxVersion` below 2 keeps the producer on the older protocol whatever the cluster runs. */
  constructor(
    private readonly cluster: Cluster,
    private readonly maxVersion: number,
  ) {}

  /**
   * Re-read the finalized level if a newer view of the features arrived. True when this turned
   * version 2 on after initialization: Java then bumps the epoch before the next transaction, so no
   * partition of an older-protocol transaction counts as added to a version 2 one.
   */
  update(onInitialization: boolean): boolean {
    const features = this.cluster.finalizedFeatures;
    if (features.epoch <= this.seenEpoch) return false;
    this.seenEpoch = features.epoch;
    const was = this.enabled;
    this.enabled = this.maxVersion >= 2 && (features.levels.get(TRANSACTION_VERSION_FEATURE) ?? 0) >= 2;
    return !onInitialization && !was && this.enabled;
  }
}
