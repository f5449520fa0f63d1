/**
 * ApiVersions (key 18), versions 0-4.
 *
 * Lists every API kt implements with the version range its handler declares — derived from the
 * handler table, so it cannot drift from what is really served. A request for a version newer than
 * kt knows is answered by the dispatcher with UNSUPPORTED_VERSION and a v0 body, as Kafka does.
 *
 * v1 adds throttleTimeMs; v3 (flexible) adds the client's software name/version and the tagged
 * feature fields (supported and finalized features); v4 changes no bytes (see below).
 *
 * Features (metadata/features.ts): SupportedFeatures lists what kt can run (metadata.version,
 * transaction.version 0-2); FinalizedFeatures what the cluster runs, from the FeatureLevelRecords in
 * the metadata log, with the offset of the last applied record as FinalizedFeaturesEpoch (clients
 * keep the features of the highest epoch they saw). The Java client 4.x runs transactions with
 * KIP-890 part 2 (EndTxn v5, Produce v12, TxnOffsetCommit v5) when transaction.version is finalized
 * at 2 — new kt clusters finalize it at start. v4 (KIP-1022 / KAFKA-17011) may list a supported
 * feature whose range starts at 0 (transaction.version); older versions leave such features out.
 */
import { ApiVersionsRequest, ApiVersionsResponse } from '../../protocol/messages/18-api-versions.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler } from '../handler.js';
import { SUPPORTED_FEATURES } from '../../metadata/features.js';

export default defineHandler({
  apiKey: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 4,
  request: ApiVersionsRequest,
  response: ApiVersionsResponse,
  handle(request, ctx) {
    const validName = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;
    if (ctx.apiVersion >= 3 && (!validName.test(request.clientSoftwareName) || !validName.test(request.clientSoftwareVersion))) {
      return { errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [], throttleTimeMs: 0 };
    }
    const image = ctx.services.metadata();
    const finalized = [...image.features].map(([name, level]) => ({ name, minVersionLevel: level, maxVersionLevel: level }));
    return {
      errorCode: ErrorCode.NONE,
      apiKeys: ctx.apis.advertised(),
      throttleTimeMs: 0,
      // Below v4, as Kafka (KAFKA-17011): a supported range starting at 0 is left out, which clients
      // of that age reject (the Java client before 3.9 refuses a minimum of 0).
      supportedFeatures: ctx.apiVersion < 4 ? SUPPORTED_FEATURES.filter((f) => f.minVersion > 0) : SUPPORTED_FEATURES,
      finalizedFeaturesEpoch: finalized.length > 0 ? image.offset : -1,
      finalizedFeatures: finalized,
    };
  },
});
