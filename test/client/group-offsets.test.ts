/** kt's client finds a group's coordinator and commits and fetches offsets, at old and new versions. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/engine/client/admin.js';
import { Cluster } from '../../src/engine/client/cluster.js';
import { GroupCoordinators } from '../../src/engine/client/coordinator.js';
import { commitOffsets, fetchCommittedOffsets } from '../../src/engine/client/group-offsets.js';
import { startKt, type RunningKt } from '../helpers/kt.js';

describe('group offsets through the coordinator', () => {
  let kt: RunningKt;
  let cluster: Cluster;

  beforeAll(async () => {
    kt = await startKt();
    const admin = new Admin({ bootstrap: kt.bootstrap });
    await admin.createTopics([{ name: 'committed', numPartitions: 3, replicationFactor: 1 }]);
    admin.close();
    cluster = new Cluster({ bootstrap: kt.bootstrap });
  });
  afterAll(async () => {
    cluster?.close();
    await kt?.stop();
  });

  it('commits as a simple consumer and reads the commits back, with metadata', async () => {
    const coordinators = new GroupCoordinators(cluster);
    expect(await coordinators.lookup('g1')).toBe(1);
    await commitOffsets(coordinators, 'g1', [
      { topic: 'committed', partition: 0, offset: 5, metadata: 'five' },
      { topic: 'committed', partition: 2, offset: 9 },
    ]);
    const all = await fetchCommittedOffsets(coordinators, 'g1', null);
    expect([...all.values()].sort((a, b) => a.partition - b.partition)).toEqual([
      { topic: 'committed', partition: 0, offset: 5, leaderEpoch: -1, metadata: 'five' },
      { topic: 'committed', partition: 2, offset: 9, leaderEpoch: -1, metadata: '' },
    ]);
    const some = await fetchCommittedOffsets(coordinators, 'g1', [
      { topic: 'committed', partition: 1 },
      { topic: 'committed', partition: 2 },
    ]);
    expect([...some.values()].map((c) => [c.partition, c.offset])).toEqual([[2, 9]]);
  });

  it('reports a commit with a generation the group does not have', async () => {
    const coordinators = new GroupCoordinators(cluster);
    // OffsetCommit v9 names the missing group; older versions said ILLEGAL_GENERATION.
    const failure = await commitOffsets(coordinators, 'g2', [{ topic: 'committed', partition: 0, offset: 1 }], {
      generationId: 3,
      memberId: 'nobody',
    }).catch((err: Error) => err);
    expect(failure).toMatchObject({ name: 'GROUP_ID_NOT_FOUND', message: 'OffsetCommit for group g2: The group id does not exist.' });
  });
});
