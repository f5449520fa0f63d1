/**
 * A consumer group through SIGKILLs of its coordinator's broker, on a 3-node kt cluster whose
 * __consumer_offsets has replication factor 3. A confluent-kafka consumer in a group reads a topic
 * (RF 3, min.insync.replicas=2) that an idempotent producer in the same process keeps writing, and
 * commits synchronously after each batch it processed. KILLS times, the broker FindCoordinator
 * names is SIGKILLed, and started again once another coordinator answers.
 *
 * What must hold: the group carries on (commits succeed again through the new coordinator; a commit
 * may only fail with a retriable error meanwhile); no committed offset is lost: what OffsetFetch
 * answers after each failover is at least every commit acknowledged before the kill, the offsets
 * sampled all along never go backwards, and at the end OffsetFetch shows the consumer's last commit,
 * which is the end of every partition (everything produced was consumed).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnPython, type PythonProcess, type Event } from '../groups/python-process.js';
import { chaosSeed, killAndRestartCycles, seededRandom } from '../helpers/kill-cycles.js';
import { waitFor } from '../helpers/kt.js';
import { withArgv } from '../helpers/python-argv.js';
import { committedOffsetsVia, fetchAllFromLeader, waitForGroupCoordinator } from '../helpers/replicated-cluster.js';
import { PARTITIONS, startFaultEnv, withEvidence, type FaultEnv } from './fault-setup.js';

const KILLS = 3;
const RATE = 1000;
const GROUP = 'repl-group';

const CLIENT = String.raw`
import json, os, sys, threading, time
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
BOOTSTRAP, TOPIC, GROUP, RATE, STOP_FILE = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
def emit(**kw):
    print(json.dumps(kw), flush=True)
prod = {'acked': 0, 'failed': [], 'done': False, 'sent': 0}
def produce():
    p = Producer({'bootstrap.servers': BOOTSTRAP, 'enable.idempotence': True, 'acks': 'all', 'linger.ms': 5})
    def on_delivery(err, msg):
        if err is None: prod['acked'] += 1
        elif len(prod['failed']) < 10: prod['failed'].append(err.str())
    i, t0 = 0, time.time()
    while not os.path.exists(STOP_FILE):
        for _ in range(50):
            p.produce(TOPIC, key='key-%d' % (i % 97), value='v-%d' % i, on_delivery=on_delivery)
            i += 1
        p.poll(0)
        ahead = i / RATE - (time.time() - t0)
        if ahead > 0: time.sleep(ahead)
    prod['sent'] = i
    p.flush(120)
    prod['done'] = True
threading.Thread(target=produce, daemon=True).start()

assignments = []
positions = {}
def on_assign(c, parts):
    assignments.append(sorted(tp.partition for tp in parts))
    emit(event='assigned', partitions=assignments[-1])
def on_revoke(c, parts):
    for tp in parts: positions.pop(tp.partition, None)
    emit(event='revoked', partitions=sorted(tp.partition for tp in parts))
c = Consumer({'bootstrap.servers': BOOTSTRAP, 'group.id': GROUP, 'enable.auto.commit': False,
              'auto.offset.reset': 'earliest', 'session.timeout.ms': 10000, 'heartbeat.interval.ms': 1000,
              'enable.partition.eof': False})
c.subscribe([TOPIC], on_assign=on_assign, on_revoke=on_revoke)
seen = set()
consumed = 0
commits = 0
commit_errors = {}
last_committed = {}
dirty = False
def commit():
    global commits, dirty
    offsets = [TopicPartition(TOPIC, p, o) for p, o in sorted(positions.items())]
    try:
        res = c.commit(offsets=offsets, asynchronous=False)
        bad = [tp for tp in res if tp.error is not None]
        if bad: raise KafkaException(bad[0].error)
    except KafkaException as e:
        err = e.args[0]
        key = err.name()
        entry = commit_errors.setdefault(key, {'name': err.name(), 'retriable': err.retriable(), 'fatal': err.fatal(), 'count': 0, 'example': err.str()})
        entry['count'] += 1
        emit(event='commit_error', name=err.name(), retriable=err.retriable())
        return False
    commits += 1
    dirty = False
    for tp in offsets: last_committed[tp.partition] = tp.offset
    emit(event='committed', n=commits, offsets={str(tp.partition): tp.offset for tp in offsets})
    return True
while True:
    msgs = c.consume(num_messages=200, timeout=0.2)
    for m in msgs:
        if m.error() is not None:
            emit(event='consume_error', error=m.error().str())
            continue
        consumed += 1
        seen.add(int(m.value()[2:]))
        positions[m.partition()] = m.offset() + 1
        dirty = True
    if dirty and positions: commit()
    if prod['done'] and len(seen) >= prod['acked'] and not dirty:
        break
emit(event='done', produced=prod['sent'], producedAcked=prod['acked'], producerFailures=prod['failed'], consumed=consumed,
     distinct=len(seen), commits=commits, lastCommitted={str(p): o for p, o in last_committed.items()},
     commitErrors=list(commit_errors.values()), assignments=assignments)
c.close()
`;

/** Errors a commit may meet while its coordinator dies and another takes over; the consumer retries the next batch. */
const RETRIABLE_COMMIT = new Set(['_WAIT_COORD', '_TRANSPORT', '_TIMED_OUT', 'NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE', 'COORDINATOR_LOAD_IN_PROGRESS', 'REQUEST_TIMED_OUT']);

type Offsets = Record<string, number>;

describe('a consumer group committing through SIGKILLs of its coordinator (__consumer_offsets RF 3)', () => {
  let env: FaultEnv | undefined;
  let py: PythonProcess | undefined;
  let sampling = false;
  afterEach(async () => {
    sampling = false;
    await py?.kill();
    await env?.stop();
    py = env = undefined;
  });

  it(`the group carries on with the new coordinator after each of ${KILLS} kills; no committed offset is lost or goes backwards`, async () => {
    const seed = chaosSeed();
    env = await startFaultEnv('repl-group-topic', seed);
    const { cluster, timeline, topic } = env;
    const partitions = Array.from({ length: PARTITIONS }, (_, p) => p);
    const samples: { at: number; coordinator: number; offsets: Offsets }[] = [];
    const backwards: string[] = [];
    const floors: string[] = [];
    try {
      py = spawnPython(withArgv(CLIENT, [cluster.bootstrap, topic, GROUP, String(RATE), env.stopFile]));
      const client = py;
      const commitsSoFar = (): Event[] => client.events.filter((e) => e.event === 'committed');
      const progress = () => {
        if (client.child.exitCode !== null) throw new Error(`the consumer exited (${client.child.exitCode}):\n${client.stderr().slice(-3000)}`);
        return commitsSoFar().length;
      };
      await client.next((e) => e.event === 'committed', 'the first commit', 60_000);
      timeline.note(`consumer committing; coordinator of ${GROUP}: node ${await waitForGroupCoordinator(cluster, GROUP)}`);

      // Sample the committed offsets all along from whoever coordinates: they may only grow.
      sampling = true;
      const sampler = (async () => {
        const high: Offsets = {};
        while (sampling) {
          const coordinator = await waitForGroupCoordinator(cluster, GROUP, { timeoutMs: 2000 }).catch(() => -1);
          const answer = coordinator < 0 ? undefined : await committedOffsetsVia(cluster.node(coordinator), GROUP, topic, partitions, 2000).catch(() => undefined);
          if (answer && answer.errorCode === 0) {
            const offsets = Object.fromEntries([...answer.offsets].map(([p, o]) => [String(p), o]));
            samples.push({ at: Date.now(), coordinator, offsets });
            for (const [p, o] of Object.entries(offsets)) {
              if (o < (high[p] ?? -1)) backwards.push(`partition ${p}: node ${coordinator} answered ${o} after ${high[p]} had been answered`);
              high[p] = Math.max(high[p] ?? -1, o);
            }
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      })();

      let floor: Offsets = {};
      const kills = await killAndRestartCycles({
        cluster,
        topic,
        kills: KILLS,
        random: seededRandom(seed),
        progress,
        progressStep: 5,
        timeline,
        chooseVictim: async () => {
          const coordinator = await waitForGroupCoordinator(cluster, GROUP);
          // Every commit the consumer reported before the kill was acknowledged by the coordinator.
          floor = {};
          for (const e of commitsSoFar()) for (const [p, o] of Object.entries(e.offsets as Offsets)) floor[p] = Math.max(floor[p] ?? -1, o);
          return { nodeId: coordinator, why: `the coordinator of group ${GROUP}; commits acknowledged so far reach ${JSON.stringify(floor)}` };
        },
        afterKill: async (victim) => {
          const next = await waitForGroupCoordinator(cluster, GROUP, { not: victim });
          let answer: Offsets = {};
          await waitFor(
            async () => {
              const a = await committedOffsetsVia(cluster.node(next), GROUP, topic, partitions, 2000).catch(() => undefined);
              if (a?.errorCode === 0) answer = Object.fromEntries([...a.offsets].map(([p, o]) => [String(p), o]));
              return a?.errorCode === 0;
            },
            `node ${next}, the new coordinator, to answer OffsetFetch`,
            30_000,
          );
          timeline.note(`  new coordinator: node ${next}; OffsetFetch ${JSON.stringify(answer)}, acknowledged before the kill ${JSON.stringify(floor)}`);
          for (const [p, o] of Object.entries(floor)) if ((answer[p] ?? -1) < o) floors.push(`after killing node ${victim}: node ${next} answered ${answer[p]} for partition ${p}, ${o} had been committed`);
        },
      });
      env.signalStop();
      const done = await client.next((e) => e.event === 'done', 'the consumer to drain the topic and finish', 120_000);
      sampling = false;
      await sampler;
      timeline.note(`consumer done: ${JSON.stringify(done)}`);

      expect(floors, 'commits acknowledged before a kill, as the new coordinator answers them').toEqual([]);
      expect(backwards, 'committed offsets sampled all along').toEqual([]);
      expect(samples.length).toBeGreaterThan(10);
      // The consumer's own commits never went backwards either (a lost commit would make it re-read and commit lower).
      const last: Offsets = {};
      const lower: string[] = [];
      for (const e of client.events.filter((x) => x.event === 'committed')) {
        for (const [p, o] of Object.entries(e.offsets as Offsets)) {
          if (o < (last[p] ?? -1)) lower.push(`commit ${e.n}: partition ${p} ${o} after ${last[p]}`);
          last[p] = o;
        }
      }
      expect(lower).toEqual([]);
      // The group carried on: commits succeeded after every kill.
      for (const k of kills) expect(k.progressAtRestart, `commits while node ${k.victim} was down`).toBeGreaterThan(k.progressAtKill);
      const unexpected = (done.commitErrors as { name: string; fatal: boolean }[]).filter((e) => e.fatal || !RETRIABLE_COMMIT.has(e.name));
      expect(unexpected, 'commit errors other than retriable coordinator ones').toEqual([]);
      expect(done.producerFailures).toEqual([]);
      expect(done.distinct).toBe(done.producedAcked);
      expect(done.producedAcked).toBe(done.produced);

      // Nothing committed lost: OffsetFetch shows the last commit, which is the end of every partition.
      const coordinator = await waitForGroupCoordinator(cluster, GROUP);
      const final = await committedOffsetsVia(cluster.node(coordinator), GROUP, topic, partitions);
      const ends: Offsets = {};
      for (const p of partitions) ends[String(p)] = (await fetchAllFromLeader(cluster, topic, p)).highWatermark;
      expect({ errorCode: final.errorCode, offsets: Object.fromEntries([...final.offsets].map(([p, o]) => [String(p), o])) }).toEqual({
        errorCode: 0,
        offsets: done.lastCommitted,
      });
      expect(done.lastCommitted).toEqual(ends);
      console.log(
        `consumer group: ${done.commits} commits, ${done.consumed} records consumed (${done.distinct} distinct) through ${kills.length} coordinator kills (seed ${seed}); ` +
          `commit errors ${JSON.stringify(done.commitErrors)}; assignments ${JSON.stringify(done.assignments)}; ${samples.length} samples\n${timeline.text()}`,
      );
    } catch (err) {
      throw withEvidence(err, env, 'group', `samples (last 10): ${JSON.stringify(samples.slice(-10))}\nconsumer stderr (tail):\n${py?.stderr().slice(-3000) ?? ''}`);
    }
  }, 240_000);
});
