/**
 * The contract between the network loop and the request handlers.
 *
 * Each handler file under handlers/ declares the API it serves, the version range kt implements
 * (which is exactly what ApiVersions advertises), and a `handle` function that receives an already
 * decoded request and returns a response object. Handlers never see bytes: decoding and encoding
 * stay in the dispatcher, so the logic can be tested and reasoned about apart from the wire. Both
 * objects are typed from the declarations (protocol/message-types.ts), so a misspelled or mistyped
 * field is a compile error.
 */
import type { RequestHeaderData } from '../protocol/headers.js';
import type { BodyOf, ExcessKeys, MessageOf } from '../protocol/message-types.js';
import type { MessageSpec } from '../protocol/schema.js';
import type { HandlerRegistry } from './handlers/index.js';
import type { BrokerServices } from './services.js';

export interface RequestContext {
  header: RequestHeaderData;
  apiVersion: number;
  /** Remote address of the client, as Kafka reports it (e.g. "/127.0.0.1"). */
  clientHost: string;
  listenerName: string;
  services: BrokerServices;
  /** The handler table, for ApiVersions. */
  apis: HandlerRegistry;
}

/** A response, or NO_RESPONSE for requests Kafka never answers (Produce with acks=0). */
export const NO_RESPONSE = Symbol('no-response');
export type HandlerResult<Res extends MessageSpec = MessageSpec> = BodyOf<Res> | typeof NO_RESPONSE;

/**
 * A handler for one API. `defineHandler` infers Req and Res from the declarations it names, so
 * `handle` receives the request typed from its declaration and must return a response of the
 * response declaration's shape (any subset of fields: the codec writes defaults for the rest). The
 * table (handlers/index.ts) and the dispatcher see the erased form, ApiHandler<MessageSpec, MessageSpec>.
 */
export interface ApiHandler<Req extends MessageSpec = MessageSpec, Res extends MessageSpec = MessageSpec> {
  apiKey: number;
  name: string;
  /** Versions kt implements; a subset of what the declarations can encode. */
  minVersion: number;
  maxVersion: number;
  request: Req;
  response: Res;
  handle(request: MessageOf<Req>, ctx: RequestContext): HandlerResult<Res> | Promise<HandlerResult<Res>>;
  /**
   * The response to send when `handle` failed unexpectedly. Without it, the dispatcher answers with
   * the response defaults and `errorCode` set, which fits every API whose response has a top-level
   * error code.
   */
  errorResponse?(request: MessageOf<Req>, errorCode: number, ctx: RequestContext): BodyOf<Res>;
}

/** A handler as written: `handle` returns Out, which must fit the response declaration exactly. */
type HandlerDefinition<Req extends MessageSpec, Res extends MessageSpec, Out> = Omit<ApiHandler<Req, Res>, 'handle'> & {
  handle(request: MessageOf<Req>, ctx: RequestContext): Out | Promise<Out>;
};

/** Fails to type-check, naming the field, when a handler's response has a field the declaration lacks. */
type NoMisspelledFields<Out, Res extends MessageSpec> = [ExcessKeys<Out, BodyOf<Res>>] extends [never]
  ? unknown
  : 0 extends 1 & ExcessKeys<Out, BodyOf<Res>>
    ? unknown // the response was built from an expression already in error: report that, not this
    : { handle: `response field not in ${Res['name']}: ${ExcessKeys<Out, BodyOf<Res>> & string}` };

export function defineHandler<Req extends MessageSpec, Res extends MessageSpec, Out extends HandlerResult<Res>>(
  handler: HandlerDefinition<Req, Res, Out> & NoMisspelledFields<Out, Res>,
): ApiHandler {
  if (handler.request.apiKey !== handler.apiKey || handler.response.apiKey !== handler.apiKey) {
    throw new Error(`${handler.name}: declarations are for another api key`);
  }
  return handler as unknown as ApiHandler;
}
