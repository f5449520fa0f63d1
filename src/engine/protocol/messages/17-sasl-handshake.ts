/**
 * SaslHandshake (API key 17).
 *
 * Valid versions: 0-1 (0 deprecated upstream). Flexible versions: none.
 * Served by: broker, controller.
 *
 * v0: pick a SASL mechanism; raw SASL tokens follow on the socket.
 * v1: no wire change; tokens follow in SaslAuthenticate requests (cannot be bumped, KAFKA-9577).
 */
import type { MessageSpec } from '../schema.js';

export const SaslHandshakeRequest = {
  name: 'SaslHandshakeRequest',
  type: 'request',
  apiKey: 17,
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    { name: 'mechanism', type: 'string', versions: '0+' },
  ],
} as const satisfies MessageSpec;

export const SaslHandshakeResponse = {
  name: 'SaslHandshakeResponse',
  type: 'response',
  apiKey: 17,
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'mechanisms', type: '[]string', versions: '0+' },
  ],
} as const satisfies MessageSpec;
