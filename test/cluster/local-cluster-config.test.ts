/** The local cluster's generated configuration and layout file, without starting anything. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProperties } from '../../src/engine/config/properties.js';
import {
  bootstrapServers,
  freePorts,
  LOCAL_CLUSTER_TIMEOUTS,
  nodeProperties,
  perNodeKeyRefusal,
  propertiesText,
  quorumVoters,
  readLayout,
  writeLayout,
} from '../../src/engine/cluster/local-cluster-config.js';
import { randomUuid } from '../../src/engine/metadata/meta-properties.js';

const base = mkdtempSync(join(tmpdir(), 'kt-cluster-config-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const nodes = [1, 2, 3].map((nodeId) => ({ nodeId, host: '127.0.0.1', port: 19090 + 2 * nodeId, controllerPort: 19091 + 2 * nodeId }));

describe('local cluster configuration', () => {
  it('finds distinct free ports', async () => {
    const ports = await freePorts('127.0.0.1', 6);
    expect(new Set(ports).size).toBe(6);
    for (const p of ports) expect(p).toBeGreaterThan(0);
  });

  it('lists every node as a voter and as a bootstrap server', () => {
    expect(quorumVoters(nodes)).toBe('1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097');
    expect(bootstrapServers(nodes)).toBe('127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096');
  });

  it("gives each node its identity, the user's settings and the fast timeouts (which settings may override)", () => {
    const settings = new Map([['num.partitions', '6'], ['broker.session.timeout.ms', '4000']]);
    const props = nodeProperties(base, nodes[1]!, nodes, settings, true);
    expect(Object.fromEntries(props)).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '2',
      listeners: 'PLAINTEXT://127.0.0.1:19094,CONTROLLER://127.0.0.1:19095',
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'controller.quorum.voters': quorumVoters(nodes),
      'log.dirs': join(base, 'node-2', 'data'),
      'num.partitions': '6',
      'broker.session.timeout.ms': '4000',
      'controller.quorum.fetch.timeout.ms': LOCAL_CLUSTER_TIMEOUTS['controller.quorum.fetch.timeout.ms'],
    });
    expect(nodeProperties(base, nodes[0]!, nodes, new Map(), false).has('controller.quorum.fetch.timeout.ms')).toBe(false);
    // Round trip through the properties file the node is started with.
    expect(parseProperties(propertiesText(props, 'heading'))).toEqual(props);
  });

  it('keeps the fetch timeout above the 500 ms a leader holds an idle fetch', () => {
    expect(Number(LOCAL_CLUSTER_TIMEOUTS['controller.quorum.fetch.timeout.ms'])).toBeGreaterThan(500);
  });

  it('refuses settings the cluster sets per node', () => {
    expect(perNodeKeyRefusal(new Map([['num.partitions', '3']]))).toBeUndefined();
    expect(perNodeKeyRefusal(new Map([['node.id', '4'], ['controller.quorum.voters', 'x']]))).toBe(
      'a local cluster sets node.id, controller.quorum.voters for each node itself; remove them from the config and overrides',
    );
  });

  it('writes and reads back the layout a restart with the same --dir uses', () => {
    const dir = join(base, 'layout');
    expect(readLayout(base)).toBeUndefined();
    const layout = { clusterId: randomUuid(), nodes };
    mkdirSync(dir);
    writeLayout(dir, layout);
    expect(readLayout(dir)).toEqual(layout);
  });
});
