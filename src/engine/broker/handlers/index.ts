/**
 * The handler table: one file per API key, registered here. ApiVersions advertises exactly this
 * table, so adding an API is a declaration under protocol/messages plus a handler file listed below.
 */
import type { ApiHandler } from '../handler.js';
import metadata from './03-metadata.js';
import apiVersions from './18-api-versions.js';
import describeCluster from './60-describe-cluster.js';

export const HANDLERS: readonly ApiHandler[] = [metadata, apiVersions, describeCluster];

export class HandlerRegistry {
  readonly byKey: ReadonlyMap<number, ApiHandler>;

  constructor(handlers: readonly ApiHandler[] = HANDLERS) {
    const byKey = new Map<number, ApiHandler>();
    for (const h of handlers) {
      if (byKey.has(h.apiKey)) throw new Error(`two handlers for api key ${h.apiKey}`);
      byKey.set(h.apiKey, h);
    }
    this.byKey = byKey;
  }

  advertised(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.byKey.values()]
      .sort((a, b) => a.apiKey - b.apiKey)
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
  }
}
