/**
 * Control-flow bodies in demand: THE rule for what an `If`, `Loop` or `Scan` node needs while it runs beyond the
 * values the outer graph already counts at its step (its inputs, implicit inputs and outputs, all live there by
 * `liveness.ts`). Both the memory profile and a task's demand add this one term at the node's step
 * (`bodyWorkingBytes`); a control-flow node stays one atomic step, never cut inside.
 *
 *   internal working bytes = the largest, over its bodies, of the body's internal peak, where a body's internal
 *   peak is the peak over its steps (file order) of its live activations by the same liveness definition, leaving
 *   out the values the outer step already holds: the outer-scope values it reads and the body's outputs (they
 *   become the node's outputs). So an `If` demands its larger branch's internal peak on top of the values it reads
 *   and writes; a `Loop`/`Scan` its body's peak, which includes the body's formal inputs: the carried state (and
 *   iteration number, condition, scan slices) of one iteration, a copy beside the node's initial and final
 *   values. Nested control flow adds its own term at its step inside the body, recursively. Runtime terms
 *   (`runtime-memory.ts`) are not applied inside bodies. Weights inside bodies stay in `subgraphWeightBytes`.
 *
 * Shapes inside a body are found statically (`shapes/infer.ts`) from: the outer graph's shapes of the values it
 * reads; the formal inputs' shapes as the body declares them, else from the node (Loop: iteration number and
 * condition are scalars, carried state takes the shape of the node's initial value; Scan: state from the node's
 * initial state, a scan slice from the node's scan input less its scan axis); the body's initializers; then the
 * static rules, falling back to shapes the body's value_info states. A body value whose shape is still unknown
 * (a data-dependent shape, an op with no static rule and no value_info; every value of a body whose static pass
 * rejects it, as a branch that would fail if taken) counts 0 bytes: the term is then a lower bound, and
 * `bodyUnknownValues` says how many values were left out. Nothing inside a body is run to find its shapes.
 */
import { dtypeByteSize } from '../core/dtype';
import { QuiltError } from '../core/errors';
import { Body, Graph, Node, ShapedGraph, elementCount, valueBytes } from '../graph/graph';
import { fileOrder } from '../graph/order';
import { inferStatic, initializerKnowns } from '../shapes/infer';
import { Known, decodeTensor, known } from '../shapes/known';
import { valuesReadBy } from './order';

/** Per body value: bytes when its shape is known, else undefined. */
type BodySizes = readonly (number | undefined)[];

/** The largest internal working bytes over the node's bodies (0 for a node with none). */
export function bodyWorkingBytes(outer: ShapedGraph, node: Node): number {
  return bodyWorkingBytesIn(outer, outerKnowns(outer, node), node);
}

/** How many body values (all bodies, nested included) have no shape and so count 0 bytes. */
export function bodyUnknownValues(outer: ShapedGraph, node: Node): number {
  return unknownIn(outer, outerKnowns(outer, node), node);
}

/** Knowns of what the node's bodies can see of the outer graph: its operands and implicit inputs. */
function outerKnowns(outer: ShapedGraph, node: Node): (Known | undefined)[] {
  const knowns = new Array<Known | undefined>(outer.values.length);
  for (const i of [...node.inputs, ...node.implicitInputs]) {
    if (i < 0) continue;
    const v = outer.values[i];
    knowns[i] = known(v.dtype, v.shape, v.data ? decodeTensor(v.data) : undefined);
  }
  return knowns;
}

function bodyWorkingBytesIn(graph: Graph, knowns: readonly (Known | undefined)[], node: Node): number {
  let most = 0;
  for (const body of node.bodies) {
    const bodyKnowns = shapeBody(graph, knowns, node, body);
    most = Math.max(most, internalPeak(body, bodyKnowns, sizesOf(body.graph, bodyKnowns)));
  }
  return most;
}

function unknownIn(graph: Graph, knowns: readonly (Known | undefined)[], node: Node): number {
  let count = 0;
  for (const body of node.bodies) {
    const bodyKnowns = shapeBody(graph, knowns, node, body);
    count += sizesOf(body.graph, bodyKnowns).filter((b) => b === undefined).length;
    for (const inner of body.graph.nodes) count += unknownIn(body.graph, bodyKnowns, inner);
  }
  return count;
}

function bytesOf(k: Known): number {
  return elementCount(k.shape) * dtypeByteSize(k.dtype);
}

function sizesOf(graph: Graph, knowns: readonly (Known | undefined)[]): BodySizes {
  return graph.values.map((v, i) => {
    const k = knowns[i];
    return k !== undefined ? bytesOf(k) : valueBytes(v);
  });
}

/** The Known of each body value: seeds from the outer scope and the node, then the static rules. */
function shapeBody(outer: Graph, outerKnown: readonly (Known | undefined)[], node: Node, body: Body): (Known | undefined)[] {
  const g = body.graph;
  let seeds: Map<number, Known>;
  try {
    seeds = initializerKnowns(g);
  } catch (e) {
    if (!(e instanceof QuiltError)) throw e;
    seeds = new Map();
  }
  g.inputs.forEach((v, position) => {
    const value = g.values[v];
    // An outer-scope read resolves by name in the enclosing graph (a nested body's reads are the enclosing body's
    // values or its own outer-scope inputs).
    const outerIndex = outer.valueByName.get(value.name);
    const k = position < body.formalInputs ? formalInputKnown(outerKnown, node, body, position) : outerIndex === undefined ? undefined : outerKnown[outerIndex];
    if (k !== undefined) seeds.set(v, k);
  });
  try {
    return [...inferStatic(g, seeds).values];
  } catch (e) {
    // A branch that would fail if taken (an index out of range, say) shapes nothing beyond its seeds.
    if (!(e instanceof QuiltError)) throw e;
    return g.values.map((v) => seeds.get(v.index));
  }
}

/** A formal input's Known: declared in the body, else from the node's operands. */
function formalInputKnown(outerKnown: readonly (Known | undefined)[], node: Node, body: Body, position: number): Known | undefined {
  const value = body.graph.values[body.graph.inputs[position]];
  const declared = valueBytes(value) !== undefined && value.dtype !== undefined ? known(value.dtype, value.shape as number[]) : undefined;
  if (declared !== undefined) return declared;
  const operand = (i: number): Known | undefined => (node.inputs[i] !== undefined && node.inputs[i] >= 0 ? outerKnown[node.inputs[i]] : undefined);
  if (node.opType === 'Loop') {
    if (position === 0) return known('int64', []);
    if (position === 1) return known('bool', []);
    return operand(position);
  }
  if (node.opType === 'Scan') {
    const numScan = intAttr(node, 'num_scan_inputs', 0);
    const numState = node.inputs.length - numScan;
    if (position < numState) return operand(position);
    const j = position - numState;
    const k = operand(position);
    if (k === undefined) return undefined;
    const axes = node.attributes.get('scan_input_axes');
    const raw = axes?.type === 'ints' ? axes.value[j] ?? 0 : 0;
    const axis = raw < 0 ? raw + k.shape.length : raw;
    return known(k.dtype, k.shape.filter((_, d) => d !== axis));
  }
  return undefined;
}

function intAttr(node: Node, name: string, fallback: number): number {
  const a = node.attributes.get(name);
  return a?.type === 'int' ? a.value : fallback;
}

/** Peak over the body's steps of its live internal activations, with nested bodies' terms at their steps. */
function internalPeak(body: Body, knowns: readonly (Known | undefined)[], sizes: BodySizes): number {
  const g = body.graph;
  const order = fileOrder(g);
  if (order.length === 0) return 0;
  const step = new Array<number>(g.nodes.length);
  order.forEach((n, s) => { step[n] = s; });
  const lastRead = new Array<number>(g.values.length).fill(-1);
  order.forEach((n, s) => { for (const v of valuesReadBy(g.nodes[n])) lastRead[v] = Math.max(lastRead[v], s); });
  const boundary = new Set<number>([...g.outputs, ...g.inputs.slice(body.formalInputs)]);
  const delta = new Array<number>(order.length + 1).fill(0);
  for (const v of g.values) {
    if (v.kind === 'weight' || boundary.has(v.index)) continue;
    const first = v.producer >= 0 ? step[v.producer] : 0;
    const last = Math.max(first, lastRead[v.index]);
    const bytes = sizes[v.index] ?? 0;
    delta[first] += bytes;
    delta[last + 1] -= bytes;
  }
  let live = 0;
  let peak = 0;
  order.forEach((n, s) => {
    live += delta[s];
    peak = Math.max(peak, live + bodyWorkingBytesIn(g, knowns, g.nodes[n]));
  });
  return peak;
}
