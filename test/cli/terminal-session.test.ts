/**
 * What kt does only for a person at a terminal, checked at a real pseudo-terminal: the console
 * producer's ">" prompt, consumer-groups' cli-table3 boxes and bold headers, and the question
 * before --delete (answered no, then yes). The piped behaviour is what the other CLI suites check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/engine/client/admin.js';
import { startKt, waitFor, type RunningKt } from '../helpers/kt.js';
import { ktAtTerminal, plain } from '../helpers/pty.js';
import { kt } from './cli.js';

const TOPIC = 'typed';
const ENTER = '\r';
const END_OF_INPUT = '\x04';

describe('kt at a terminal', () => {
  let server: RunningKt;
  let admin: Admin;
  let b: string[];

  beforeAll(async () => {
    server = await startKt({ 'auto.create.topics.enable': 'false' });
    b = ['--bootstrap-server', server.bootstrap];
    admin = new Admin({ bootstrap: server.bootstrap });
    await admin.createTopics([{ name: TOPIC, numPartitions: 2, replicationFactor: 1 }]);
  });
  afterAll(async () => {
    admin?.close();
    await server?.stop();
  });

  it('console-producer prompts with ">" for each line and sends what is typed', async () => {
    const session = ktAtTerminal(['console-producer', ...b, '--topic', TOPIC, '--property', 'parse.key=true', '--property', 'key.separator=:']);
    await session.answer(/^>/, `k1:first${ENTER}`);
    await session.answer(/first\n>/, `k1:second${ENTER}`);
    await session.answer(/second\n>/, END_OF_INPUT);
    expect(await session.exited).toBe(0);
    const consumed = await kt(['console-consumer', ...b, '--topic', TOPIC, '--from-beginning', '--partition', '0', '--timeout-ms', '1000', '--property', 'print.key=true']);
    const consumed1 = await kt(['console-consumer', ...b, '--topic', TOPIC, '--from-beginning', '--partition', '1', '--timeout-ms', '1000', '--property', 'print.key=true']);
    expect((consumed.stdout + consumed1.stdout).trim().split('\n')).toEqual(['k1\tfirst', 'k1\tsecond']);
  });

  it('consumer-groups --describe draws a box with bold headers', async () => {
    await admin.alterGroupOffsets('boxed', [{ topic: TOPIC, partition: 0, offset: 0 }]);
    const session = ktAtTerminal(['consumer-groups', ...b, '--describe', '--group', 'boxed']);
    expect(await session.exited).toBe(0);
    const shown = plain(session.output);
    expect(shown).toMatch(/┌─+┬/);
    expect(shown).toMatch(/│ GROUP +│ TOPIC +│ PARTITION/);
    expect(shown).toMatch(/│ boxed +│ typed +│ 0 +│ 0 /);
    expect(session.output).toContain('\x1b[1mGROUP');
  });

  it('consumer-groups --delete asks first: no keeps the group, yes deletes it', async () => {
    await admin.alterGroupOffsets('doomed', [{ topic: TOPIC, partition: 1, offset: 0 }]);
    const groupIds = async () => (await admin.listGroups()).map((g) => g.groupId);

    const declined = ktAtTerminal(['consumer-groups', ...b, '--delete', '--group', 'doomed']);
    await declined.answer(/Delete consumer group 'doomed' and its committed offsets\?/, `n${ENTER}`);
    expect(await declined.exited).toBe(0);
    expect(plain(declined.output)).toContain('No consumer groups were deleted.');
    expect(await groupIds()).toContain('doomed');

    const confirmed = ktAtTerminal(['consumer-groups', ...b, '--delete', '--group', 'doomed']);
    await confirmed.answer(/Delete consumer group 'doomed' and its committed offsets\?/, `y${ENTER}`);
    expect(await confirmed.exited).toBe(0);
    expect(plain(confirmed.output)).toContain("Deletion of requested consumer groups ('doomed') was successful.");
    await waitFor(async () => !(await groupIds()).includes('doomed'), 'the group to be gone');
  });
});
