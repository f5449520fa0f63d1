/**
 * When a local cluster is ready for clients: every node has reported it started, and every node's
 * Metadata lists every node as a broker (each registered with the active controller, and each has
 * replayed the others' registrations). A node reports started before its registration reaches the
 * image of every node, so `kt server-start --nodes N` waits for this before printing the bootstrap
 * string a script would use.
 */
import { BrokerConnection } from '../client/broker-connection.js';
import { metadataRequest, parseMetadata } from '../client/metadata.js';

export interface NodeAddress {
  nodeId: number;
  host: string;
  port: number;
}

const METADATA = 3;

/** The broker ids `node` lists in its Metadata, sorted; undefined when it does not answer within `timeoutMs`. */
export async function brokersListedBy(node: NodeAddress, timeoutMs = 2000): Promise<number[] | undefined> {
  let conn: BrokerConnection | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  const ask = (async () => {
    conn = await BrokerConnection.open(node.host, node.port, { clientId: 'kt-local-cluster', timeoutMs });
    await conn.negotiate();
    const version = conn.versionFor(METADATA, 12);
    if (version === undefined) return undefined;
    const md = parseMetadata(await conn.send(METADATA, version, metadataRequest(version, [], false)));
    return md.brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  })().catch(() => undefined);
  try {
    return await Promise.race([ask, timeout]);
  } finally {
    clearTimeout(timer);
    conn?.close();
  }
}

export interface Formation {
  formed: boolean;
  /** What each node listed last (undefined: no answer). */
  listed: Map<number, number[] | undefined>;
}

/** Wait until every node lists exactly `nodes`' ids as brokers, or `timeoutMs` passes. */
export async function waitForFormation(nodes: readonly NodeAddress[], timeoutMs: number): Promise<Formation> {
  const want = nodes.map((n) => n.nodeId).sort((a, b) => a - b).join(',');
  const deadline = Date.now() + timeoutMs;
  const listed = new Map<number, number[] | undefined>();
  for (;;) {
    const answers = await Promise.all(nodes.map((n) => brokersListedBy(n)));
    nodes.forEach((n, i) => listed.set(n.nodeId, answers[i]));
    if (answers.every((a) => a?.join(',') === want)) return { formed: true, listed };
    if (Date.now() >= deadline) return { formed: false, listed };
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** "node 1 lists brokers 1, 2; node 2 does not answer", for a warning. */
export function describeFormation(f: Formation): string {
  return [...f.listed].map(([id, ids]) => (ids ? `node ${id} lists broker${ids.length === 1 ? '' : 's'} ${ids.join(', ') || 'none'}` : `node ${id} does not answer`)).join('; ');
}
