/**
 * Members that disappear without leaving: a consumer SIGKILLed loses its partitions once its session
 * times out, and a static member (group.instance.id) that comes back within its session timeout gets
 * its partitions back with no rebalance for anyone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import type { ClassicGroup } from '../../src/engine/coordinator/group/classic-group.js';
import { startKt, waitFor, type RunningKt } from '../helpers/kt.js';
import { run } from '../helpers/processes.js';
import { spawnPython, type PythonProcess } from './python-process.js';
import { confluentMember } from './python-scripts.js';

describe('members that vanish', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;
  const procs: PythonProcess[] = [];
  beforeAll(async () => {
    kt = await startKt({ 'group.initial.rebalance.delay.ms': '100', 'offsets.topic.num.partitions': '5', 'group.min.session.timeout.ms': '2000' });
    conn = await kt.connect();
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill()));
    await kt.stop();
  });

  const createTopic = (name: string, partitions: number) =>
    conn.send(19, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });

  const member = (vars: { GROUP: string; TOPIC: string; NAME: string; INSTANCE?: string; SESSION_MS: number }) => {
    const p = spawnPython(confluentMember({ BOOTSTRAP: kt.bootstrap, STRATEGY: 'range', INSTANCE: null, ...vars }));
    procs.push(p);
    return p;
  };
  const lastAssignment = (p: PythonProcess) => [...p.events].reverse().find((e) => e.event === 'assigned')?.partitions as number[] | undefined;
  const group = (id: string) => kt.server.groupCoordinator.group(id) as ClassicGroup;

  it("a SIGKILLed consumer's partitions move to the survivor after its session timeout", async () => {
    await createTopic('kill', 4);
    const a = member({ GROUP: 'kill-group', TOPIC: 'kill', NAME: 'a', SESSION_MS: 3000 });
    const b = member({ GROUP: 'kill-group', TOPIC: 'kill', NAME: 'b', SESSION_MS: 3000 });
    await waitFor(() => lastAssignment(a)?.length === 2 && lastAssignment(b)?.length === 2, 'both members with two partitions', 30_000);
    const survivorEvents = b.events.length;
    const killedAt = Date.now();
    await a.kill('SIGKILL');
    await b.next((e) => e.event === 'assigned' && e.partitions.length === 4, 'the survivor to get all four partitions', 20_000, survivorEvents);
    const movedAfter = Date.now() - killedAt;
    // Not before the 3 s session timeout, and not long after it (a heartbeat and a rejoin).
    expect(movedAfter).toBeGreaterThanOrEqual(2500);
    expect(movedAfter).toBeLessThan(8000);
    expect(group('kill-group').size).toBe(1);
    // The survivor consumes from all partitions now.
    await run('kcat', ['-P', '-b', kt.bootstrap, '-t', 'kill', '-p', '3'], { input: 'after-kill\n' });
    await b.next((e) => e.event === 'consumed' && e.value === 'after-kill', 'the survivor to consume from a moved partition');
  });

  it('a static member restarted within its session timeout gets the same partitions, and no other member rebalances', async () => {
    await createTopic('static', 4);
    const vars = { GROUP: 'static-group', TOPIC: 'static', SESSION_MS: 10_000 };
    const a = member({ ...vars, NAME: 'a', INSTANCE: 'instance-a' });
    const b = member({ ...vars, NAME: 'b', INSTANCE: 'instance-b' });
    await waitFor(() => lastAssignment(a)?.length === 2 && lastAssignment(b)?.length === 2, 'both static members with two partitions', 30_000);
    const before = group('static-group');
    const generation = before.generationId;
    const aPartitions = lastAssignment(a)!;
    const bEvents = b.events.filter((e) => e.event === 'assigned' || e.event === 'revoked').length;

    // Gone without a LeaveGroup (static members never send one), then back under the same instance id.
    await a.kill('SIGKILL');
    const a2 = member({ ...vars, NAME: 'a2', INSTANCE: 'instance-a' });
    const back = await a2.next((e) => e.event === 'assigned', 'the restarted static member to be assigned', 20_000);
    expect(back.partitions).toEqual(aPartitions);
    const after = group('static-group');
    expect(after.state).toBe('Stable');
    expect(after.generationId).toBe(generation);
    expect([...after.staticMembers.keys()].sort()).toEqual(['instance-a', 'instance-b']);

    // b keeps consuming its partitions and never saw a rebalance callback.
    const bPartition = lastAssignment(b)![0];
    await run('kcat', ['-P', '-b', kt.bootstrap, '-t', 'static', '-p', String(bPartition)], { input: 'still-b\n' });
    await b.next((e) => e.event === 'consumed' && e.value === 'still-b', 'b to keep consuming');
    await run('kcat', ['-P', '-b', kt.bootstrap, '-t', 'static', '-p', String(aPartitions[0])], { input: 'for-a2\n' });
    await a2.next((e) => e.event === 'consumed' && e.value === 'for-a2', 'the restarted member to consume its partition');
    expect(b.events.filter((e) => e.event === 'assigned' || e.event === 'revoked').length).toBe(bEvents);
    expect(group('static-group').generationId).toBe(generation);
  });
});
