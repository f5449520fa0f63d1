/**
 * Controller failover, timed as a client sees it: kill -9 of the active controller of a 3-node
 * combined cluster, to the first CreateTopics through a surviving node that succeeds (the new
 * active controller committed it: the old one is dead, and a fresh topic name each attempt means an
 * earlier attempt cannot be the one answering). The clock starts just before the SIGKILL is sent.
 *
 * The survivor forwards the CreateTopics to whichever node its Raft client knows as leader, retrying
 * through the election (ControllerChannel), so one request normally spans the whole failover; it is
 * re-sent only if it fails. Between kills the killed node is restarted and the quorum left to settle
 * (one leader, every voter caught up), so each kill starts from a whole cluster.
 */
import { type BrokerConnection } from '../engine/client/broker-connection.js';
import { connectTo, createTopicOn, settledController, startGuardedCluster } from './cluster-nodes.js';

/** Give up on one failover after this long: the figure is then reported as not measured. */
const FAILOVER_CAP_MS = 30_000;

export interface FailoverKill {
  killed: number;
  next: number;
  ms: number;
}

export interface FailoverFigures {
  kills: FailoverKill[];
}

/** `kills` failovers of one 3-node cluster, `fastTimeouts` choosing LOCAL_CLUSTER_TIMEOUTS over Kafka's defaults. */
export async function measureFailovers(kills: number, fastTimeouts: boolean, progress: (s: string) => void): Promise<FailoverFigures> {
  const { cluster, stop } = await startGuardedCluster(3, fastTimeouts);
  const out: FailoverKill[] = [];
  try {
    for (let k = 0; k < kills; k++) {
      const before = await settledController(cluster, { timeoutMs: 60_000 });
      const active = cluster.node(before.leaderId);
      const survivor = cluster.nodes.find((n) => n.running && n.nodeId !== active.nodeId)!;
      const tag = `failover-${fastTimeouts ? 'fast' : 'default'}-${k}`;
      // A connection opened (and a topic created through it) before the kill, so the clock measures
      // the failover, not a TCP handshake or the first forwarded request.
      let conn: BrokerConnection = await connectTo(survivor);
      try {
        const warm = await createTopicOn(conn, `${tag}-before`, 10_000);
        if (warm !== 0) throw new Error(`CreateTopics before the kill answered error ${warm}`);
        const t0 = performance.now();
        const killed = active.kill('SIGKILL');
        let attempt = 0;
        let code = -1;
        let last = '';
        while (code !== 0) {
          const left = FAILOVER_CAP_MS - (performance.now() - t0);
          if (left <= 0) throw new Error(`no CreateTopics through node ${survivor.nodeId} succeeded within ${FAILOVER_CAP_MS} ms of the kill (last: ${last})`);
          try {
            code = await createTopicOn(conn, `${tag}-after-${attempt++}`, Math.max(1000, Math.round(left)));
            last = `error code ${code}`;
          } catch (err) {
            last = (err as Error).message;
            conn.close();
            await new Promise((r) => setTimeout(r, 20));
            conn = await connectTo(survivor).catch(() => conn);
          }
        }
        const ms = performance.now() - t0;
        await killed;
        const after = await settledController(cluster, { not: active.nodeId, timeoutMs: 60_000 });
        out.push({ killed: active.nodeId, next: after.leaderId, ms });
        progress(`kill ${k + 1}/${kills}: node ${active.nodeId} killed, node ${after.leaderId} committed a write after ${Math.round(ms)} ms`);
      } finally {
        conn.close();
      }
      await active.start();
    }
    return { kills: out };
  } finally {
    await stop();
  }
}
