/**
 * Test support for the memory and partition tests: hand-built graphs with byte sizes stated directly, without
 * shape inference. Every value is given as uint8 with shape [bytes], so its size in bytes is the number written.
 */
import { Graph, ShapedGraph, ShapedValue, TensorData, isConcreteShape, elementCount } from '../graph/graph';
import { GraphBuilder } from '../graph/builder';
import { dtypeByteSize } from '../core/dtype';
import { createRng } from '../core/prng';

/** A uint8 tensor of `bytes` zero bytes (for initializers and Constant weights). */
export function bytesTensor(bytes: number): TensorData {
  return { dtype: 'uint8', dims: [bytes], bytes: new Uint8Array(bytes) };
}

/**
 * Turns a Graph into a ShapedGraph: values named in `bytes` become uint8 [n]; other values keep their dtype and
 * shape when the graph states them concretely (inputs, initializers), or take the shape of their Constant
 * node's tensor; anything else throws.
 */
export function shapeGraph(graph: Graph, bytes: Readonly<Record<string, number>>): ShapedGraph {
  const constantTensor = new Map<number, TensorData>();
  for (const node of graph.nodes) {
    const attr = node.attributes.get('value');
    if (node.opType === 'Constant' && attr?.type === 'tensor') constantTensor.set(node.outputs[0], attr.value);
  }
  const values: ShapedValue[] = graph.values.map((v) => {
    const stated = bytes[v.name];
    if (stated !== undefined) return { ...v, dtype: 'uint8', shape: [stated], bytes: stated };
    const tensor = v.data ?? constantTensor.get(v.index);
    const dtype = v.dtype ?? tensor?.dtype;
    const shape = isConcreteShape(v.shape) ? v.shape : tensor?.dims;
    if (dtype === undefined || shape === undefined) throw new Error(`test graph: no size given for value '${v.name}'`);
    return { ...v, dtype, shape, bytes: elementCount(shape) * dtypeByteSize(dtype) };
  });
  for (const name of Object.keys(bytes)) {
    if (!graph.valueByName.has(name)) throw new Error(`test graph: no value named '${name}'`);
  }
  return { ...graph, values };
}

/** Seeded numbers in [0, 1) from the toolkit's generator (toolkit/prng.ts), so random tests are reproducible. */
export function seededRandom(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.next();
}

/**
 * A random DAG in file (topological) order: one input, `nodeCount` nodes that read 1-3 earlier values (mostly
 * recent ones, sometimes far back: skip connections), some with an initializer weight, some with two outputs,
 * some `Constant` weights, a few values nobody reads, and one or two graph outputs. Sizes are 1..maxBytes; every
 * node has `opType` (an element-wise one with small sizes gives in-place credits).
 */
export function randomDag(seed: number, nodeCount: number, maxBytes = 100, opType = 'Op'): ShapedGraph {
  const rand = seededRandom(seed);
  const size = (): number => 1 + Math.floor(rand() * maxBytes);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const b = new GraphBuilder(`random_${seed}`);
  const bytes: Record<string, number> = {};
  b.input('x', 'uint8', [size()]);
  const activations: string[] = ['x'];
  const constants: string[] = [];
  let made = 0;
  while (made < nodeCount) {
    const k = made++;
    if (rand() < 0.15 && made < nodeCount) {
      constants.push(b.constant(`c${k}`, bytesTensor(size())));
      continue;
    }
    const inputs = new Set<string>();
    const arity = 1 + Math.floor(rand() * 3);
    for (let a = 0; a < arity; a++) {
      const recent = activations.slice(-3);
      inputs.add(rand() < 0.6 ? pick(recent) : pick(activations));
    }
    if (constants.length > 0 && rand() < 0.3) inputs.add(pick(constants));
    if (rand() < 0.3) {
      const w = b.initializer(`w${k}`, bytesTensor(size()));
      inputs.add(w);
    }
    const outputs = b.node(opType, [...inputs], {}, { name: `n${k}`, outputs: rand() < 0.15 ? 2 : 1 });
    for (const o of outputs) {
      bytes[o] = size();
      activations.push(o);
    }
  }
  const last = activations[activations.length - 1];
  b.output(last);
  const other = pick(activations.slice(1, -1));
  if (other !== undefined && rand() < 0.3) b.output(other);
  return shapeGraph(b.finish(), bytes);
}
