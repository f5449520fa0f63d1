/**
 * Checks kt's schema declarations against Apache Kafka's own JSON message definitions.
 *
 * The upstream files live outside the repo, in ../shared/kafka-spec relative to the repo root (or
 * wherever KT_KAFKA_SPEC says). Every upstream file we declare is re-read and compared field by
 * field (after camelCasing names and inlining commonStructs): order, name, type, versions, nullableVersions, tag, taggedVersions,
 * default, ignorable, field-level flexibleVersions, plus the message's validVersions (minus a
 * latestVersionUnstable top version) and flexibleVersions. Coverage is checked both ways.
 *
 * If the upstream directory is missing (a user's clone), the suite is reported as skipped with the
 * reason in its title and on the console; KT_REQUIRE_UPSTREAM_SPEC=1 makes that a failure instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_GROUP_RECORDS } from '../../src/engine/protocol/group-records/index.js';
import { ALL_APIS } from '../../src/engine/protocol/messages/index.js';
import { ALL_METADATA_RECORDS } from '../../src/engine/protocol/metadata-records/index.js';
import { type FieldSpec, type MessageSpec, parseVersionRange } from '../../src/engine/protocol/schema.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// KT_KAFKA_SPEC points elsewhere, e.g. for a clone that does not sit beside ../shared.
const specRoot = process.env.KT_KAFKA_SPEC ?? path.resolve(repoRoot, '../shared/kafka-spec');
const messageDir = path.join(specRoot, 'message');
const metadataDir = path.join(specRoot, 'metadata');
const groupDir = path.join(specRoot, 'coordinator/group-coordinator');

// ---------------------------------------------------------------------------------------------
// Reading upstream files

interface UpstreamField {
  name: string;
  type: string;
  versions: string;
  fields?: UpstreamField[];
  nullableVersions?: string;
  default?: unknown;
  tag?: number | string;
  taggedVersions?: string;
  flexibleVersions?: string;
  ignorable?: boolean;
}

interface UpstreamSpec {
  apiKey?: number;
  type: string;
  name: string;
  validVersions: string;
  flexibleVersions: string;
  fields: UpstreamField[];
  commonStructs?: { name: string; fields: UpstreamField[] }[];
  listeners?: string[];
  latestVersionUnstable?: boolean;
}

/** Removes `//` line comments, leaving `//` inside JSON strings (URLs, for instance) alone. */
function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else out += c;
  }
  return out;
}

function readSpec(file: string): UpstreamSpec {
  return JSON.parse(stripComments(fs.readFileSync(file, 'utf8'))) as UpstreamSpec;
}

function jsonFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

// ---------------------------------------------------------------------------------------------
// What our declaration should be, derived from an upstream file

const NUMERIC = new Set(['int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64']);

function expectedDefault(field: UpstreamField): unknown {
  const d = field.default;
  if (d === null || d === 'null') return null;
  if (NUMERIC.has(field.type)) return Number(d); // also handles "0x7fffffff"
  if (field.type === 'bool') return d === true || d === 'true';
  return d;
}

function expectedFields(fields: UpstreamField[], common: Map<string, UpstreamField[]>): FieldSpec[] {
  return fields.map((f) => {
    const out: FieldSpec = { name: f.name[0].toLowerCase() + f.name.slice(1), type: f.type, versions: f.versions };
    if (f.nullableVersions !== undefined) out.nullableVersions = f.nullableVersions;
    if (f.default !== undefined) out.default = expectedDefault(f) as FieldSpec['default'];
    if (f.tag !== undefined) out.tag = Number(f.tag); // a few upstream files write the tag as a string ("0")
    if (f.taggedVersions !== undefined) out.taggedVersions = f.taggedVersions;
    if (f.flexibleVersions !== undefined) out.flexibleVersions = f.flexibleVersions;
    if (f.ignorable !== undefined) out.ignorable = f.ignorable;
    const element = f.type.startsWith('[]') ? f.type.slice(2) : f.type;
    const nested = f.fields ?? common.get(element);
    if (nested) out.fields = expectedFields(nested, common);
    return out;
  });
}

/**
 * Top versions the spec snapshot still marks unstable but Apache Kafka 4.0 released as stable, which
 * kt serves: EndTxn v5 (KIP-890 part 2, the epoch bumped on every transaction).
 */
const RELEASED_AFTER_SNAPSHOT = new Set(['EndTxnRequest']);

/**
 * Versions Apache Kafka 4.0 added after the spec snapshot, which kt serves (request and response
 * alike; none changes a field, so the fields are still compared with the snapshot's): Produce v12
 * and TxnOffsetCommit v5, KIP-890 part 2's implicit AddPartitionsToTxn / AddOffsetsToTxn for
 * clients running transaction.version 2.
 */
const ADDED_AFTER_SNAPSHOT = new Map([
  ['ProduceRequest', { snapshot: '0-11', kafka40: '0-12' }],
  ['TxnOffsetCommitRequest', { snapshot: '0-4', kafka40: '0-5' }],
  ['VoteRequest', { snapshot: '0-1', kafka40: '0-2' }],
]);

/**
 * Fields of those added versions, as Apache Kafka 4.0 declares them (the snapshot cannot show
 * them): Vote v2's PreVote (KIP-996), which kt's KRaft quorum sends so a voter that cannot win
 * never bumps the epoch. Each is expected last in the struct at `path` (field names from the top).
 */
const FIELDS_ADDED_AFTER_SNAPSHOT = new Map<string, { snapshot: string; path: string[]; field: FieldSpec }>([
  ['VoteRequest', { snapshot: '0-1', path: ['topics', 'partitions'], field: { name: 'preVote', type: 'bool', versions: '2+' } as FieldSpec }],
]);

function withFieldsAddedAfterSnapshot(name: string, upstream: UpstreamSpec, fields: FieldSpec[]): FieldSpec[] {
  const added = FIELDS_ADDED_AFTER_SNAPSHOT.get(name);
  if (!added || upstream.validVersions !== added.snapshot) return fields;
  const extend = (list: FieldSpec[], path: string[]): FieldSpec[] =>
    path.length === 0 ? [...list, added.field] : list.map((f) => (f.name === path[0] && f.fields ? { ...f, fields: extend([...f.fields], path.slice(1)) } : f));
  return extend(fields, added.path);
}

function declaredValidVersions(request: UpstreamSpec, upstream: UpstreamSpec): string {
  const added = ADDED_AFTER_SNAPSHOT.get(request.name);
  // Only while the snapshot predates 4.0: a newer spec is compared as it is.
  if (added && upstream.validVersions === added.snapshot) return added.kafka40;
  if (!request.latestVersionUnstable || RELEASED_AFTER_SNAPSHOT.has(request.name)) return upstream.validVersions;
  const { min, max } = parseVersionRange(upstream.validVersions);
  const top = max - 1;
  if (top < min) return 'none';
  return top === min ? String(min) : `${min}-${top}`;
}

// ---------------------------------------------------------------------------------------------
// Comparing, with readable differences

const FIELD_KEYS: (keyof FieldSpec)[] = [
  'name', 'type', 'versions', 'nullableVersions', 'default', 'tag', 'taggedVersions', 'flexibleVersions', 'ignorable',
];
const ALLOWED_KEYS = new Set<string>([...FIELD_KEYS, 'fields']);

function compareFields(ours: readonly FieldSpec[], theirs: readonly FieldSpec[], where: string, out: string[]): void {
  const n = Math.max(ours.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const a = ours[i];
    const b = theirs[i];
    if (!a) {
      out.push(`${where}: missing field #${i} ${b.name}`);
      continue;
    }
    if (!b) {
      out.push(`${where}: extra field #${i} ${a.name}`);
      continue;
    }
    const at = `${where}.${b.name}`;
    for (const key of Object.keys(a)) if (!ALLOWED_KEYS.has(key)) out.push(`${at}: unexpected property ${key}`);
    for (const key of FIELD_KEYS) {
      if (!Object.is(a[key], b[key])) {
        out.push(`${at}: ${key} is ${JSON.stringify(a[key])}, upstream ${JSON.stringify(b[key])}`);
      }
    }
    if (!!a.fields !== !!b.fields) out.push(`${at}: fields ${a.fields ? 'declared' : 'missing'}, upstream differs`);
    else if (a.fields && b.fields) compareFields(a.fields, b.fields, at, out);
  }
}

function compareSpec(
  ours: MessageSpec,
  upstream: UpstreamSpec,
  expected: { type: MessageSpec['type']; validVersions: string },
): string[] {
  const out: string[] = [];
  const where = upstream.name;
  if (ours.name !== upstream.name) out.push(`${where}: name is ${ours.name}`);
  if (ours.type !== expected.type) out.push(`${where}: type is ${ours.type}, expected ${expected.type}`);
  if (ours.apiKey !== upstream.apiKey) out.push(`${where}: apiKey is ${ours.apiKey}, upstream ${upstream.apiKey}`);
  if (ours.validVersions !== expected.validVersions) {
    out.push(`${where}: validVersions is ${ours.validVersions}, expected ${expected.validVersions}`);
  }
  if (ours.flexibleVersions !== upstream.flexibleVersions) {
    out.push(`${where}: flexibleVersions is ${ours.flexibleVersions}, upstream ${upstream.flexibleVersions}`);
  }
  const common = new Map((upstream.commonStructs ?? []).map((s) => [s.name, s.fields] as const));
  compareFields(ours.fields, withFieldsAddedAfterSnapshot(upstream.name, upstream, expectedFields(upstream.fields, common)), where, out);
  return out;
}

// ---------------------------------------------------------------------------------------------

if (!fs.existsSync(messageDir)) {
  // A user's clone has no ../shared beside it: say plainly that this suite did not run and why, as a
  // skipped test whose title carries the reason plus a console line, and let the rest of the suite run.
  const reason = `did not run: upstream Kafka message definitions not found at ${messageDir} (put Apache Kafka's clients/src/main/resources/common/message there, or point KT_KAFKA_SPEC=<dir> at a kafka-spec copy)`;
  if (process.env.KT_REQUIRE_UPSTREAM_SPEC === '1') {
    it('upstream conformance: the upstream spec directory is available (KT_REQUIRE_UPSTREAM_SPEC=1)', () => {
      throw new Error(reason);
    });
  } else {
    console.warn(`upstream conformance ${reason}`);
    it.skip(`upstream conformance ${reason}`, () => {});
  }
} else {
  describe('request/response declarations match upstream', () => {
    const requests = jsonFiles(messageDir)
      .map((f) => ({ file: f, spec: readSpec(path.join(messageDir, f)) }))
      .filter(({ spec }) => spec.type === 'request');
    const served = requests.filter(({ spec }) =>
      (spec.listeners ?? []).some((l) => l === 'broker' || l === 'controller'),
    );

    it('declares exactly the APIs served by KRaft brokers or controllers', () => {
      const want = served.map(({ spec }) => spec.apiKey).sort((a, b) => a! - b!);
      expect(ALL_APIS.map((api) => api.apiKey)).toEqual(want);
    });

    for (const { file, spec: request } of served) {
      const apiKey = request.apiKey!;
      it(`${apiKey} ${request.name.replace(/Request$/, '')}`, () => {
        const api = ALL_APIS.find((a) => a.apiKey === apiKey);
        expect(api, `API key ${apiKey} (${file}) is not declared`).toBeDefined();
        const response = readSpec(path.join(messageDir, file.replace(/Request\.json$/, 'Response.json')));
        expect(response.type).toBe('response');
        const diffs = [
          ...compareSpec(api!.request, request, {
            type: 'request',
            validVersions: declaredValidVersions(request, request),
          }),
          ...compareSpec(api!.response, response, {
            type: 'response',
            validVersions: declaredValidVersions(request, response),
          }),
        ];
        expect(diffs).toEqual([]);
      });
    }
  });

  describe('KRaft metadata record declarations match upstream', () => {
    const files = jsonFiles(metadataDir);

    it('declares every upstream metadata record once', () => {
      const want = files.map((f) => readSpec(path.join(metadataDir, f)).apiKey).sort((a, b) => a! - b!);
      expect(ALL_METADATA_RECORDS.map((s) => s.apiKey)).toEqual(want);
    });

    for (const file of files) {
      it(file, () => {
        const upstream = readSpec(path.join(metadataDir, file));
        const ours = ALL_METADATA_RECORDS.find((s) => s.apiKey === upstream.apiKey);
        expect(ours, `${upstream.name} (${file}) is not declared`).toBeDefined();
        expect(compareSpec(ours!, upstream, { type: 'metadata', validVersions: upstream.validVersions })).toEqual([]);
      });
    }
  });

  describe('__consumer_offsets record declarations match upstream', () => {
    // Classic groups, offsets and KIP-848 consumer groups; KIP-932 share-group records are not declared.
    const files = jsonFiles(groupDir).filter((f) => !f.startsWith('ShareGroup'));
    const ours = new Map<string, MessageSpec>(ALL_GROUP_RECORDS.flatMap((r) => [[r.key.name, r.key], [r.value.name, r.value]]));

    it('declares every classic / offset / consumer-group record once', () => {
      const want = files.map((f) => readSpec(path.join(groupDir, f)).name).sort();
      expect([...ours.keys()].sort()).toEqual(want);
      expect(ours.size).toBe(ALL_GROUP_RECORDS.length * 2);
    });

    it('key versions are the record types', () => {
      for (const rec of ALL_GROUP_RECORDS) {
        const { min, max } = parseVersionRange(rec.key.validVersions);
        expect(rec.keyVersions).toEqual(Array.from({ length: max - min + 1 }, (_, i) => min + i));
      }
    });

    for (const file of files) {
      it(file, () => {
        const upstream = readSpec(path.join(groupDir, file));
        const spec = ours.get(upstream.name);
        expect(spec, `${upstream.name} (${file}) is not declared`).toBeDefined();
        expect(compareSpec(spec!, upstream, { type: 'data', validVersions: upstream.validVersions })).toEqual([]);
      });
    }
  });
}
