/**
 * The one generic reader and writer for every declared message.
 *
 * A MessageSpec is compiled once per version into a `StructCodec`: an array of small closures, one
 * per field present in that version, each knowing its wire form (compact or not, nullable or not).
 * Compiled codecs are cached, so per-message work is just running the closures.
 *
 * Encoding rules (Kafka protocol guide): non-flexible versions use INT16-length strings, INT32-length
 * bytes and INT32-count arrays (-1 = null); flexible versions use UNSIGNED_VARINT length+1 (0 = null)
 * and end every struct with a tagged-field section. Nullable structs carry an int8 presence marker.
 * Fields absent from a version decode to their default and are not written.
 */
import { ProtocolError, Reader, Writer, ZERO_UUID, utf8ByteLength } from './primitives.js';
import type { BodyOf, MessageOf } from './message-types.js';
import { arrayElementType, type FieldSpec, inRange, isPrimitive, type MessageSpec } from './schema.js';

// Decoded messages are plain objects whose shape is given by the declaration.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Message = Record<string, any>;

export interface StructCodec {
  read(r: Reader): Message;
  write(w: Writer, value: Message): void;
  defaults(): Message;
}

interface ValueCodec {
  read(r: Reader): unknown;
  write(w: Writer, v: unknown): void;
}

export interface UnknownTaggedField {
  tag: number;
  data: Buffer;
}

const compiled = new WeakMap<MessageSpec, Map<number, StructCodec>>();

export function codecFor(spec: MessageSpec, version: number): StructCodec {
  let byVersion = compiled.get(spec);
  if (!byVersion) compiled.set(spec, (byVersion = new Map()));
  let codec = byVersion.get(version);
  if (!codec) {
    if (!inRange(version, spec.validVersions)) {
      throw new ProtocolError(`${spec.name} has no version ${version} (valid ${spec.validVersions})`);
    }
    codec = compileStruct(spec.fields, version, inRange(version, spec.flexibleVersions));
    byVersion.set(version, codec);
  }
  return codec;
}

// The typed entry points: with a literal-typed declaration the value is checked against it
// (message-types.ts); with a plain MessageSpec they take and give the untyped Message.

export function encode<S extends MessageSpec>(spec: S, version: number, value: BodyOf<S>, w: Writer): void {
  codecFor(spec, version).write(w, value as Message);
}

export function decode<S extends MessageSpec>(spec: S, version: number, r: Reader): MessageOf<S> {
  return codecFor(spec, version).read(r) as MessageOf<S>;
}

export function encodeToBuffer<S extends MessageSpec>(spec: S, version: number, value: BodyOf<S>): Buffer {
  const w = new Writer();
  encode(spec, version, value, w);
  return w.toBuffer();
}

/** Decode a whole buffer; bytes left over mean the message was not what we think it is. */
export function decodeBuffer<S extends MessageSpec>(spec: S, version: number, buf: Buffer): MessageOf<S> {
  const r = new Reader(buf);
  const value = decode(spec, version, r);
  if (r.remaining !== 0) throw new ProtocolError(`${spec.name} v${version}: ${r.remaining} bytes left over`);
  return value;
}

export function defaultsFor<S extends MessageSpec>(spec: S, version: number): MessageOf<S> {
  return codecFor(spec, version).defaults() as MessageOf<S>;
}

/** Fill in every field the caller left out with its default, so handlers can build partial objects. */
export function withDefaults<S extends MessageSpec>(spec: S, version: number, value: BodyOf<S>): MessageOf<S> {
  return { ...defaultsFor(spec, version), ...(value as Message) } as MessageOf<S>;
}

interface CompiledField {
  name: string;
  codec: ValueCodec;
  defaultValue: () => unknown;
  isDefault: (v: unknown) => boolean;
}

function compileStruct(fields: readonly FieldSpec[], version: number, flexible: boolean): StructCodec {
  const regular: CompiledField[] = [];
  const tagged: (CompiledField & { tag: number })[] = [];
  const absent: CompiledField[] = [];

  for (const field of fields) {
    const present = inRange(version, field.versions);
    const isTagged = flexible && field.tag !== undefined && inRange(version, field.taggedVersions);
    const compiledField = compileField(field, version, flexible, present || isTagged);
    if (isTagged) tagged.push({ ...compiledField, tag: field.tag! });
    else if (present && field.tag === undefined) regular.push(compiledField);
    else absent.push(compiledField);
  }
  tagged.sort((a, b) => a.tag - b.tag);
  const taggedByTag = new Map(tagged.map((f) => [f.tag, f]));
  const all = [...regular, ...tagged, ...absent];

  const defaults = (): Message => {
    const out: Message = {};
    for (const f of all) out[f.name] = f.defaultValue();
    return out;
  };

  return {
    defaults,
    read(r) {
      const out: Message = {};
      for (const f of regular) out[f.name] = f.codec.read(r);
      for (const f of tagged) out[f.name] = f.defaultValue();
      for (const f of absent) out[f.name] = f.defaultValue();
      if (flexible) {
        let unknown: UnknownTaggedField[] | undefined;
        const count = r.uvarint();
        for (let i = 0; i < count; i++) {
          const tag = r.uvarint();
          const size = r.uvarint();
          const known = taggedByTag.get(tag);
          if (known) {
            const sub = new Reader(r.buf, r.pos, r.pos + size);
            out[known.name] = known.codec.read(sub);
            r.skip(size);
          } else (unknown ??= []).push({ tag, data: r.slice(size) });
        }
        if (unknown) out.unknownTaggedFields = unknown;
      }
      return out;
    },
    write(w, value) {
      for (const f of regular) {
        const v = value[f.name];
        f.codec.write(w, v === undefined ? f.defaultValue() : v);
      }
      if (!flexible) return;
      const unknownTags: UnknownTaggedField[] | undefined = value.unknownTaggedFields;
      // Most structs have no tagged field to write: skip the bookkeeping (responses repeat them by the hundred).
      if (tagged.length === 0 && !unknownTags) return w.uvarint(0);
      const toWrite: { tag: number; write: (w: Writer) => void }[] = [];
      for (const f of tagged) {
        const v = value[f.name];
        if (v !== undefined && !f.isDefault(v)) toWrite.push({ tag: f.tag, write: (sub) => f.codec.write(sub, v) });
      }
      if (unknownTags) for (const u of unknownTags) toWrite.push({ tag: u.tag, write: (sub) => sub.bytes(u.data) });
      if (unknownTags) toWrite.sort((a, b) => a.tag - b.tag);
      w.uvarint(toWrite.length);
      for (const t of toWrite) {
        const sub = new Writer(64);
        t.write(sub);
        w.uvarint(t.tag);
        w.uvarint(sub.length);
        for (const chunk of sub.chunksOut()) w.bytes(chunk);
      }
    },
  };
}

function compileField(field: FieldSpec, version: number, flexible: boolean, present: boolean): CompiledField {
  const nullable = inRange(version, field.nullableVersions);
  const fieldFlexible = field.flexibleVersions !== undefined ? inRange(version, field.flexibleVersions) : flexible;
  const element = arrayElementType(field.type);
  const where = `${field.name}`;

  if (element !== undefined) {
    const elementCodec: ValueCodec = field.fields
      ? structValue(compileStruct(field.fields, version, flexible))
      : primitiveCodec(element, false, fieldFlexible, where);
    const defaultValue = () => (field.default === null ? null : []);
    return {
      name: field.name,
      codec: arrayCodec(elementCodec, nullable, fieldFlexible, where),
      defaultValue,
      isDefault: (v) => (v === null ? field.default === null : Array.isArray(v) && v.length === 0 && field.default !== null),
    };
  }

  if (field.fields) {
    const struct = compileStruct(field.fields, version, flexible);
    const defaultValue = () => (field.default === null ? null : struct.defaults());
    return {
      name: field.name,
      codec: nullable ? nullableStruct(struct) : structValue(struct),
      defaultValue,
      isDefault: (v) => (v === null ? field.default === null : field.default !== null && deepEqual(v, struct.defaults())),
    };
  }

  if (!isPrimitive(field.type)) throw new Error(`${where}: unknown type ${field.type}`);
  const defaultValue = primitiveDefault(field);
  return {
    name: field.name,
    codec: present ? primitiveCodec(field.type, nullable, fieldFlexible, where) : NOT_PRESENT,
    defaultValue: () => defaultValue,
    isDefault: (v) =>
      Buffer.isBuffer(v) && Buffer.isBuffer(defaultValue) ? v.equals(defaultValue) : v === defaultValue,
  };
}

const NOT_PRESENT: ValueCodec = {
  read: () => undefined,
  write: () => undefined,
};

function primitiveDefault(field: FieldSpec): unknown {
  const d = field.default;
  switch (field.type) {
    case 'bool':
      return d === undefined ? false : d === true || d === 'true';
    case 'string':
      return d === undefined ? '' : d;
    case 'uuid':
      return d === undefined || d === null ? (d === null ? null : ZERO_UUID) : d;
    case 'bytes':
      return d === null ? null : EMPTY;
    case 'records':
      return null;
    default:
      return d === undefined || d === null ? 0 : Number(d);
  }
}

const EMPTY = Buffer.alloc(0);

function lengthReader(r: Reader, flexible: boolean, wide: boolean): number {
  if (flexible) return r.uvarint() - 1;
  return wide ? r.int32() : r.int16();
}

function lengthWriter(w: Writer, flexible: boolean, wide: boolean, length: number): void {
  if (flexible) w.uvarint(length + 1);
  else if (wide) w.int32(length);
  else w.int16(length);
}

function checkNull(nullable: boolean, where: string): null {
  if (!nullable) throw new ProtocolError(`${where}: null in a non-nullable field`);
  return null;
}

function primitiveCodec(type: string, nullable: boolean, flexible: boolean, where: string): ValueCodec {
  switch (type) {
    case 'bool':
      return { read: (r) => r.bool(), write: (w, v) => w.bool(v as boolean) };
    case 'int8':
      return { read: (r) => r.int8(), write: (w, v) => w.int8(v as number) };
    case 'int16':
      return { read: (r) => r.int16(), write: (w, v) => w.int16(v as number) };
    case 'uint16':
      return { read: (r) => r.uint16(), write: (w, v) => w.uint16(v as number) };
    case 'int32':
      return { read: (r) => r.int32(), write: (w, v) => w.int32(v as number) };
    case 'uint32':
      return { read: (r) => r.uint32(), write: (w, v) => w.uint32(v as number) };
    case 'int64':
      return { read: (r) => r.int64(), write: (w, v) => w.int64(v as number) };
    case 'float64':
      return { read: (r) => r.float64(), write: (w, v) => w.float64(v as number) };
    case 'uuid':
      return { read: (r) => r.uuid(), write: (w, v) => w.uuid((v as string | null) ?? ZERO_UUID) };
    case 'string':
      return {
        read(r) {
          const len = lengthReader(r, flexible, false);
          if (len < 0) return checkNull(nullable, where);
          return r.utf8(len);
        },
        write(w, v) {
          if (v === null || v === undefined) {
            checkNull(nullable, where);
            return lengthWriter(w, flexible, false, -1);
          }
          const s = v as string;
          lengthWriter(w, flexible, false, utf8ByteLength(s));
          w.utf8(s);
        },
      };
    case 'bytes':
    case 'records':
      return {
        read(r) {
          const len = lengthReader(r, flexible, true);
          if (len < 0) return type === 'records' ? null : checkNull(nullable, where);
          return r.slice(len);
        },
        write(w, v) {
          if (v === null || v === undefined) {
            if (type !== 'records') checkNull(nullable, where);
            return lengthWriter(w, flexible, true, -1);
          }
          const b = v as Buffer;
          lengthWriter(w, flexible, true, b.length);
          w.bytes(b);
        },
      };
    default:
      throw new Error(`${where}: unknown primitive ${type}`);
  }
}

function arrayCodec(element: ValueCodec, nullable: boolean, flexible: boolean, where: string): ValueCodec {
  return {
    read(r) {
      const count = lengthReader(r, flexible, true);
      if (count < 0) return checkNull(nullable, where);
      // Every element takes at least one byte, so a count beyond the bytes left is a lie: refuse it
      // before allocating.
      if (count > r.remaining) throw new ProtocolError(`${where}: array of ${count} with ${r.remaining} bytes left`);
      const out = new Array(count);
      for (let i = 0; i < count; i++) out[i] = element.read(r);
      return out;
    },
    write(w, v) {
      if (v === null || v === undefined) {
        checkNull(nullable, where);
        return lengthWriter(w, flexible, true, -1);
      }
      const items = v as unknown[];
      lengthWriter(w, flexible, true, items.length);
      for (const item of items) element.write(w, item);
    },
  };
}

function structValue(struct: StructCodec): ValueCodec {
  return {
    read: (r) => struct.read(r),
    write: (w, v) => struct.write(w, (v ?? {}) as Message),
  };
}

function nullableStruct(struct: StructCodec): ValueCodec {
  return {
    read: (r) => (r.int8() < 0 ? null : struct.read(r)),
    write(w, v) {
      if (v === null || v === undefined) return w.int8(-1);
      w.int8(1);
      struct.write(w, v as Message);
    },
  };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => deepEqual((a as Message)[k], (b as Message)[k]));
}
