/**
 * The broker's producer ids (Kafka's RPCProducerIdManager): it holds a block of ids from the
 * controller and hands them out one by one. Once 90% of a block is used it asks for the next one in
 * the background, so a busy broker rarely waits; when a block runs out before the next arrives, the
 * caller waits for it. The controller records every block in the metadata log, so ids never repeat.
 */
import { ErrorCode } from '../../protocol/errors.js';

export interface ProducerIdBlockSource {
  allocateProducerIds(brokerId: number, brokerEpoch: number): Promise<{ errorCode: number; producerIdStart: number; producerIdLen: number }>;
}

/** Kafka's PID_PREFETCH_THRESHOLD. */
const PREFETCH_THRESHOLD = 0.9;

export class ProducerIdUnavailableError extends Error {
  readonly errorCode = ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
}

interface Block {
  next: number;
  end: number;
  prefetchAt: number;
}

export class ProducerIdManager {
  private current?: Block;
  private prefetched?: Block;
  private fetching?: Promise<Block>;

  constructor(
    private readonly source: ProducerIdBlockSource,
    private readonly brokerId: number,
    private readonly brokerEpoch: () => number = () => -1,
  ) {}

  /** Ask for the first block now, so the first InitProducerId does not wait for it. */
  warmUp(): Promise<void> {
    return this.fetch().then(
      () => undefined,
      () => undefined,
    );
  }

  /** The next producer id: never handed out before, by this broker or any other, in any run. */
  async generate(): Promise<number> {
    for (;;) {
      const block = this.current;
      if (block && block.next < block.end) {
        const id = block.next++;
        if (block.next >= block.prefetchAt && !this.prefetched) void this.fetch().catch(() => undefined);
        return id;
      }
      if (this.prefetched) {
        this.current = this.prefetched;
        this.prefetched = undefined;
        continue;
      }
      await this.fetch();
    }
  }

  private fetch(): Promise<Block> {
    this.fetching ??= (async () => {
      try {
        const r = await this.source.allocateProducerIds(this.brokerId, this.brokerEpoch());
        if (r.errorCode !== ErrorCode.NONE) throw new ProducerIdUnavailableError(`producer id block not allocated (error ${r.errorCode})`);
        const block: Block = { next: r.producerIdStart, end: r.producerIdStart + r.producerIdLen, prefetchAt: r.producerIdStart + Math.floor(r.producerIdLen * PREFETCH_THRESHOLD) };
        if (!this.current || this.current.next >= this.current.end) this.current = block;
        else this.prefetched = block;
        return block;
      } finally {
        this.fetching = undefined;
      }
    })();
    return this.fetching;
  }
}
