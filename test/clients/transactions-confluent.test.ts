/**
 * confluent-kafka (librdkafka) transactions against a real kt process:
 * - commit, abort, commit: a read_committed consumer sees exactly the committed records (in order per
 *   partition), a read_uncommitted one sees all three transactions' records;
 * - consume-transform-produce: a group member (read_committed) reads an input topic and writes each
 *   poll's records, upper-cased, to an output topic in a transaction that also commits the group's
 *   offsets (send_offsets_to_transaction). The first such transaction is aborted: its offsets must not
 *   become the group's, and its records are processed again. At the end the group's committed offsets
 *   are the input's end offsets and read_committed sees every input record transformed exactly once;
 * - fencing: a second producer with the same transactional.id fences the first, whose open
 *   transaction is aborted: its records stay invisible to read_committed and its commit fails.
 *
 * Each scenario is one python process printing one JSON line; the checks are here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFLUENT_TXN_PY } from '../helpers/confluent-txn-python.js';
import { spawnKtWithTopics, type KtWithTopics } from '../helpers/kt-client-process.js';
import { PYTHON, run } from '../helpers/processes.js';

const PARTITIONS = 3;

const SCRIPT = String.raw`
import sys
BOOTSTRAP, SCENARIO, TOPIC, PARTITIONS, TID = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
${CONFLUENT_TXN_PY}

def commit_abort_commit():
    p = transactional(TID)
    p.begin_transaction(); produce(p, TOPIC, 'first', 30); p.commit_transaction(30)
    p.begin_transaction(); produce(p, TOPIC, 'aborted', 30); p.flush(30); p.abort_transaction(30)
    p.begin_transaction(); produce(p, TOPIC, 'second', 30); p.commit_transaction(30)
    return {'readCommitted': read_all(TOPIC, 'read_committed'), 'readUncommitted': read_all(TOPIC, 'read_uncommitted')}

def consume_transform_produce():
    source, sink, n = TOPIC, TOPIC + '-out', 300
    plain = Producer({'bootstrap.servers': BOOTSTRAP, 'enable.idempotence': True})
    for i in range(n):
        plain.produce(source, key='k%d' % (i % 7), value='in-%d' % i)
    assert plain.flush(30) == 0
    group = TOPIC + '-group'
    c = Consumer({'bootstrap.servers': BOOTSTRAP, 'group.id': group, 'isolation.level': 'read_committed',
                  'enable.auto.commit': False, 'auto.offset.reset': 'earliest', 'session.timeout.ms': 6000})
    c.subscribe([source])
    p = transactional(TID)
    parts = [TopicPartition(source, q) for q in range(PARTITIONS)]
    committed_after_abort, processed, transactions, aborted = None, 0, 0, 0
    deadline = time.time() + 60
    while processed < n:
        if time.time() > deadline: raise Exception('consume-transform-produce timed out after %d' % processed)
        msgs = [m for m in c.consume(100, 0.5) if not m.error()]
        if not msgs: continue
        p.begin_transaction()
        nxt, first = {}, {}
        for m in msgs:
            p.produce(sink, key=m.key(), value=m.value().decode().upper())
            nxt[m.partition()] = m.offset() + 1
            first.setdefault(m.partition(), m.offset())
        p.send_offsets_to_transaction([TopicPartition(source, q, o) for q, o in nxt.items()], c.consumer_group_metadata(), 30)
        if aborted == 0:
            p.flush(30)
            p.abort_transaction(30)
            aborted += 1
            committed_after_abort = {str(tp.partition): tp.offset for tp in c.committed(parts, 10)}
            for q, o in first.items():  # process the aborted records again
                c.seek(TopicPartition(source, q, o))
            continue
        p.commit_transaction(30)
        transactions += 1
        processed += len(msgs)
    committed = {str(tp.partition): tp.offset for tp in c.committed(parts, 10)}
    ends = {str(q): c.get_watermark_offsets(TopicPartition(source, q), 10)[1] for q in range(PARTITIONS)}
    c.close()
    return {'transactions': transactions, 'aborted': aborted, 'processed': processed, 'committedAfterAbort': committed_after_abort,
            'committed': committed, 'inputEnds': ends,
            'outputCommitted': read_all(sink, 'read_committed'), 'outputAll': read_all(sink, 'read_uncommitted')}

def fencing():
    first = transactional(TID)
    first.begin_transaction(); produce(first, TOPIC, 'fenced', 20); first.flush(30)
    second = transactional(TID)     # bumps the epoch: fences first and aborts its open transaction
    second.begin_transaction(); produce(second, TOPIC, 'winner', 20); second.commit_transaction(30)
    outcome = 'committed'
    try:
        first.produce(TOPIC, key='k0', value='fenced-late')
        first.commit_transaction(30)
    except KafkaException as e:
        err = e.args[0]
        outcome = {'name': err.name(), 'fatal': err.fatal()}
    return {'oldCommit': outcome, 'readCommitted': read_all(TOPIC, 'read_committed'), 'readUncommitted': read_all(TOPIC, 'read_uncommitted')}

result = {'commit-abort-commit': commit_abort_commit, 'ctp': consume_transform_produce, 'fencing': fencing}[SCENARIO]()
print(json.dumps(result), flush=True)
`;

/** Run one scenario; its JSON result. */
async function scenario(bootstrap: string, name: string, topic: string, transactionalId: string): Promise<any> {
  const res = await run(PYTHON, ['-c', SCRIPT, bootstrap, name, topic, String(PARTITIONS), transactionalId], { timeoutMs: 120_000 });
  expect(res.code, `${name} failed:\n${res.stderr.slice(-3000)}`).toBe(0);
  return JSON.parse(res.stdout.trim().split('\n').pop()!);
}

const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const all = (byPartition: Record<string, string[]>) => Object.values(byPartition).flat().sort();
const sorted = (xs: string[]) => [...xs].sort();

describe('confluent-kafka transactions', () => {
  let env: KtWithTopics;
  const bootstrap = () => env.kt.bootstrap;

  beforeAll(async () => {
    env = await spawnKtWithTopics(['txn-cac', 'txn-ctp', 'txn-ctp-out', 'txn-fence'].map((name) => ({ name, partitions: PARTITIONS })));
  });
  afterAll(() => env?.stop());

  it('commit, abort, commit: read_committed sees exactly the committed records in order, read_uncommitted sees all', async () => {
    const out = await scenario(bootstrap(), 'commit-abort-commit', 'txn-cac', 'tid-cac');
    expect(all(out.readCommitted)).toEqual(sorted([...values('first', 30), ...values('second', 30)]));
    expect(all(out.readUncommitted)).toEqual(sorted([...values('first', 30), ...values('aborted', 30), ...values('second', 30)]));
    // Per partition, the committed records come in the order produced: first-*, then second-*.
    const rank = (v: string) => (v.startsWith('first') ? 0 : 1000) + Number(v.split('-')[1]);
    for (const list of Object.values<string[]>(out.readCommitted)) expect(list).toEqual([...list].sort((a, b) => rank(a) - rank(b)));
  });

  it('consume-transform-produce: send_offsets_to_transaction commits the group offsets with the output', async () => {
    const out = await scenario(bootstrap(), 'ctp', 'txn-ctp', 'tid-ctp');
    // The aborted transaction's offsets never became the group's (librdkafka: -1001, no offset).
    expect(Object.values(out.committedAfterAbort)).toEqual([-1001, -1001, -1001]);
    expect(out.aborted).toBe(1);
    expect(out.committed).toEqual(out.inputEnds);
    expect(Object.values<number>(out.inputEnds).reduce((a, b) => a + b, 0)).toBe(300);
    expect(all(out.outputCommitted)).toEqual(sorted(values('IN', 300)));
    // The aborted transaction's output is in the log, visible to read_uncommitted only.
    expect(all(out.outputAll).length).toBeGreaterThan(300);
  });

  it('a second producer with the same transactional.id fences the first; its records stay invisible to read_committed', async () => {
    const out = await scenario(bootstrap(), 'fencing', 'txn-fence', 'tid-fence');
    expect(all(out.readCommitted)).toEqual(sorted(values('winner', 20)));
    expect(all(out.readUncommitted)).toEqual(expect.arrayContaining(values('fenced', 20)));
    expect(out.oldCommit).toMatchObject({ fatal: true });
    expect(['_FENCED', 'PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH']).toContain(out.oldCommit.name);
  });
});
