/**
 * Static shape inference: one pass over the nodes in topological order.
 * Stages: (1) seed the Knowns of graph inputs (given) and initializers (their dims, and contents when small);
 * (2) for each node whose inputs are all known, apply its op's rule, which yields the outputs' dtype, shape
 * and (for small tensors) contents; (3) list the nodes that could not be inferred and why.
 * Invariants: a value is assigned at most once, only from its producer's rule; a node with an unknown input,
 * no rule, or a data-dependent shape leaves all its outputs unknown (never guessed).
 */
import { Graph, isConcreteShape } from '../graph/graph';
import { fileOrder } from '../graph/order';
import { QuiltError } from '../core/errors';
import { RuleContext } from './context';
import { Known, decodeTensor, known } from './known';
import { ruleFor } from './rules';

export type UnresolvedReason = 'no-rule' | 'data-dependent' | 'unknown-input';

export interface UnresolvedNode {
  readonly node: number;
  readonly reason: UnresolvedReason;
}

export interface StaticInference {
  /** Per value index: what is known, or undefined. */
  readonly values: readonly (Known | undefined)[];
  /** Nodes whose outputs are (partly) unknown, in topological order. */
  readonly unresolved: readonly UnresolvedNode[];
}

/** Knowns for the graph's initializers (weights with no producer). */
export function initializerKnowns(graph: Graph): Map<number, Known> {
  const seeds = new Map<number, Known>();
  for (const v of graph.values) {
    if (v.producer !== -1 || graph.inputs.includes(v.index)) continue;
    if (v.data !== undefined) seeds.set(v.index, known(v.data.dtype, v.data.dims, decodeTensor(v.data)));
    else if (v.dtype !== undefined && isConcreteShape(v.shape)) seeds.set(v.index, known(v.dtype, v.shape));
    else if (v.consumers.length > 0 || graph.outputs.includes(v.index)) {
      throw new QuiltError(`graph '${graph.name}': weight '${v.name}' has no data and no concrete shape`);
    }
  }
  return seeds;
}

function opsetOf(graph: Graph, domain: string): number {
  const d = domain === 'ai.onnx' ? '' : domain;
  return graph.opsets.find((o) => o.domain === d)?.version ?? 17;
}

/** Runs the static pass. `seeds` holds the graph inputs' (and any other pre-known values') Knowns; `rules: false` applies none. */
export function inferStatic(graph: Graph, seeds: ReadonlyMap<number, Known>, options: { rules?: boolean } = {}): StaticInference {
  const useRules = options.rules ?? true;
  const values: (Known | undefined)[] = graph.values.map((v) => seeds.get(v.index));
  const unresolved: UnresolvedNode[] = [];
  for (const index of fileOrder(graph)) {
    const node = graph.nodes[index];
    if (node.outputs.every((o) => values[o] !== undefined)) continue;
    const inputs = node.inputs.map((i) => (i < 0 ? undefined : values[i]));
    const rule = useRules ? ruleFor(node.domain, node.opType) : undefined;
    let reason: UnresolvedReason | undefined;
    if (rule === undefined) reason = 'no-rule';
    else if (node.inputs.some((i, k) => i >= 0 && inputs[k] === undefined)) reason = 'unknown-input';
    else {
      const outputs = rule(new RuleContext(graph, node, inputs, opsetOf(graph, node.domain)));
      if (outputs === undefined) reason = 'data-dependent';
      else {
        outputs.forEach((k, i) => { if (i < node.outputs.length) values[node.outputs[i]] = k; });
        if (outputs.length < node.outputs.length) reason = 'data-dependent';
      }
    }
    if (reason !== undefined) unresolved.push({ node: index, reason });
  }
  return { values, unresolved };
}
