/**
 * The broker's side of its membership in the cluster, as Kafka's BrokerLifecycleManager: register
 * with the active controller, heartbeat, get unfenced, and shut down in a controlled way.
 *
 *   NOT_RUNNING → STARTING: BrokerRegistration with a fresh incarnation id (one per process), retried
 *     until the controller accepts it (DUPLICATE_BROKER_REGISTRATION while a previous process's
 *     session lives, an unreachable controller, ...). The reply's broker epoch identifies this
 *     registration from then on.
 *   STARTING → RUNNING: heartbeats report the metadata offset this broker has applied; once it has
 *     caught up with its own registration record it asks to be unfenced (wantFence false), and the
 *     first reply saying it is unfenced completes start(). While fenced it heartbeats quickly (at most
 *     every 100 ms) so a starting broker is not held back by the heartbeat interval.
 *   RUNNING: a heartbeat every broker.heartbeat.interval.ms keeps the session; a reply saying it was
 *     fenced (a missed session) is answered by asking again to be unfenced. STALE_BROKER_EPOCH means
 *     the controller no longer knows this registration: register again.
 *   → PENDING_CONTROLLED_SHUTDOWN (SIGTERM): heartbeats carry wantShutDown; the controller moves
 *     leadership away and answers shouldShutDown once the broker leads nothing →
 *     SHUTTING_DOWN. controlledShutdown() resolves then, or after its timeout.
 */
import type { Logger } from '../../logger.js';
import { randomUuid } from '../../metadata/meta-properties.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ControllerChannel } from './controller-channel.js';

export type BrokerLifecycleState = 'NOT_RUNNING' | 'STARTING' | 'RUNNING' | 'PENDING_CONTROLLED_SHUTDOWN' | 'SHUTTING_DOWN';

export interface BrokerLifecycleOptions {
  nodeId: number;
  clusterId: string;
  /** The broker's advertised listeners (securityProtocol as Kafka's id: 0 PLAINTEXT, ...). */
  listeners: { name: string; host: string; port: number; securityProtocol: number }[];
  features: { name: string; minSupportedVersion: number; maxSupportedVersion: number }[];
  rack: string | null;
  /** broker.heartbeat.interval.ms */
  heartbeatIntervalMs: number;
  channel: ControllerChannel;
  /** The offset of the last metadata record this broker has applied to its image. */
  metadataOffset(): number;
  logger: Logger;
  /** Wait before retrying a failed registration or heartbeat (default 100 ms). */
  retryBackoffMs?: number;
}

const FENCED_POLL_MS = 100;

export class BrokerLifecycleManager {
  /** This process's registration: a restarted broker is a new incarnation. */
  readonly incarnationId = randomUuid();
  private stateValue: BrokerLifecycleState = 'NOT_RUNNING';
  private epoch = -1;
  private fenced = true;
  private timer?: NodeJS.Timeout;
  private closed = false;
  private inFlight?: Promise<void>;
  private unfenced?: { resolve(): void; reject(err: Error): void };
  private shutdownGranted?: () => void;

  constructor(private readonly options: BrokerLifecycleOptions) {}

  get state(): BrokerLifecycleState {
    return this.stateValue;
  }

  /** The epoch of this broker's current registration; -1 before it is registered. */
  get brokerEpoch(): number {
    return this.epoch;
  }

  get isFenced(): boolean {
    return this.fenced;
  }

  /** Register and heartbeat until the controller unfences this broker. */
  start(): Promise<void> {
    if (this.stateValue !== 'NOT_RUNNING') throw new Error('broker lifecycle already started');
    this.stateValue = 'STARTING';
    const done = new Promise<void>((resolve, reject) => (this.unfenced = { resolve, reject }));
    this.schedule(0);
    return done;
  }

  /**
   * Ask the controller for a controlled shutdown and wait until it says this broker may stop (true)
   * or `timeoutMs` passes (false). A broker that never registered stops at once.
   */
  async controlledShutdown(timeoutMs: number): Promise<boolean> {
    if (this.closed || this.stateValue === 'NOT_RUNNING' || this.epoch < 0) return true;
    if (this.stateValue === 'SHUTTING_DOWN') return true;
    this.stateValue = 'PENDING_CONTROLLED_SHUTDOWN';
    this.options.logger.info(`[BrokerLifecycleManager id=${this.options.nodeId}] beginning controlled shutdown`);
    let timeout: NodeJS.Timeout | undefined;
    const granted = new Promise<boolean>((resolve) => {
      this.shutdownGranted = () => resolve(true);
      timeout = setTimeout(() => resolve(false), timeoutMs);
    });
    await this.inFlight;
    this.schedule(0);
    const ok = await granted;
    clearTimeout(timeout);
    if (!ok) this.options.logger.warn(`[BrokerLifecycleManager id=${this.options.nodeId}] controlled shutdown not granted within ${timeoutMs} ms; stopping anyway`);
    return ok;
  }

  /** Stop communicating with the controller. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.unfenced?.reject(new Error('broker lifecycle closed before the broker was unfenced'));
    this.unfenced = undefined;
    this.shutdownGranted?.();
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.stateValue === 'SHUTTING_DOWN') return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.inFlight = this.communicate().catch((err) => {
        this.options.logger.warn(`[BrokerLifecycleManager id=${this.options.nodeId}] controller request failed: ${err instanceof Error ? err.message : err}`);
        this.schedule(this.options.retryBackoffMs ?? 100);
      });
    }, delayMs);
    // A running broker's heartbeats must not keep a process alive that is otherwise done.
    if (this.stateValue === 'RUNNING') this.timer.unref();
  }

  private async communicate(): Promise<void> {
    if (this.closed) return;
    if (this.epoch < 0) return this.register();
    return this.heartbeat();
  }

  private async register(): Promise<void> {
    const o = this.options;
    const res = await o.channel.send(62, {
      brokerId: o.nodeId,
      clusterId: o.clusterId,
      incarnationId: this.incarnationId,
      listeners: o.listeners,
      features: o.features,
      rack: o.rack,
      isMigratingZkBroker: false,
      logDirs: [],
      previousBrokerEpoch: -1,
    });
    if (this.closed) return;
    if (res.errorCode !== ErrorCode.NONE) {
      o.logger.info(`[BrokerLifecycleManager id=${o.nodeId}] registration refused (error ${res.errorCode}); retrying`);
      return this.schedule(o.retryBackoffMs ?? 100);
    }
    this.epoch = res.brokerEpoch;
    this.fenced = true;
    o.logger.info(`[BrokerLifecycleManager id=${o.nodeId}] registered with broker epoch ${this.epoch} (incarnation ${this.incarnationId})`);
    this.schedule(0);
  }

  private async heartbeat(): Promise<void> {
    const o = this.options;
    const offset = o.metadataOffset();
    const shuttingDown = this.stateValue === 'PENDING_CONTROLLED_SHUTDOWN';
    const res = await o.channel.send(63, {
      brokerId: o.nodeId,
      brokerEpoch: this.epoch,
      currentMetadataOffset: offset,
      // Stay fenced until this broker's image holds its own registration.
      wantFence: !shuttingDown && offset < this.epoch,
      wantShutDown: shuttingDown,
    });
    if (this.closed) return;
    if (res.errorCode === ErrorCode.STALE_BROKER_EPOCH) {
      o.logger.warn(`[BrokerLifecycleManager id=${o.nodeId}] the controller no longer knows broker epoch ${this.epoch}; registering again`);
      this.epoch = -1;
      return this.schedule(0);
    }
    if (res.errorCode !== ErrorCode.NONE) return this.schedule(o.retryBackoffMs ?? 100);
    const wasFenced = this.fenced;
    this.fenced = res.isFenced;
    if (res.shouldShutDown && this.stateValue === 'PENDING_CONTROLLED_SHUTDOWN') {
      this.stateValue = 'SHUTTING_DOWN';
      o.logger.info(`[BrokerLifecycleManager id=${o.nodeId}] the controller has granted the controlled shutdown`);
      this.shutdownGranted?.();
      return;
    }
    if (!res.isFenced && this.stateValue === 'STARTING') {
      this.stateValue = 'RUNNING';
      o.logger.info(`[BrokerLifecycleManager id=${o.nodeId}] unfenced by the controller; running`);
      this.unfenced?.resolve();
      this.unfenced = undefined;
    } else if (res.isFenced && !wasFenced) {
      o.logger.warn(`[BrokerLifecycleManager id=${o.nodeId}] fenced by the controller; asking to be unfenced`);
    }
    const quick = this.fenced || this.stateValue === 'PENDING_CONTROLLED_SHUTDOWN';
    this.schedule(quick ? Math.min(FENCED_POLL_MS, o.heartbeatIntervalMs) : o.heartbeatIntervalMs);
  }
}
