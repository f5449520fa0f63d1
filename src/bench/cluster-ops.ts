/**
 * Metadata operations per second: topic creations (one partition, replication factor 1, one topic a
 * CreateTopics request) from one client, kt's Admin, with several requests in flight. The Admin
 * sends each to "the controller" its Metadata names, which on a KRaft node is a random live broker
 * (as Kafka's brokers answer), so on a 3-node cluster most requests are forwarded to the active
 * controller, as they would be from a Kafka client. A creation counts once it is acknowledged
 * without an error: the controller committed its records (on a quorum, a majority of voters has
 * them) before it answers.
 *
 * Several targets are compared by running them side by side and timing them in alternating short
 * windows (interleavedRates), so a machine whose load changes during the run (other work on the
 * same cores) weighs on every target alike rather than on whichever ran at the busy moment.
 */
import { Admin } from '../engine/client/index.js';

export interface OpsFigures {
  perSecond: number;
  created: number;
  seconds: number;
}

const WARMUP_TOPICS = 20;

class TopicCreator {
  private readonly admin: Admin;
  private next = 0;
  created = 0;
  seconds = 0;

  constructor(
    bootstrap: string,
    private readonly tag: string,
    private readonly inFlight: number,
  ) {
    this.admin = new Admin({ bootstrap, clientId: `kt-bench-ops-${tag}` });
  }

  private async createOne(): Promise<void> {
    const name = `ops-${this.tag}-${this.next++}`;
    const [result] = await this.admin.createTopics([{ name, numPartitions: 1, replicationFactor: 1 }], { timeoutMs: 30_000 });
    if (result!.error) throw new Error(`creating ${name}: ${result!.error.message}`);
  }

  private workers(body: () => Promise<void>): Promise<unknown> {
    return Promise.all(Array.from({ length: this.inFlight }, body));
  }

  /** Connections to every node, the JIT, the controller's first appends. */
  async warmUp(): Promise<void> {
    await this.admin.connect();
    await this.workers(async () => {
      while (this.next < WARMUP_TOPICS) await this.createOne();
    });
  }

  /** Create for `ms`, `inFlight` at a time; counted into created/seconds. */
  async window(ms: number): Promise<void> {
    const t0 = performance.now();
    const end = t0 + ms;
    let created = 0;
    await this.workers(async () => {
      while (performance.now() < end) {
        await this.createOne();
        created++;
      }
    });
    this.created += created;
    this.seconds += (performance.now() - t0) / 1000;
  }

  figures(): OpsFigures {
    return { perSecond: this.created / this.seconds, created: this.created, seconds: this.seconds };
  }

  close(): void {
    this.admin.close();
  }
}

/**
 * Topic creations per second on each bootstrap in `targets`, `seconds` each in all, measured in
 * `rounds` windows taken in turn (target 1, 2, 3, 1, 2, 3, ...).
 */
export async function interleavedRates(targets: Record<string, string>, inFlight: number, seconds: number, rounds: number): Promise<Record<string, OpsFigures>> {
  const creators = Object.entries(targets).map(([tag, bootstrap]) => [tag, new TopicCreator(bootstrap, tag, inFlight)] as const);
  try {
    for (const [, c] of creators) await c.warmUp();
    const windowMs = (seconds * 1000) / rounds;
    for (let r = 0; r < rounds; r++) for (const [, c] of creators) await c.window(windowMs);
    return Object.fromEntries(creators.map(([tag, c]) => [tag, c.figures()]));
  } finally {
    for (const [, c] of creators) c.close();
  }
}
