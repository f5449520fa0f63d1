/**
 * The contract between the network loop and the request handlers.
 *
 * Each handler file under handlers/ declares the API it serves, the version range kt implements
 * (which is exactly what ApiVersions advertises), and a `handle` function that receives an already
 * decoded request and returns a response object. Handlers never see bytes: decoding and encoding
 * stay in the dispatcher, so the logic can be tested and reasoned about apart from the wire.
 */
import type { Message } from '../protocol/codec.js';
import type { RequestHeaderData } from '../protocol/headers.js';
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
export type HandlerResult = Message | typeof NO_RESPONSE;

export interface ApiHandler {
  apiKey: number;
  name: string;
  /** Versions kt implements; a subset of what the declarations can encode. */
  minVersion: number;
  maxVersion: number;
  request: MessageSpec;
  response: MessageSpec;
  handle(request: Message, ctx: RequestContext): HandlerResult | Promise<HandlerResult>;
  /**
   * The response to send when `handle` failed unexpectedly. Without it, the dispatcher answers with
   * the response defaults and `errorCode` set, which fits every API whose response has a top-level
   * error code.
   */
  errorResponse?(request: Message, errorCode: number, ctx: RequestContext): Message;
}

export function defineHandler(handler: ApiHandler): ApiHandler {
  if (handler.request.apiKey !== handler.apiKey || handler.response.apiKey !== handler.apiKey) {
    throw new Error(`${handler.name}: declarations are for another api key`);
  }
  return handler;
}
