/**
 * The graph inputs' concrete shapes: given shapes (by input name) win over the file's dims; a symbolic dim
 * is bound by name from any given shape that fixes it (so `seq` given for input_ids also fixes an
 * attention_mask declared [batch, seq]); anything still symbolic or unknown is a QuiltError that says which
 * input, which dimension and how to pass it.
 * Given input values (`--input-value name=v[,v...]`) are checked against the input's dtype (integers for
 * integer types, 0/1 for bool) and count (one value fills the tensor; otherwise one per element; a rank-1
 * input with a symbolic length takes its length from the values) and become the input's known contents.
 */
import { Dim, Graph, Value, elementCount } from '../graph/graph';
import { DType } from '../core/dtype';
import { QuiltError } from '../core/errors';
import { Known, isIntegerDType, isSmall, known } from './known';

export type InputShapes = Readonly<Record<string, readonly number[]>>;
/** Values of graph inputs by name: one value (fills the tensor) or one per element, row-major. */
export type InputValues = Readonly<Record<string, readonly number[]>>;

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
export function inputKnowns(graph: Graph, given: InputShapes = {}, values: InputValues = {}): Map<number, Known> {
  const byName = new Map(graph.inputs.map((i) => [graph.values[i].name, graph.values[i]]));
  for (const [what, names] of [['shape', Object.keys(given)], ['value', Object.keys(values)]] as const) {
    for (const name of names) {
      if (!byName.has(name)) {
        throw new QuiltError(`${what} given for '${name}', which is not an input of graph '${graph.name}' (inputs: ${inputList(graph)})`);
      }
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
    const given1 = values[v.name];
    if (given1 !== undefined) checkValues(v.name, v.dtype, given1);
    const shape = given[v.name] ?? lengthFromValues(v, given1) ?? concreteDims(v, bindings);
    if (given1 === undefined) {
      seeds.set(index, known(v.dtype, shape));
      continue;
    }
    const n = elementCount(shape);
    if (given1.length !== 1 && given1.length !== n) {
      throw new QuiltError(`--input-value ${v.name}: ${given1.length} values for a tensor of ${n} elements (shape [${shape.join(', ')}]); give one value or ${n}`);
    }
    seeds.set(index, known(v.dtype, shape, isSmall(shape) ? expandValues(given1, n) : undefined));
  }
  return seeds;
}

/** One value repeated `count` times, or the values as given. */
export function expandValues(values: readonly number[], count: number): readonly number[] {
  return values.length === 1 && count !== 1 ? new Array<number>(count).fill(values[0]) : values;
}

function checkValues(name: string, dtype: DType, values: readonly number[]): void {
  if (values.length === 0) throw new QuiltError(`--input-value ${name}: no values given`);
  const bad = values.find((x) => !Number.isFinite(x)
    || (isIntegerDType(dtype) && !Number.isInteger(x))
    || (dtype === 'bool' && x !== 0 && x !== 1)
    || (dtype.startsWith('uint') && x < 0));
  if (dtype === 'string') throw new QuiltError(`--input-value ${name}: string inputs cannot be given values`);
  if (bad !== undefined) {
    const want = dtype === 'bool' ? 'true/false or 0/1' : isIntegerDType(dtype) ? `${dtype.startsWith('uint') ? 'non-negative ' : ''}whole numbers` : 'finite numbers';
    throw new QuiltError(`--input-value ${name}: ${bad} is not a valid ${dtype} value (input '${name}' takes ${want})`);
  }
}

/** A rank-1 input with a symbolic or unknown length takes it from the number of values given. */
function lengthFromValues(v: Value, values: readonly number[] | undefined): number[] | undefined {
  if (values === undefined || v.shape === undefined) return undefined;
  if (v.shape.length === 0) return [];
  if (v.shape.length === 1 && typeof v.shape[0] !== 'number') return [values.length];
  return undefined;
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
