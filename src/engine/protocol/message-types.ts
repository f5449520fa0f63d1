/**
 * TypeScript types derived from the declarations, so a misspelled field or a wrong value type is a
 * compile error rather than a surprise at run time. The declarations are literal-typed
 * (`as const satisfies MessageSpec`), and `MessageOf<typeof FetchRequest>` maps them field by field
 * to the plain objects the codec reads and writes:
 *
 * - int8/int16/uint16/int32/uint32/int64/float64 -> number (int64 decodes to a JS number),
 *   bool -> boolean, string -> string, uuid -> string (base64url, as primitives.ts reads it),
 *   bytes -> Buffer, records -> Buffer | null (the codec reads a null record set whatever the
 *   declaration says);
 * - `[]X` -> an array, a struct (with `fields`) -> a nested object;
 * - `| null` where the declaration has nullableVersions or a null default;
 * - every declared field is present after decode, whatever the version: the codec fills fields
 *   absent from a version, and tagged fields not sent, with their defaults;
 * - every struct may carry `unknownTaggedFields` (tagged fields the declaration does not know).
 *
 * A spec typed only as `MessageSpec` (not literal) maps to the untyped `Message`, so generic code
 * (the dispatcher, the raw test helpers) keeps working unchanged.
 *
 * `BodyOf` is what a writer may give: the same shape, every field optional at every depth, since the
 * codec writes defaults for whatever is left out.
 */
import type { Message, UnknownTaggedField } from './codec.js';
import type { FieldSpec, MessageSpec } from './schema.js';

interface PrimitiveValues {
  bool: boolean;
  int8: number;
  int16: number;
  uint16: number;
  int32: number;
  uint32: number;
  int64: number;
  float64: number;
  uuid: string;
  string: string;
  bytes: Buffer;
  records: Buffer | null;
}

type Primitive<T extends string> = T extends keyof PrimitiveValues ? PrimitiveValues[T] : never;

/** `| null` when the field may be null in some version, or defaults to null where it is absent. */
type MaybeNull<F extends FieldSpec, T> = F extends { nullableVersions: string } ? T | null : F extends { default: null } ? T | null : T;

type FieldValue<F extends FieldSpec> = MaybeNull<
  F,
  F extends { fields: infer S extends readonly FieldSpec[] }
    ? F['type'] extends `[]${string}`
      ? StructOf<S>[]
      : StructOf<S>
    : F['type'] extends `[]${infer E}`
      ? Primitive<E>[]
      : Primitive<F['type']>
>;

/** The decoded object for a list of field declarations. */
export type StructOf<Fields extends readonly FieldSpec[]> = {
  -readonly [F in Fields[number] as F['name']]: FieldValue<F>;
} & { unknownTaggedFields?: UnknownTaggedField[] };

/** The decoded form of a declaration: every field present (defaults filled in), typed. */
export type MessageOf<S extends MessageSpec> = string extends S['fields'][number]['name'] ? Message : StructOf<S['fields']>;

/** Every field optional at every depth, arrays may be readonly (the writer only reads them); Buffers and primitives stay as they are. */
export type DeepPartial<T> = T extends Buffer
  ? T
  : T extends (infer E)[]
    ? readonly DeepPartial<E>[]
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T;

/** What a writer may hand the codec for a declaration: any subset of the fields; the rest default. */
export type BodyOf<S extends MessageSpec> = string extends S['fields'][number]['name'] ? Message : DeepPartial<MessageOf<S>>;

/**
 * The element of an array field (null, undefined and readonly allowed), for typing a handler's helper
 * functions: `function topicResult(...): ItemOf<BodyOf<typeof MetadataResponse>['topics']>`, or
 * `(t: ItemOf<MessageOf<typeof ProduceRequest>['topicData']>) => ...`.
 */
export type ItemOf<T> = NonNullable<T> extends readonly (infer E)[] ? E : never;

type IsAny<T> = 0 extends 1 & T ? true : false;

/**
 * The keys of T, at any depth, that the shape S does not have: `never` when T fits S exactly.
 * TypeScript checks excess properties only where an object literal is assigned directly, not where a
 * function returns one, so defineHandler uses this to catch a misspelled response field.
 */
export type ExcessKeys<T, S> =
  IsAny<T> extends true
    ? never
    : IsAny<S> extends true
      ? never
      : T extends Buffer | string | number | boolean | bigint | symbol | null | undefined
        ? never
        : T extends readonly (infer E)[]
          ? NonNullable<S> extends readonly (infer SE)[]
            ? ExcessKeys<E, SE>
            : never
          : T extends object
            ? string extends keyof T
              ? never // an untyped Message: nothing to check
              : { [K in keyof T]-?: K extends keyof NonNullable<S> ? ExcessKeys<T[K], NonNullable<S>[K]> : K }[keyof T]
            : never;
