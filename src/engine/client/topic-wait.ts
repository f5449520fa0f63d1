/**
 * Waiting for usable topic metadata: every requested topic known and every partition led. Right
 * after CreateTopics (or auto-creation) brokers answer LEADER_NOT_AVAILABLE or
 * UNKNOWN_TOPIC_OR_PARTITION for a while, so those are retried with backoff until the deadline.
 */
import { ErrorCode } from '../protocol/errors.js';
import type { Cluster } from './cluster.js';
import { TimeoutError, isRetriable, isRetriableError, kafkaError } from './errors.js';
import type { TopicMetadata } from './metadata.js';
import { backoffMs, sleep } from './timing.js';

export interface TopicWaitOptions {
  timeoutMs: number;
  /** Ask brokers to auto-create missing topics (producers do, when the broker allows it). */
  allowAutoTopicCreation?: boolean;
  /** How long UNKNOWN_TOPIC_OR_PARTITION counts as "not propagated yet" rather than "no such topic". */
  unknownTopicGraceMs?: number;
}

export async function awaitTopics(cluster: Cluster, topics: readonly string[], options: TopicWaitOptions): Promise<Map<string, TopicMetadata>> {
  const start = Date.now();
  const deadline = start + options.timeoutMs;
  const graceUntil = start + (options.unknownTopicGraceMs ?? options.timeoutMs);
  let attempt = 0;
  for (;;) {
    let problem: Error | undefined;
    let snapshot;
    try {
      snapshot = await cluster.refreshMetadata(topics, options.allowAutoTopicCreation ?? false);
    } catch (err) {
      if (!isRetriableError(err)) throw err;
      problem = err as Error;
    }
    if (snapshot) {
      const found = new Map<string, TopicMetadata>();
      for (const name of topics) {
        const t = snapshot.topics.find((x) => x.name === name);
        const code = t ? t.errorCode : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && Date.now() >= graceUntil) {
          throw kafkaError(code, `Topic ${name} not present in metadata after ${Date.now() - start} ms.`);
        }
        if (code !== 0 && !isRetriable(code)) throw kafkaError(code, null, `Topic ${name}`);
        if (code !== 0) problem = kafkaError(code, null, `Topic ${name}`);
        else if (t!.partitions.length === 0 || t!.partitions.some((p) => p.leader < 0)) {
          problem = kafkaError(ErrorCode.LEADER_NOT_AVAILABLE, null, `Topic ${name}`);
        } else found.set(name, t!);
      }
      if (!problem) return found;
    }
    problem ??= new TimeoutError('metadata not available');
    const wait = backoffMs(attempt++, 50, 500);
    if (Date.now() + wait >= deadline) {
      throw problem instanceof TimeoutError ? problem : new TimeoutError(`${problem.message} (gave up after ${options.timeoutMs} ms)`);
    }
    await sleep(wait);
  }
}
