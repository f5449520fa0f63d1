/**
 * DescribeCluster (key 60), versions 0-1 (flexible from v0; KIP-700).
 *
 * The cluster id, the controller id as Kafka's KRaft brokers report it (a random live broker,
 * controller-id.ts) and the live brokers with their endpoint on the listener
 * the request arrived on. v1 adds endpointType: 1 asks for brokers, 2 for controllers; kt answers
 * controller requests on broker listeners with MISMATCHED_ENDPOINT_TYPE, as Kafka does.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { DescribeClusterRequest, DescribeClusterResponse } from '../../protocol/messages/60-describe-cluster.js';
import { CLUSTER_OPERATIONS, OPERATIONS_NOT_REQUESTED } from '../acl-operations.js';
import { defineHandler } from '../handler.js';
import { reportedControllerId } from '../controller-id.js';

const BROKERS_ENDPOINT = 1;

export default defineHandler({
  apiKey: 60,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  request: DescribeClusterRequest,
  response: DescribeClusterResponse,
  handle(request, ctx) {
    const image = ctx.services.metadata();
    if (request.endpointType !== BROKERS_ENDPOINT) {
      return {
        errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE,
        errorMessage: 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER',
        endpointType: request.endpointType,
        clusterId: image.clusterId,
      };
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: BROKERS_ENDPOINT,
      clusterId: image.clusterId,
      controllerId: reportedControllerId(image, ctx.listenerName),
      brokers: image.liveBrokers().flatMap((b) => {
        const ep = b.endpoints.find((e) => e.name === ctx.listenerName);
        return ep ? [{ brokerId: b.nodeId, host: ep.host, port: ep.port, rack: b.rack }] : [];
      }),
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : OPERATIONS_NOT_REQUESTED,
    };
  },
});
