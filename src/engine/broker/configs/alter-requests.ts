/**
 * The receiving broker's part of AlterConfigs and IncrementalAlterConfigs (Kafka's
 * ConfigAdminManager.preprocess): checks that need only the request and this node's id. Resources
 * that pass go to the controller, which validates the configs themselves and commits them; the
 * answers come back in request order.
 */
import type { ConfigChange, ConfigResourceChange } from '../../controller/config-control.js';
import { AlterOp } from '../../controller/config-control.js';
import type { Outcome } from '../../controller/topic-control.js';
import { ConfigResourceType } from '../../metadata/record-types.js';
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { RequestContext } from '../handler.js';

const invalid = (errorMessage: string): Outcome => ({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage });

/** A broker resource may only be this node, by id (ConfigAdminManager.validateResourceNameIsCurrentNodeId). */
function nodeIdProblem(name: string, nodeId: number): string | undefined {
  if (!/^[-+]?\d+$/.test(name) || Math.abs(Number(name)) > 2147483647) return `Node id must be an integer, but it is: ${name}`;
  if (Number(name) !== nodeId) return `Unexpected broker id, expected ${nodeId}, but received ${name}`;
  return undefined;
}

function preprocess(resource: Message, incremental: boolean, nodeId: number): Outcome | ConfigResourceChange {
  const configs = resource.configs as Message[];
  const names = configs.map((c) => c.name as string);
  if (new Set(names).size !== names.length) return invalid('Error due to duplicate config keys');
  const nulls = configs.filter((c) => c.value === null && (!incremental || c.configOperation !== AlterOp.Delete)).map((c) => c.name);
  if (nulls.length > 0) return invalid(`Null value not supported for : ${nulls.join(', ')}`);
  const bad = incremental ? configs.find((c) => c.configOperation < AlterOp.Set || c.configOperation > AlterOp.Subtract) : undefined;
  if (bad) return invalid(`Unknown operations type ${bad.configOperation}`);

  switch (resource.resourceType) {
    case ConfigResourceType.BrokerLogger: {
      // Kafka changes log4j levels here; kt's logger has no per-logger levels to change.
      if (!incremental) return invalid(`Unknown resource type ${resource.resourceType}`);
      const problem = nodeIdProblem(resource.resourceName, nodeId);
      return invalid(problem ?? 'kt does not support changing log levels at runtime (BROKER_LOGGER resources)');
    }
    case ConfigResourceType.Broker: {
      const problem = resource.resourceName === '' ? undefined : nodeIdProblem(resource.resourceName, nodeId);
      if (problem) return invalid(problem);
      break;
    }
    case ConfigResourceType.Topic:
      break;
    default:
      return invalid(`Unknown resource type ${resource.resourceType}`);
  }
  return {
    resourceType: resource.resourceType,
    resourceName: resource.resourceName,
    replaceAll: !incremental,
    changes: configs.map((c): ConfigChange => ({ name: c.name, op: incremental ? c.configOperation : AlterOp.Set, value: c.value })),
  };
}

/** Run an AlterConfigs (incremental = false) or IncrementalAlterConfigs request; one answer per resource. */
export async function alterConfigResources(request: Message, incremental: boolean, ctx: RequestContext): Promise<Message[]> {
  const resources = request.resources as Message[];
  const outcomes: (Outcome | undefined)[] = resources.map(() => undefined);
  const seen = new Map<string, number[]>();
  resources.forEach((r, i) => {
    const id = `${r.resourceType}\u0000${r.resourceName}`;
    seen.set(id, [...(seen.get(id) ?? []), i]);
  });
  for (const indexes of seen.values()) {
    if (indexes.length > 1) for (const i of indexes) outcomes[i] = invalid('Each resource must appear at most once.');
  }
  const forwarded: { index: number; change: ConfigResourceChange }[] = [];
  resources.forEach((r, index) => {
    if (outcomes[index]) return;
    const pre = preprocess(r, incremental, ctx.services.nodeId);
    if ('errorCode' in pre) outcomes[index] = pre;
    else forwarded.push({ index, change: pre });
  });
  if (forwarded.length > 0) {
    const results = await ctx.services.controller.alterConfigs(forwarded.map((f) => f.change), request.validateOnly);
    forwarded.forEach((f, i) => (outcomes[f.index] = results[i]));
  }
  return resources.map((r, i) => ({
    errorCode: outcomes[i]!.errorCode,
    errorMessage: outcomes[i]!.errorMessage,
    resourceType: r.resourceType,
    resourceName: r.resourceName,
  }));
}
