/**
 * Request and response types by API key, for code that names an API by its number (kt's client:
 * `cluster.request(node, 22, {...})`). A key known at compile time gives the declaration's types
 * (message-types.ts); a key only known at run time gives the untyped Message.
 */
import type { Message } from './codec.js';
import type { BodyOf, MessageOf } from './message-types.js';
import type { ALL_APIS } from './messages/index.js';

type Declared = (typeof ALL_APIS)[number];

/** Every API key kt declares. */
export type ApiKey = Declared['apiKey'];

type DeclarationOf<K extends number> = Extract<Declared, { apiKey: K }>;

/** What a caller may send for API key K: any subset of the request's fields. */
export type RequestBodyFor<K extends number> = number extends K ? Message : [DeclarationOf<K>] extends [never] ? Message : BodyOf<DeclarationOf<K>['request']>;

/** The decoded response for API key K. */
export type ResponseFor<K extends number> = number extends K ? Message : [DeclarationOf<K>] extends [never] ? Message : MessageOf<DeclarationOf<K>['response']>;
