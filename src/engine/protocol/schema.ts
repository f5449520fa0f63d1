/**
 * The declaration language for Kafka message schemas.
 *
 * Every request, response, header and record kt speaks is declared once as a `MessageSpec`: plain
 * data mirroring the facts of Apache Kafka's message definitions (field order, types, the versions a
 * field is present in, nullability, tagged fields, defaults). One generic reader and writer
 * (codec.ts) interpret these declarations for any version, so adding an API is a declaration plus a
 * handler, never a hand-written parser.
 *
 * Version ranges use Kafka's notation: "3" (only 3), "1-4" (inclusive), "2+" (2 and later), "none".
 * Field names are the upstream names in camelCase ("TopicName" -> "topicName"), which is also the
 * property name in decoded objects.
 *
 * Declarations are written `export const FooRequest = { ... } as const satisfies MessageSpec` (and
 * shared field lists `[...] as const satisfies readonly FieldSpec[]`): the check is the same, and the
 * literal types survive, so message-types.ts can derive each message's TypeScript type from them.
 */

export type PrimitiveType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'uuid'
  | 'string'
  | 'bytes'
  | 'records';

export interface FieldSpec {
  /** camelCase property name. */
  name: string;
  /**
   * A primitive, `[]primitive` for an array of primitives, or a struct name (`Topic`, `[]Topic`)
   * together with `fields`.
   */
  type: string;
  /** Versions the field is present in (for tagged fields: the versions it may be tagged in). */
  versions: string;
  /** Nested fields for struct and struct-array types. */
  fields?: readonly FieldSpec[];
  /** Versions in which null is a legal value. */
  nullableVersions?: string;
  /** Value used when the field is absent from a version or not set by the caller. */
  default?: number | bigint | boolean | string | null;
  /** Tagged-field tag number; present only for tagged fields. */
  tag?: number;
  /** Versions in which the field is sent as a tagged field (open ended, e.g. "3+"). */
  taggedVersions?: string;
  /** Per-field override of the message's flexible versions (only string/bytes; RequestHeader.ClientId). */
  flexibleVersions?: string;
  /** A writer may silently drop a non-default value in versions lacking the field. */
  ignorable?: boolean;
}

export interface MessageSpec {
  name: string;
  type: 'request' | 'response' | 'header' | 'data' | 'metadata';
  /** Present for requests and responses, and for metadata records (their record type). */
  apiKey?: number;
  validVersions: string;
  flexibleVersions: string;
  fields: readonly FieldSpec[];
}

/** An inclusive version interval; `max` is Infinity for open ranges, `min > max` for "none". */
export interface VersionRange {
  min: number;
  max: number;
}

const rangeCache = new Map<string, VersionRange>();

export function parseVersionRange(text: string): VersionRange {
  let range = rangeCache.get(text);
  if (range) return range;
  const trimmed = text.trim();
  if (trimmed === 'none') range = { min: 1, max: 0 };
  else if (trimmed.endsWith('+')) range = { min: Number(trimmed.slice(0, -1)), max: Infinity };
  else if (trimmed.includes('-')) {
    const [lo, hi] = trimmed.split('-');
    range = { min: Number(lo), max: Number(hi) };
  } else range = { min: Number(trimmed), max: Number(trimmed) };
  if (Number.isNaN(range.min) || Number.isNaN(range.max)) throw new Error(`bad version range "${text}"`);
  rangeCache.set(text, range);
  return range;
}

export function inRange(version: number, text: string | undefined): boolean {
  if (text === undefined) return false;
  const { min, max } = parseVersionRange(text);
  return version >= min && version <= max;
}

/** The element type of an array type (`[]Topic` -> `Topic`), or undefined for non-arrays. */
export function arrayElementType(type: string): string | undefined {
  return type.startsWith('[]') ? type.slice(2) : undefined;
}

const PRIMITIVES = new Set<string>([
  'bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'uuid', 'string', 'bytes', 'records',
]);

export function isPrimitive(type: string): type is PrimitiveType {
  return PRIMITIVES.has(type);
}
