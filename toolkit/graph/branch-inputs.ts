/**
 * Which integer graph inputs decide a branch: an input whose value reaches the condition of an `If` (through
 * any chain of producers, implicit inputs included) selects the branch, so filling it with an arbitrary
 * value (as shape inference and verify's random feeds do) can take a branch the real input never would.
 */
import { Graph } from './graph';

const INTEGER = /^(u?int(8|16|32|64)|bool)$/;

/** Integer or bool graph inputs, not in `given`, that an If's condition depends on (value indices, input order). */
export function branchInputsWithoutValue(graph: Graph, given: ReadonlySet<number>): number[] {
  const reaches = new Set<number>();
  const seen = new Set<number>();
  const stack = graph.nodes.filter((n) => n.opType === 'If' && n.domain === '' && n.inputs[0] >= 0).map((n) => n.inputs[0]);
  while (stack.length > 0) {
    const v = stack.pop() as number;
    if (seen.has(v)) continue;
    seen.add(v);
    const producer = graph.values[v].producer;
    if (producer === -1) { reaches.add(v); continue; }
    const node = graph.nodes[producer];
    for (const i of [...node.inputs, ...node.implicitInputs]) if (i >= 0) stack.push(i);
  }
  return graph.inputs.filter((i) => reaches.has(i) && !given.has(i) && INTEGER.test(graph.values[i].dtype ?? ''));
}
