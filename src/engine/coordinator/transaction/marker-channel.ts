/**
 * How the transaction coordinator ends a transaction on its partitions: a COMMIT or ABORT marker
 * written to each. On one node the broker's own replica manager writes them (broker/txn-marker-writer.ts);
 * across brokers it becomes WriteTxnMarkers requests to each partition's leader, behind the same interface.
 */
export interface TxnMarker {
  producerId: number;
  /** The epoch the markers carry (with KIP-890 part 2, the epoch bumped by EndTxn). */
  producerEpoch: number;
  /** The coordinator epoch of the __transaction_state partition (its leader epoch), fencing old coordinators. */
  coordinatorEpoch: number;
  commit: boolean;
  partitions: { topic: string; partition: number }[];
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
