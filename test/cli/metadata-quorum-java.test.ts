/**
 * Apache Kafka's own kafka-metadata-quorum tool (org.apache.kafka.tools.MetadataQuorumCommand from
 * the kafka-tools jar on Maven Central, fetched by test/java-tools) against kt, next to kt's
 * `kt metadata-quorum` (run `npm run build` first): both print the same status lines and the same
 * replication table (timestamps aside), and both refuse --bootstrap-controller on a broker listener
 * the same way. Needs a JDK and Maven (scripts/test-deps.sh); never skips without them.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKt, type RunningKt } from '../helpers/kt.js';
import { requireTool, run } from '../helpers/processes.js';
import { kt } from './cli.js';

const PROJECT = fileURLToPath(new URL('../java-tools', import.meta.url));
const LIB = join(PROJECT, 'target/lib');

/** Copy kafka-tools and its dependencies to target/lib unless they are there (offline first, as ~/.m2 usually has them). */
async function buildJavaTools(): Promise<void> {
  if (existsSync(LIB) && readdirSync(LIB).some((f) => f.startsWith('kafka-tools-'))) return;
  const mvn = requireTool('/usr/bin/mvn', 'maven');
  const offline = await run(mvn, ['-q', '-B', '-o', '-f', join(PROJECT, 'pom.xml'), 'process-classes'], { timeoutMs: 300_000 });
  if (offline.code === 0) return;
  const online = await run(mvn, ['-q', '-B', '-f', join(PROJECT, 'pom.xml'), 'process-classes'], { timeoutMs: 600_000 });
  if (online.code !== 0) throw new Error(`building test/java-tools (kafka-tools from Maven Central) failed:\n${online.stdout}${online.stderr}`);
}

function kafkaMetadataQuorum(args: string[]) {
  const java = requireTool('/usr/bin/java', 'default-jdk-headless');
  return run(java, ['-cp', `${LIB}/*`, 'org.apache.kafka.tools.MetadataQuorumCommand', ...args], { timeoutMs: 60_000 });
}

/** The replication table's cells, timestamps blanked (they are taken per request). */
const replicationCells = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line, i) => line.split('\t').map((c, col) => (i > 0 && (col === 4 || col === 5) ? '<time>' : c.trimEnd())));

describe("Apache Kafka's kafka-metadata-quorum against kt", () => {
  let server: RunningKt;

  beforeAll(async () => {
    await buildJavaTools();
    server = await startKt({ 'node.id': '2' });
  }, 900_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('describe --status: the same lines from both tools', async () => {
    const args = ['--bootstrap-server', server.bootstrap, 'describe', '--status'];
    const java = await kafkaMetadataQuorum(args);
    expect(java.stderr).toBe('');
    expect(java.code).toBe(0);
    expect(java.stdout).toContain(`ClusterId:              ${server.server.clusterId}\nLeaderId:               2\n`);
    expect(java.stdout).toContain(`CurrentVoters:          [{"id": 2, "endpoints": ["PLAINTEXT://127.0.0.1:${server.port}"]}]\n`);
    const ours = await kt(['metadata-quorum', ...args]);
    expect(ours.code).toBe(0);
    expect(ours.stdout).toBe(java.stdout);
  });

  it('describe --replication: the same table from both tools', async () => {
    const args = ['--bootstrap-server', server.bootstrap, 'describe', '--replication'];
    const java = await kafkaMetadataQuorum(args);
    expect(java.code).toBe(0);
    const ours = await kt(['metadata-quorum', ...args]);
    expect(ours.code).toBe(0);
    expect(replicationCells(ours.stdout)).toEqual(replicationCells(java.stdout));
    expect(replicationCells(java.stdout)[1]).toEqual(['2', 'AAAAAAAAAAAAAAAAAAAAAA', expect.stringMatching(/^\d+$/), '0', '<time>', '<time>', 'Leader', '']);
    const human = await kafkaMetadataQuorum([...args, '--human-readable']);
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')[1]).toMatch(/\t\d+ ms ago\s*\t\d+ ms ago\s*\tLeader\t$/);
  });

  it('--bootstrap-controller on a broker listener: both refuse with MISMATCHED_ENDPOINT_TYPE', async () => {
    const args = ['--bootstrap-controller', server.bootstrap, 'describe', '--status'];
    const java = await kafkaMetadataQuorum(args);
    expect(java.code).toBe(1);
    const message = 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER';
    expect(java.stderr.split('\n')[0]).toContain(message);
    const ours = await kt(['metadata-quorum', ...args]);
    expect(ours).toMatchObject({ code: 1, stderr: `Error: ${message}\n` });
  });
});
