/**
 * A node's channel to the active controller (Kafka's NodeToControllerChannelManager): requests go
 * over the CONTROLLER listener to the node the Raft client knows as leader; a NOT_CONTROLLER
 * answer, a closed connection or no known leader waits for the next leader and tries again until
 * the deadline, so an election in between is invisible to the caller except as latency.
 */
import { BrokerConnection } from '../../client/broker-connection.js';
import { withTimeout } from '../../client/timing.js';
import type { Logger } from '../../logger.js';
import type { Message } from '../../protocol/codec.js';
import { ErrorCode, KafkaError } from '../../protocol/errors.js';
import type { VoterEndpoint } from './quorum-config.js';

/** How long a forwarded operation may take, elections included. */
export const CONTROLLER_REQUEST_DEADLINE_MS = 30_000;
/** The pause before asking again when no controller is known or the known one declined. */
const RETRY_MS = 50;

export class ControllerChannel {
  private readonly connections = new Map<number, Promise<BrokerConnection>>();
  private closed = false;

  constructor(
    private readonly voters: ReadonlyMap<number, VoterEndpoint>,
    /** The leader the local Raft client knows, or -1. */
    private readonly leaderId: () => number,
    private readonly requestTimeoutMs: number,
    private readonly log: Logger,
  ) {}

  /** Send a request to the active controller and return its response. */
  async send(apiKey: number, version: number, body: Message, deadlineMs = CONTROLLER_REQUEST_DEADLINE_MS): Promise<Message> {
    const deadline = Date.now() + deadlineMs;
    let lastProblem = 'no controller is known';
    while (!this.closed && Date.now() < deadline) {
      const leader = this.leaderId();
      if (leader >= 0) {
        try {
          const conn = await this.connection(leader);
          const response = await withTimeout(conn.send(apiKey as 1, version, body as never) as Promise<Message>, this.requestTimeoutMs, `no answer within ${this.requestTimeoutMs} ms`);
          if (!answersNotController(apiKey, response)) return response;
          lastProblem = `node ${leader} is not the active controller`;
        } catch (err) {
          lastProblem = `node ${leader}: ${(err as Error).message}`;
          this.drop(leader);
        }
      }
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
    this.log.warn(`gave up a request (api key ${apiKey}) to the controller: ${lastProblem}`);
    throw new KafkaError(ErrorCode.REQUEST_TIMED_OUT, `No active controller answered in time (${lastProblem})`);
  }

  private connection(id: number): Promise<BrokerConnection> {
    let conn = this.connections.get(id);
    if (!conn) {
      const voter = this.voters.get(id);
      if (!voter) return Promise.reject(new Error(`node ${id} is not a controller`));
      conn = BrokerConnection.open(voter.host, voter.port, { clientId: 'controller-channel', timeoutMs: this.requestTimeoutMs });
      this.connections.set(id, conn);
      conn.catch(() => this.connections.delete(id));
    }
    return conn;
  }

  private drop(id: number): void {
    const conn = this.connections.get(id);
    this.connections.delete(id);
    void conn?.then((c) => c.close(), () => undefined);
  }

  close(): void {
    this.closed = true;
    for (const id of [...this.connections.keys()]) this.drop(id);
  }
}

/**
 * NOT_CONTROLLER at the top or on any entry of the response's result list; for DescribeQuorum
 * (key 55), NOT_LEADER_OR_FOLLOWER on a partition: the node asked is no longer the quorum's leader.
 */
function answersNotController(apiKey: number, response: Message): boolean {
  if (response.errorCode === ErrorCode.NOT_CONTROLLER) return true;
  if (apiKey === 55) {
    const topics = (response.topics ?? []) as Message[];
    if (topics.some((t) => ((t.partitions ?? []) as Message[]).some((p) => p.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER))) return true;
  }
  for (const key of ['topics', 'responses', 'results']) {
    const list = response[key];
    if (Array.isArray(list) && list.some((e: Message) => e?.errorCode === ErrorCode.NOT_CONTROLLER)) return true;
  }
  return false;
}
