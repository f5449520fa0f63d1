/**
 * Round-trip property tests for every declared schema: each request, response, KRaft metadata record
 * and __consumer_offsets key/value, at every valid version.
 *
 * For each (message, version) an arbitrary is derived from the declaration itself: only the fields
 * present in that version, null only where nullableVersions allows it, tagged fields sometimes left
 * out, and (in flexible versions) often some unknown tagged fields. Each value is encoded with the
 * generic codec and decoded again; the result must equal the value with every absent field at its
 * default, the decoder must consume every byte, and re-encoding the decoded value must reproduce the
 * same bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, decodeBuffer, defaultsFor, encodeToBuffer, type Message } from '../../src/engine/protocol/codec.js';
import { ALL_GROUP_RECORDS } from '../../src/engine/protocol/group-records/index.js';
import { ALL_APIS } from '../../src/engine/protocol/messages/index.js';
import { ALL_METADATA_RECORDS } from '../../src/engine/protocol/metadata-records/index.js';
import { Reader } from '../../src/engine/protocol/primitives.js';
import {
  arrayElementType,
  type FieldSpec,
  inRange,
  type MessageSpec,
  parseVersionRange,
} from '../../src/engine/protocol/schema.js';

const NUM_RUNS = 20;
/** The codec's representation of an all-zero UUID (Kafka's base64url text form of 16 zero bytes). */
const ZERO_UUID = Buffer.alloc(16).toString('base64url');

type FieldRole = 'regular' | 'tagged' | 'absent';

/** How the codec treats a field in one version: written in order, in the tagged section, or not at all. */
function roleOf(field: FieldSpec, version: number, flexible: boolean): FieldRole {
  if (field.tag !== undefined) return flexible && inRange(version, field.taggedVersions) ? 'tagged' : 'absent';
  return inRange(version, field.versions) ? 'regular' : 'absent';
}

function versionsOf(spec: MessageSpec): number[] {
  const { min, max } = parseVersionRange(spec.validVersions);
  const out: number[] = [];
  for (let v = min; v <= max; v++) out.push(v);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries derived from a declaration

const int64Arb = fc.oneof(
  fc.maxSafeInteger(),
  fc.integer(),
  fc.constantFrom(0, -1, 2 ** 53, -(2 ** 53), 2 ** 32, -(2 ** 32), 2 ** 31, -(2 ** 31) - 1),
);
const bufferArb = fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b));
const uuidArb = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64url'));
const stringArb = fc.string({ unit: 'binary', maxLength: 8 });

function primitiveArb(type: string): fc.Arbitrary<unknown> {
  switch (type) {
    case 'bool':
      return fc.boolean();
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'uint16':
      return fc.integer({ min: 0, max: 0xffff });
    case 'int32':
      return fc.integer();
    case 'uint32':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'int64':
      return int64Arb;
    case 'float64':
      return fc.double();
    case 'uuid':
      return uuidArb;
    case 'string':
      return stringArb;
    case 'bytes':
    case 'records':
      return bufferArb;
    default:
      throw new Error(`no arbitrary for type ${type}`);
  }
}

const unknownTaggedArb = fc
  .uniqueArray(fc.integer({ min: 1000, max: 1063 }), { minLength: 1, maxLength: 2 })
  .chain((tags) =>
    fc.tuple(...tags.sort((a, b) => a - b).map((tag) => bufferArb.map((data) => ({ tag, data })))),
  );

function fieldArb(field: FieldSpec, version: number, flexible: boolean): fc.Arbitrary<unknown> {
  const element = arrayElementType(field.type);
  let arb: fc.Arbitrary<unknown>;
  if (element !== undefined) {
    const elementArb = field.fields ? structArb(field.fields, version, flexible) : primitiveArb(element);
    arb = fc.array(elementArb, { maxLength: 3 });
  } else if (field.fields) {
    arb = structArb(field.fields, version, flexible);
  } else {
    arb = primitiveArb(field.type);
  }
  return inRange(version, field.nullableVersions) ? fc.option(arb, { nil: null, freq: 4 }) : arb;
}

function structArb(fields: readonly FieldSpec[], version: number, flexible: boolean): fc.Arbitrary<Message> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredKeys: string[] = [];
  for (const field of fields) {
    const role = roleOf(field, version, flexible);
    if (role === 'absent') continue;
    model[field.name] = fieldArb(field, version, flexible);
    if (role === 'regular') requiredKeys.push(field.name);
  }
  // Unknown tagged fields must survive a round trip (they are kept as raw bytes); include some now and then.
  if (flexible) model.unknownTaggedFields = unknownTaggedArb;
  return fc.record(model, { requiredKeys }) as fc.Arbitrary<Message>;
}

// ---------------------------------------------------------------------------------------------
// The expected decoded form, computed from the declaration independently of the codec

function defaultOf(field: FieldSpec, version: number, flexible: boolean): unknown {
  if (arrayElementType(field.type) !== undefined) return field.default === null ? null : [];
  if (field.fields) return field.default === null ? null : complete(field.fields, version, flexible, {});
  const d = field.default;
  switch (field.type) {
    case 'bool':
      return d === undefined ? false : d;
    case 'string':
      return d === undefined ? '' : d;
    case 'uuid':
      return d === null ? null : ZERO_UUID;
    case 'bytes':
      return d === null ? null : Buffer.alloc(0);
    case 'records':
      return null;
    default:
      return d === undefined || d === null ? 0 : Number(d);
  }
}

function completeValue(field: FieldSpec, value: unknown, version: number, flexible: boolean): unknown {
  if (value === null || !field.fields) return value;
  if (arrayElementType(field.type) !== undefined) {
    return (value as Message[]).map((item) => complete(field.fields!, version, flexible, item));
  }
  return complete(field.fields, version, flexible, value as Message);
}

/** `value` with every field the version lacks (or the caller left out) at its default. */
function complete(fields: readonly FieldSpec[], version: number, flexible: boolean, value: Message): Message {
  const out: Message = {};
  for (const field of fields) {
    const role = roleOf(field, version, flexible);
    out[field.name] =
      role !== 'absent' && value[field.name] !== undefined
        ? completeValue(field, value[field.name], version, flexible)
        : defaultOf(field, version, flexible);
  }
  if (value.unknownTaggedFields !== undefined) out.unknownTaggedFields = value.unknownTaggedFields;
  return out;
}

// ---------------------------------------------------------------------------------------------

interface Declared {
  group: string;
  spec: MessageSpec;
}

const declared: Declared[] = [
  ...ALL_APIS.flatMap((api) => [
    { group: `API ${api.apiKey} ${api.name}`, spec: api.request },
    { group: `API ${api.apiKey} ${api.name}`, spec: api.response },
  ]),
  ...ALL_METADATA_RECORDS.map((spec) => ({ group: `metadata record ${spec.apiKey}`, spec })),
  ...ALL_GROUP_RECORDS.flatMap((rec) => [
    { group: `group record ${rec.name}`, spec: rec.key },
    { group: `group record ${rec.name}`, spec: rec.value },
  ]),
];

function roundTrip(spec: MessageSpec, version: number): void {
  const flexible = inRange(version, spec.flexibleVersions);
  fc.assert(
    fc.property(structArb(spec.fields, version, flexible), (value) => {
      const bytes = encodeToBuffer(spec, version, value);

      const reader = new Reader(bytes);
      const decoded = decode(spec, version, reader);
      expect(reader.remaining).toBe(0);
      expect(decoded).toEqual(complete(spec.fields, version, flexible, value));
      expect(decodeBuffer(spec, version, bytes)).toEqual(decoded);

      // The decoded form (defaults filled in, unknown tags kept) encodes back to the same bytes.
      expect(encodeToBuffer(spec, version, decoded).equals(bytes)).toBe(true);
    }),
    { numRuns: NUM_RUNS },
  );
}

describe('declared schemas', () => {
  it('declares something in every family', () => {
    expect(ALL_APIS.length).toBeGreaterThan(0);
    expect(ALL_METADATA_RECORDS.length).toBeGreaterThan(0);
    expect(ALL_GROUP_RECORDS.length).toBeGreaterThan(0);
  });

  it('ALL_APIS is sorted by API key, and request/response agree on key and versions', () => {
    const keys = ALL_APIS.map((api) => api.apiKey);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(new Set(keys).size).toBe(keys.length);
    for (const api of ALL_APIS) {
      expect(api.request.type).toBe('request');
      expect(api.response.type).toBe('response');
      expect(api.request.apiKey).toBe(api.apiKey);
      expect(api.response.apiKey).toBe(api.apiKey);
      expect(api.request.name).toBe(`${api.name}Request`);
      expect(api.response.name).toBe(`${api.name}Response`);
      expect(api.response.validVersions).toBe(api.request.validVersions);
    }
  });

  it('writes a tagged struct whose default is null even when it holds only zero values', () => {
    const spec = ALL_GROUP_RECORDS.find((r) => r.name === 'ConsumerGroupMemberMetadata')!.value;
    const value = { ...defaultsFor(spec, 0), classicMemberMetadata: { sessionTimeoutMs: 0, supportedProtocols: [] } };
    expect(decodeBuffer(spec, 0, encodeToBuffer(spec, 0, value))).toEqual(value);
  });
});

for (const { group, spec } of declared) {
  describe(`${group}: ${spec.name}`, () => {
    const versions = versionsOf(spec);
    if (versions.length === 0) {
      it(`declares no stable version (${spec.validVersions}), so the codec refuses every version`, () => {
        expect(() => defaultsFor(spec, 0)).toThrow(/has no version 0/);
      });
      return;
    }
    for (const version of versions) {
      it(`v${version} round-trips`, () => {
        const flexible = inRange(version, spec.flexibleVersions);
        expect(defaultsFor(spec, version)).toEqual(complete(spec.fields, version, flexible, {}));
        roundTrip(spec, version);
      });
    }
  });
}
