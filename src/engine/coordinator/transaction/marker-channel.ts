/**
 * How the transaction coordinator ends a transaction on its partitions: a COMMIT or ABORT marker
 * written to each. The broker's own replica manager writes those of partitions it leads
 * (broker/txn-marker-writer.ts); marker-router.ts sends the others to their leaders as WriteTxnMarkers,
 * behind the same interface.
 */
export interface TxnMarker {
  producerId: number;
  /** The epoch the markers carry (with KIP-890 part 2, the epoch bumped by EndTxn). */
  producerEpoch: number;
  /** The coordinator epoch of the __transaction_state partition (its leader epoch), fencing old coordinators. */
  coordinatorEpoch: number;
  commit: boolean;
  partitions: { topic: string; partition: number }[];
  /**
   * The transaction's version (KIP-890): 2 when EndTxn v5 bumped the epoch for these markers, so each
   * partition's log requires the marker's epoch to be newer than the producer's data (a strictly
   * greater check); 0/1 or absent (WriteTxnMarkers over the wire, v0/v1) keep the older rule.
   */
  transactionVersion?: number;
}

export interface MarkerPartitionResult {
  topic: string;
  partition: number;
  /** NONE once the marker is in the partition's log; UNKNOWN_TOPIC_OR_PARTITION for a deleted topic. */
  errorCode: number;
}

export interface TxnMarkerChannel {
  write(marker: TxnMarker): Promise<MarkerPartitionResult[]>;
}
