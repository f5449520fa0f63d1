/**
 * The Kafka quickstart, end to end, with kt in place of bin/kafka-*.sh: a real `kt server-start`
 * process, then topics --create/--describe, console-producer and console-consumer as a user types them.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempLogDir } from '../helpers/kt.js';
import { spawnKt, type KtProcess } from '../helpers/kt-process.js';
import { run } from '../helpers/processes.js';

const kt = (args: string[], input?: string) => run(process.execPath, ['bin/kt', ...args], { input, timeoutMs: 30_000 });

describe('the Kafka quickstart with kt', () => {
  let server: KtProcess;
  let dir: string;
  beforeAll(async () => {
    dir = tempLogDir();
    server = await spawnKt(dir);
  });
  afterAll(async () => {
    expect(await server.stop('SIGINT')).toBe(0);
    expect(server.output()).toContain('shut down completed');
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, describes, produces to and consumes from quickstart-events', async () => {
    const bs = ['--bootstrap-server', server.bootstrap];
    const created = await kt(['topics', '--create', '--topic', 'quickstart-events', ...bs]);
    expect(created.stderr).toBe('');
    expect(created.stdout.trim()).toBe('Created topic quickstart-events.');
    expect(created.code).toBe(0);

    const described = await kt(['topics', '--describe', '--topic', 'quickstart-events', ...bs]);
    expect(described.code, described.stderr).toBe(0);
    const [head, partition] = described.stdout.trim().split('\n');
    expect(head).toMatch(/^Topic: quickstart-events\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: /);
    expect(partition).toMatch(/^\tTopic: quickstart-events\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1/);

    const produced = await kt(['console-producer', '--topic', 'quickstart-events', ...bs], 'This is my first event\nThis is my second event\n');
    expect(produced.code, produced.stderr).toBe(0);
    expect(produced.stdout).not.toContain('>'); // the prompt only shows on a terminal

    const consumed = await kt(['console-consumer', '--topic', 'quickstart-events', '--from-beginning', '--max-messages', '2', ...bs]);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout).toBe('This is my first event\nThis is my second event\n');
    expect(consumed.stderr).toContain('Processed a total of 2 messages');
  });
});
