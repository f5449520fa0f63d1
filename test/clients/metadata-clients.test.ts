/**
 * Real clients no one here wrote, against a real kt server: they connect, negotiate versions and
 * read cluster metadata.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startKt, type RunningKt } from '../helpers/kt.js';
import { python, run } from '../helpers/processes.js';

describe('real clients read cluster metadata', () => {
  let kt: RunningKt;
  beforeAll(async () => {
    kt = await startKt();
  });
  afterAll(() => kt.stop());

  it('kcat -L lists the broker and the cluster', async () => {
    const res = await run('kcat', ['-L', '-b', kt.bootstrap, '-m', '10']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Metadata for all topics (from broker 1: 127.0.0.1:${kt.port}/1)`);
    expect(res.stdout).toContain(`broker 1 at 127.0.0.1:${kt.port} (controller)`);
    const json = await run('kcat', ['-L', '-J', '-b', kt.bootstrap, '-m', '10']);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.brokers).toEqual([{ id: 1, name: `127.0.0.1:${kt.port}` }]);
    expect(parsed.controllerid).toBe(1);
  });

  it('kafkajs admin.describeCluster() works', async () => {
    const kafka = new Kafka({ clientId: 'kt-test', brokers: [kt.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.clusterId).toBe(kt.server.clusterId);
      expect(cluster.controller).toBe(1);
      expect(cluster.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: kt.port }]);
    } finally {
      await admin.disconnect();
    }
  });

  it("kafka-python's KafkaAdminClient connects, negotiates versions and describes the cluster", async () => {
    const res = await python(`
import json
from kafka.admin import KafkaAdminClient
admin = KafkaAdminClient(bootstrap_servers='${kt.bootstrap}', request_timeout_ms=10000)
info = admin.describe_cluster()
print(json.dumps({'cluster': info['cluster_id'], 'controller': info['controller_id'],
                  'brokers': info['brokers'], 'version': list(admin.config['api_version'])}))
admin.close()
`);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout.trim().split('\n').pop()!);
    expect(out.cluster).toBe(kt.server.clusterId);
    expect(out.controller).toBe(1);
    expect(out.brokers).toEqual([{ node_id: 1, host: '127.0.0.1', port: kt.port, rack: null }]);
    expect(out.version.length).toBeGreaterThan(0);
  });

  it('confluent-kafka (librdkafka) AdminClient lists the cluster', async () => {
    const res = await python(`
import json
from confluent_kafka.admin import AdminClient
admin = AdminClient({'bootstrap.servers': '${kt.bootstrap}'})
md = admin.list_topics(timeout=10)
print(json.dumps({'cluster': md.cluster_id, 'controller': md.controller_id, 'brokers': sorted(md.brokers.keys())}))
`);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout.trim());
    expect(out).toEqual({ cluster: kt.server.clusterId, controller: 1, brokers: [1] });
  });
});
