/**
 * Turns one request frame into one response frame: header, version negotiation, decoding, the
 * handler call, encoding. Everything protocol-shaped that handlers should not have to know.
 *
 * Kafka's rules, kept here:
 * - An unknown API key, or a version kt does not implement, closes the connection — except
 *   ApiVersions, which answers UNSUPPORTED_VERSION with a v0 body listing what kt does support, so
 *   a newer client can fall back.
 * - A request that cannot be decoded closes the connection (Kafka's InvalidRequestException).
 * - A handler that throws answers that request with its error code (UNKNOWN_SERVER_ERROR unless it
 *   threw a KafkaError); the connection lives on.
 */
import { codecFor, defaultsFor, type Message } from '../protocol/codec.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import {
  isFlexible,
  peekApiKeyAndVersion,
  readRequestHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  writeResponseHeader,
} from '../protocol/headers.js';
import { ProtocolError, Reader, Writer } from '../protocol/primitives.js';
import type { Logger } from '../logger.js';
import { type ApiHandler, NO_RESPONSE, type RequestContext } from './handler.js';
import type { HandlerRegistry } from './handlers/index.js';
import type { BrokerServices } from './services.js';

const API_VERSIONS_KEY = 18;

export interface ConnectionInfo {
  clientHost: string;
  listenerName: string;
}

/** What to do with one frame: send these bytes, send nothing, or drop the connection. */
export type DispatchOutcome =
  | { kind: 'respond'; chunks: Buffer[]; size: number }
  | { kind: 'none' }
  | { kind: 'close'; reason: string };

export class RequestDispatcher {
  constructor(
    private readonly registry: HandlerRegistry,
    private readonly services: BrokerServices,
    private readonly log: Logger,
  ) {}

  /**
   * Parse the frame and start its handler. Parsing and the handler's synchronous part run before
   * this returns, so requests on a connection reach the engine in the order they arrived.
   */
  dispatch(frame: Buffer, conn: ConnectionInfo): DispatchOutcome | Promise<DispatchOutcome> {
    if (frame.length < 8) return { kind: 'close', reason: `frame of ${frame.length} bytes is too short` };
    const { apiKey, apiVersion, correlationId } = peekApiKeyAndVersion(frame);
    const handler = this.registry.byKey.get(apiKey);
    if (!handler) return { kind: 'close', reason: `unknown api key ${apiKey}` };

    const supported = apiVersion >= handler.minVersion && apiVersion <= handler.maxVersion;
    if (!supported && apiKey !== API_VERSIONS_KEY) {
      return { kind: 'close', reason: `${handler.name} v${apiVersion} is not supported` };
    }

    let request: Message;
    let ctx: RequestContext;
    try {
      const reader = new Reader(frame);
      // An unsupported ApiVersions version still has a v1 or v2 header: v3+ requests are flexible.
      const flexible = supported ? isFlexible(handler.request, apiVersion) : apiVersion >= 3;
      const header = readRequestHeader(reader, requestHeaderVersion(apiKey, apiVersion, flexible));
      ctx = { header, apiVersion, clientHost: conn.clientHost, listenerName: conn.listenerName, services: this.services, apis: this.registry };
      if (!supported) {
        return this.encode(handler, 0, correlationId, this.unsupportedApiVersions());
      }
      request = codecFor(handler.request, apiVersion).read(reader);
      if (reader.remaining !== 0) {
        throw new ProtocolError(`${reader.remaining} bytes after the ${handler.name} request`);
      }
    } catch (err) {
      return { kind: 'close', reason: `malformed ${handler.name} v${apiVersion} request: ${(err as Error).message}` };
    }

    const respond = (response: Message | typeof NO_RESPONSE): DispatchOutcome =>
      response === NO_RESPONSE ? { kind: 'none' } : this.encode(handler, apiVersion, correlationId, response);
    const fail = (err: unknown): DispatchOutcome => respond(this.errorResponse(handler, request, ctx, err));

    try {
      const result = handler.handle(request, ctx);
      if (result instanceof Promise) return result.then(respond, fail);
      return respond(result);
    } catch (err) {
      return fail(err);
    }
  }

  private errorResponse(handler: ApiHandler, request: Message, ctx: RequestContext, err: unknown): Message {
    const code = err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR;
    if (!(err instanceof KafkaError)) {
      this.log.error(`${handler.name} v${ctx.apiVersion} from ${ctx.header.clientId ?? '-'} failed`, err);
    }
    if (handler.errorResponse) return handler.errorResponse(request, code, ctx);
    const response = defaultsFor(handler.response, ctx.apiVersion);
    response.errorCode = code;
    if ('errorMessage' in response && err instanceof Error) response.errorMessage = err.message;
    return response;
  }

  private unsupportedApiVersions(): Message {
    return { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: this.registry.advertised(), throttleTimeMs: 0 };
  }

  private encode(handler: ApiHandler, version: number, correlationId: number, response: Message): DispatchOutcome {
    const flexible = isFlexible(handler.response, version);
    const w = new Writer();
    w.int32(0); // size, patched below once known
    writeResponseHeader(w, responseHeaderVersion(handler.apiKey, flexible), correlationId);
    codecFor(handler.response, version).write(w, response);
    const chunks = w.chunksOut();
    const size = w.length;
    chunks[0].writeInt32BE(size - 4, 0);
    return { kind: 'respond', chunks, size };
  }
}
