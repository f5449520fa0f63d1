/**
 * Request and response headers, and which header version goes with which API version.
 *
 * RequestHeader v0: apiKey, apiVersion, correlationId (only ControlledShutdown v0).
 *               v1: + clientId (nullable INT16 string, never compact: brokers must be able to read it
 *                   before they know whether the client's version is one they understand).
 *               v2: + tagged fields (flexible request versions).
 * ResponseHeader v0: correlationId.  v1: + tagged fields (flexible response versions), except
 *                   ApiVersions, whose response header is always v0 so any client can read it.
 */
import { codecFor, type Message } from './codec.js';
import type { Reader, Writer } from './primitives.js';
import { inRange, type MessageSpec } from './schema.js';

export const RequestHeader = {
  name: 'RequestHeader',
  type: 'header',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'requestApiKey', type: 'int16', versions: '0+' },
    { name: 'requestApiVersion', type: 'int16', versions: '0+' },
    { name: 'correlationId', type: 'int32', versions: '0+' },
    { name: 'clientId', type: 'string', versions: '1+', nullableVersions: '1+', ignorable: true, flexibleVersions: 'none' },
  ],
} as const satisfies MessageSpec;

export const ResponseHeader = {
  name: 'ResponseHeader',
  type: 'header',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [{ name: 'correlationId', type: 'int32', versions: '0+' }],
} as const satisfies MessageSpec;

export interface RequestHeaderData {
  requestApiKey: number;
  requestApiVersion: number;
  correlationId: number;
  clientId: string | null;
}

const API_VERSIONS_KEY = 18;
const CONTROLLED_SHUTDOWN_KEY = 7;

/** Whether `version` of the API whose request spec is `spec` is a flexible version. */
export function isFlexible(spec: MessageSpec, version: number): boolean {
  return inRange(version, spec.flexibleVersions);
}

export function requestHeaderVersion(apiKey: number, apiVersion: number, flexible: boolean): number {
  if (apiKey === CONTROLLED_SHUTDOWN_KEY && apiVersion === 0) return 0;
  return flexible ? 2 : 1;
}

export function responseHeaderVersion(apiKey: number, flexible: boolean): number {
  if (apiKey === API_VERSIONS_KEY) return 0;
  return flexible ? 1 : 0;
}

/** The fixed part of every request header, peeked before we know which header version follows. */
export function peekApiKeyAndVersion(frame: Buffer): { apiKey: number; apiVersion: number; correlationId: number } {
  return { apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2), correlationId: frame.readInt32BE(4) };
}

export function readRequestHeader(r: Reader, headerVersion: number): RequestHeaderData {
  const header = codecFor(RequestHeader, headerVersion).read(r) as RequestHeaderData;
  return header;
}

export function writeRequestHeader(w: Writer, headerVersion: number, header: RequestHeaderData): void {
  codecFor(RequestHeader, headerVersion).write(w, header as unknown as Message);
}

export function writeResponseHeader(w: Writer, headerVersion: number, correlationId: number): void {
  codecFor(ResponseHeader, headerVersion).write(w, { correlationId });
}

export function readResponseHeader(r: Reader, headerVersion: number): { correlationId: number } {
  return codecFor(ResponseHeader, headerVersion).read(r) as { correlationId: number };
}
