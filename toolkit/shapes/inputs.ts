/**
 * The graph inputs' concrete shapes: given shapes (by input name) win over the file's dims; a symbolic dim
 * is bound by name from any given shape that fixes it (so `seq` given for input_ids also fixes an
 * attention_mask declared [batch, seq]); anything still symbolic or unknown is a QuiltError that says which
 * input, which dimension and how to pass it.
 */
import { Dim, Graph, Value } from '../graph/graph';
import { QuiltError } from '../core/errors';
import { Known, known } from './known';

export type InputShapes = Readonly<Record<string, readonly number[]>>;

function inputList(graph: Graph): string {
  return graph.inputs.map((i) => graph.values[i].name).join(', ') || '(none)';
}

function describeDim(d: Dim): string {
  return d === null ? '?' : typeof d === 'string' ? `'${d}'` : String(d);
}

function suggestion(v: Value): string {
  const dims = (v.shape ?? []).map((d) => (typeof d === 'number' ? String(d) : `<${d ?? '?'}>`));
  return `pass --input ${v.name}=${dims.join('x') || '<shape>'}`;
}

/** Knowns of the graph inputs, keyed by value index. */
export function inputKnowns(graph: Graph, given: InputShapes = {}): Map<number, Known> {
  const byName = new Map(graph.inputs.map((i) => [graph.values[i].name, graph.values[i]]));
  for (const name of Object.keys(given)) {
    if (!byName.has(name)) {
      throw new QuiltError(`shape given for '${name}', which is not an input of graph '${graph.name}' (inputs: ${inputList(graph)})`);
    }
  }
  const bindings = new Map<string, number>();
  for (const [name, shape] of Object.entries(given)) {
    const v = byName.get(name) as Value;
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new QuiltError(`shape given for input '${name}' is not a list of non-negative integers: [${shape.join(', ')}]`);
    }
    if (v.shape !== undefined && v.shape.length !== shape.length) {
      throw new QuiltError(`shape given for input '${name}' has rank ${shape.length}, but the graph declares rank ${v.shape.length} (${v.shape.map(describeDim).join('x')})`);
    }
    v.shape?.forEach((d, i) => { if (typeof d === 'string') bindings.set(d, shape[i]); });
  }
  const seeds = new Map<number, Known>();
  for (const index of graph.inputs) {
    const v = graph.values[index];
    if (v.dtype === undefined) throw new QuiltError(`input '${v.name}' of graph '${graph.name}' has no element type`);
    const shape = given[v.name] ?? concreteDims(v, bindings);
    seeds.set(index, known(v.dtype, shape));
  }
  return seeds;
}

function concreteDims(v: Value, bindings: ReadonlyMap<string, number>): number[] {
  if (v.shape === undefined) throw new QuiltError(`input '${v.name}' has no shape in the file: ${suggestion(v)}`);
  return v.shape.map((d, i) => {
    if (typeof d === 'number' && d >= 0) return d;
    const bound = typeof d === 'string' ? bindings.get(d) : undefined;
    if (bound !== undefined) return bound;
    const what = typeof d === 'string' ? `('${d}') is symbolic` : 'is unknown';
    throw new QuiltError(`input '${v.name}' dimension ${i} ${what}: ${suggestion(v)}`);
  });
}
