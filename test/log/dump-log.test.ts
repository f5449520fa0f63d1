import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildBatch } from '../../src/engine/records/record-batch.js';
import { PartitionLog } from '../../src/engine/log/partition-log.js';
import { cleanupTmpDirs, config, tmpDir } from './helpers.js';

afterAll(cleanupTmpDirs);

const kt = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'kt');
const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) =>
    execFile(process.execPath, [kt, ...args], { encoding: 'utf8' }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    ),
  );

let dir: string;
beforeAll(() => {
  dir = path.join(tmpDir(), 't-0');
  const log = PartitionLog.open(dir, { topic: 't', partition: 0, config: config({ indexIntervalBytes: 10 }) });
  log.append(buildBatch({ records: [{ key: null, value: 'hello', timestamp: 1700000000000 }] }), { leaderEpoch: 0 });
  log.append(
    buildBatch({
      producerId: 5,
      producerEpoch: 1,
      baseSequence: 3,
      records: [
        { key: 'k', value: 'v1', timestamp: 1700000000001, headers: [{ key: 'h1', value: 'x' }] },
        { key: 'k2', value: null, timestamp: 1700000000002 },
      ],
    }),
    { leaderEpoch: 2 },
  );
  log.append(buildBatch({ records: [{ key: 'a', value: 'b', timestamp: 1700000000005 }] }), { leaderEpoch: 2 });
  log.close();
});

describe('kt dump-log', () => {
  test('prints batches and records like kafka-dump-log.sh', async () => {
    const file = path.join(dir, '00000000000000000000.log');
    const { code, stdout } = await run(['dump-log', '--files', file, '--print-data-log']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe(`Dumping ${file}`);
    expect(lines[1]).toBe('Log starting offset: 0');
    expect(lines[2]).toMatch(
      /^baseOffset: 0 lastOffset: 0 count: 1 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1700000000000 size: \d+ magic: 2 compresscodec: none crc: \d+ isvalid: true$/,
    );
    expect(lines[3]).toBe('| offset: 0 CreateTime: 1700000000000 keySize: -1 valueSize: 5 sequence: -1 headerKeys: [] payload: hello');
    expect(lines[4]).toMatch(/^baseOffset: 1 lastOffset: 2 count: 2 baseSequence: 3 lastSequence: 4 producerId: 5 producerEpoch: 1 partitionLeaderEpoch: 2 .* CreateTime: 1700000000002 /);
    expect(lines[5]).toBe('| offset: 1 CreateTime: 1700000000001 keySize: 1 valueSize: 2 sequence: 3 headerKeys: [h1] key: k payload: v1');
    expect(lines[6]).toBe('| offset: 2 CreateTime: 1700000000002 keySize: 2 valueSize: -1 sequence: 4 headerKeys: [] key: k2');
    expect(lines).toHaveLength(9);
  });

  test('without --print-data-log only batches; corrupt CRCs and trailing garbage are reported', async () => {
    const src = path.join(dir, '00000000000000000000.log');
    const copy = path.join(tmpDir(), '00000000000000000000.log');
    const data = fs.readFileSync(src);
    data[data.length - 1] ^= 0xff; // last batch's CRC no longer matches
    fs.writeFileSync(copy, Buffer.concat([data, Buffer.from('junk')]));
    const { stdout } = await run(['dump-log', '--files', copy]);
    const lines = stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('baseOffset'))).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('|'))).toHaveLength(0);
    expect(lines[4]).toMatch(/isvalid: false$/);
    expect(lines[5]).toBe('Found 4 invalid bytes at the end of 00000000000000000000.log');
  });

  test('index and time index entries', async () => {
    const idx = path.join(dir, '00000000000000000000.index');
    const tidx = path.join(dir, '00000000000000000000.timeindex');
    const { stdout } = await run(['dump-log', '--files', `${idx},${tidx}`]);
    expect(stdout.trim().split('\n')).toEqual([
      `Dumping ${idx}`,
      expect.stringMatching(/^offset: 2 position: \d+$/),
      expect.stringMatching(/^offset: 3 position: \d+$/),
      `Dumping ${tidx}`,
      'timestamp: 1700000000002 offset: 2',
      'timestamp: 1700000000005 offset: 3',
    ]);
  });

  test('a missing file is a one-line error', async () => {
    const { code, stdout, stderr } = await run(['dump-log', '--files', '/no/such/00000000000000000000.log']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    // (other lines could only be unrelated warnings from a concurrently rebuilt dist/)
    const lines = stderr.trim().split('\n').filter((l) => l.includes('00000000000000000000.log'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('File /no/such/00000000000000000000.log does not exist');
    expect(stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});
