/**
 * Gets a transaction's COMMIT or ABORT markers into every partition of the transaction (the retry
 * side of Kafka's TransactionMarkerChannelManager): partitions whose marker could not be written yet
 * (leader moving, log busy) are tried again after a backoff until all are done, or until the
 * transaction is no longer this coordinator's to finish. A partition of a deleted topic
 * (UNKNOWN_TOPIC_OR_PARTITION) needs no marker.
 */
import type { Logger } from '../../logger.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { CoordinatorTimer } from '../group/timer.js';
import type { TxnMarker, TxnMarkerChannel } from './marker-channel.js';

const RETRY_BACKOFF_MS = 100;

export class MarkerSender {
  constructor(
    private readonly channel: TxnMarkerChannel,
    private readonly timer: CoordinatorTimer,
    private readonly log: Logger,
  ) {}

  /** true once every partition has its marker; false if `stillCurrent` turned false first. */
  async send(key: string, marker: TxnMarker, stillCurrent: () => boolean): Promise<boolean> {
    let pending = marker.partitions;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (!stillCurrent()) return false;
      if (attempt > 0) await this.backoff(key);
      if (!stillCurrent()) return false;
      try {
        const results = await this.channel.write({ ...marker, partitions: pending });
        const retry = results.filter((r) => r.errorCode !== ErrorCode.NONE && r.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        if (retry.length > 0 && attempt % 50 === 0) {
          this.log.warn(`${key}: ${retry.length} ${marker.commit ? 'COMMIT' : 'ABORT'} marker(s) not written yet (first: ${retry[0].topic}-${retry[0].partition} error ${retry[0].errorCode}); retrying`);
        }
        pending = retry.map((r) => ({ topic: r.topic, partition: r.partition }));
      } catch (err) {
        if (attempt % 50 === 0) this.log.warn(`${key}: writing markers failed (${err instanceof Error ? err.message : String(err)}); retrying`);
      }
    }
    return true;
  }

  backoff(key: string): Promise<void> {
    return new Promise((resolve) => this.timer.schedule(`markers:${key}`, RETRY_BACKOFF_MS, resolve));
  }

  cancel(key: string): void {
    this.timer.cancel(`markers:${key}`);
  }
}
