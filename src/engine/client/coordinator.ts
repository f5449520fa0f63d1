/**
 * Finding and talking to a group's coordinator. FindCoordinator names the broker that owns the
 * group (v4+ batches keys; older versions answer one key at the top level); a request to that
 * broker answering NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE or COORDINATOR_LOAD_IN_PROGRESS is
 * retried after looking the coordinator up again, as Kafka's clients do, until the deadline.
 */
import type { Message } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';
import type { Cluster, RequestOptions } from './cluster.js';
import { KafkaError, TimeoutError, isRetriableError, kafkaError } from './errors.js';
import { backoffMs, sleep } from './timing.js';

/** FindCoordinator key types: a consumer group's coordinator, or a transactional id's (key type 1). */
export const GROUP_KEY_TYPE = 0;
export const TRANSACTION_KEY_TYPE = 1;

/** Error codes that mean "ask FindCoordinator again", wherever a response carries them. */
export const COORDINATOR_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
]);

export class GroupCoordinators {
  private readonly known = new Map<string, number>();

  constructor(
    private readonly cluster: Cluster,
    private readonly keyType = GROUP_KEY_TYPE,
  ) {}

  private label(key: string): string {
    return this.keyType === TRANSACTION_KEY_TYPE ? `transactional id ${key}` : `group ${key}`;
  }

  /** The node id of `groupId`'s coordinator, asking FindCoordinator until one is available. */
  async lookup(groupId: string, deadline = Date.now() + this.cluster.requestTimeoutMs): Promise<number> {
    const cached = this.known.get(groupId);
    if (cached !== undefined) return cached;
    for (let attempt = 0; ; attempt++) {
      try {
        const nodeId = await this.findCoordinator(groupId);
        this.known.set(groupId, nodeId);
        return nodeId;
      } catch (err) {
        if (!isRetriableError(err) || Date.now() + backoffMs(attempt) >= deadline) throw err;
        await sleep(backoffMs(attempt));
      }
    }
  }

  forget(groupId: string): void {
    this.known.delete(groupId);
  }

  /**
   * Send a request to the group's coordinator. `errorOf` picks the coordinator-level error out of
   * the response (its place differs by API); a coordinator error triggers a new lookup and a retry.
   */
  async request(
    groupId: string,
    apiKey: number,
    body: Message | ((version: number) => Message),
    errorOf: (response: Message, version: number) => number,
    options: RequestOptions = {},
  ): Promise<{ response: Message; version: number }> {
    const deadline = Date.now() + (options.timeoutMs ?? this.cluster.requestTimeoutMs);
    for (let attempt = 0; ; attempt++) {
      let failure: unknown;
      try {
        const node = await this.lookup(groupId, deadline);
        const { response, version } = await this.cluster.request(node, apiKey, body, options);
        const code = errorOf(response, version);
        if (!COORDINATOR_ERRORS.has(code)) return { response, version };
        failure = kafkaError(code, null, capitalized(this.label(groupId)));
      } catch (err) {
        if (!isRetriableError(err)) throw err;
        failure = err;
      }
      this.forget(groupId);
      if (Date.now() + backoffMs(attempt) >= deadline) {
        throw failure instanceof KafkaError ? failure : new TimeoutError(`No coordinator answered for ${this.label(groupId)}: ${(failure as Error).message}`);
      }
      await sleep(backoffMs(attempt));
    }
  }

  private async findCoordinator(groupId: string): Promise<number> {
    const { response, version } = await this.cluster.request('any', 10, (v) =>
      v >= 4 ? { keyType: this.keyType, coordinatorKeys: [groupId] } : { key: groupId, keyType: this.keyType },
    );
    const answer: Message = version >= 4 ? (response.coordinators as Message[])[0] : response;
    if (answer.errorCode !== ErrorCode.NONE) throw kafkaError(answer.errorCode, answer.errorMessage, `FindCoordinator for ${this.label(groupId)}`);
    // The coordinator may be a broker this client has not seen in metadata yet.
    if (!this.cluster.brokers.has(answer.nodeId)) {
      this.cluster.brokers.set(answer.nodeId, { nodeId: answer.nodeId, host: answer.host, port: answer.port, rack: null });
    }
    return answer.nodeId;
  }
}

const capitalized = (s: string): string => s[0]!.toUpperCase() + s.slice(1);
