/**
 * DescribeCluster (key 60), versions 0-1, on the CONTROLLER listener (KIP-919, Kafka's
 * ControllerApis): with endpointType 2 (controllers) the quorum's voters with their controller
 * endpoints and the active controller's id, which `kafka-metadata-quorum --bootstrap-controller`
 * and Admin clients bootstrapped on controllers read. Asking a controller for brokers (type 1, and
 * v0, which means brokers) answers MISMATCHED_ENDPOINT_TYPE, as Kafka's controllers do.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { DescribeClusterRequest, DescribeClusterResponse } from '../../protocol/messages/60-describe-cluster.js';
import { CLUSTER_OPERATIONS, OPERATIONS_NOT_REQUESTED } from '../../broker/acl-operations.js';
import { defineHandler } from '../../broker/handler.js';

const CONTROLLERS_ENDPOINT = 2;

export default defineHandler({
  apiKey: 60,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  request: DescribeClusterRequest,
  response: DescribeClusterResponse,
  handle(request, ctx) {
    const image = ctx.services.metadata();
    if (ctx.apiVersion < 1 || request.endpointType !== CONTROLLERS_ENDPOINT) {
      return {
        errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE,
        errorMessage: 'The request was sent to an endpoint of type CONTROLLER, but we wanted an endpoint of type BROKER',
        endpointType: request.endpointType,
        clusterId: image.clusterId,
      };
    }
    // The voters and the leader as this controller knows them (no leader known: controllerId -1).
    const quorum = ctx.services.quorumInfo();
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: CONTROLLERS_ENDPOINT,
      clusterId: image.clusterId,
      controllerId: quorum && ctx.services.controller.isActive ? ctx.services.nodeId : (quorum?.leaderId ?? -1),
      brokers: (quorum?.nodes ?? []).flatMap((n) => {
        const ep = n.listeners.find((l) => l.name === ctx.listenerName) ?? n.listeners[0];
        return ep ? [{ brokerId: n.nodeId, host: ep.host, port: ep.port, rack: null }] : [];
      }),
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : OPERATIONS_NOT_REQUESTED,
    };
  },
});
