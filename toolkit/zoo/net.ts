/**
 * NetBuilder: the GraphBuilder plus seeded weights, for writing networks layer by layer.
 *
 * Every weight is an initializer whose contents come from (model seed, weight name) alone (see random.ts), so
 * two builds with the same seed give byte-identical tensors. Small constants that many nodes read (Reshape
 * shapes, scalars for Clip or scaling) are made once per graph and shared by name.
 */
import { AttrInput, GraphBuilder } from '../graph/builder';
import { Dim, Graph, TensorData, elementCount } from '../graph/graph';
import { DType } from '../core/dtype';
import { fillUniform, streamSeed } from './random';

export function float32Tensor(dims: readonly number[], values: Float32Array): TensorData {
  return { dtype: 'float32', dims: [...dims], bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

export function int64Tensor(dims: readonly number[], values: readonly number[]): TensorData {
  const data = BigInt64Array.from(values, (v) => BigInt(v));
  return { dtype: 'int64', dims: [...dims], bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function elements(dims: readonly number[]): number {
  return elementCount(dims);
}

export class NetBuilder {
  private readonly graph: GraphBuilder;
  private readonly shared = new Set<string>();

  constructor(readonly name: string, readonly seed: number) {
    this.graph = new GraphBuilder(name);
  }

  input(name: string, dtype: DType, shape: readonly Dim[]): string {
    return this.graph.input(name, dtype, shape);
  }

  output(name: string, dtype: DType, shape: readonly Dim[]): string {
    return this.graph.output(name, dtype, shape);
  }

  /** A weight uniform in [-bound, bound). */
  uniform(name: string, dims: readonly number[], bound: number): string {
    const values = new Float32Array(elements(dims));
    fillUniform(values, bound, streamSeed(this.seed, name));
    return this.graph.initializer(name, float32Tensor(dims, values));
  }

  /** A weight uniform in [center - spread, center + spread). */
  around(name: string, dims: readonly number[], center: number, spread: number): string {
    const values = new Float32Array(elements(dims));
    fillUniform(values, spread, streamSeed(this.seed, name));
    if (center !== 0) for (let i = 0; i < values.length; i++) values[i] += center;
    return this.graph.initializer(name, float32Tensor(dims, values));
  }

  /** An int64 initializer with given contents (position ids). */
  int64(name: string, dims: readonly number[], values: readonly number[]): string {
    return this.graph.initializer(name, int64Tensor(dims, values));
  }

  /** A float32 scalar shared by every node that needs the same value. */
  scalar(value: number): string {
    const name = `const.float.${value}`;
    if (!this.shared.has(name)) {
      this.shared.add(name);
      this.graph.initializer(name, float32Tensor([], Float32Array.of(value)));
    }
    return name;
  }

  /** An int64 vector (a Reshape shape, Unsqueeze axes) shared by every node that needs the same values. */
  ints(values: readonly number[]): string {
    const name = `const.int64.${values.join('_')}`;
    if (!this.shared.has(name)) {
      this.shared.add(name);
      this.graph.initializer(name, int64Tensor([values.length], values));
    }
    return name;
  }

  /** An int64 scalar shared like `ints` (a Gather index). */
  intScalar(value: number): string {
    const name = `const.int64.scalar.${value}`;
    if (!this.shared.has(name)) {
      this.shared.add(name);
      this.graph.initializer(name, int64Tensor([], [value]));
    }
    return name;
  }

  /** A single-output node named `nodeName`; returns its output's name. */
  op(opType: string, nodeName: string, inputs: readonly string[], attrs: Record<string, AttrInput> = {}): string {
    return this.graph.node(opType, inputs, attrs, { name: nodeName })[0];
  }

  /** Like `op`, with the output value named `output` (graph outputs). */
  opTo(output: string, opType: string, nodeName: string, inputs: readonly string[], attrs: Record<string, AttrInput> = {}): string {
    return this.graph.node(opType, inputs, attrs, { name: nodeName, outputs: [output] })[0];
  }

  /** A node with several outputs. */
  multi(opType: string, nodeName: string, inputs: readonly string[], outputs: number, attrs: Record<string, AttrInput> = {}): string[] {
    return this.graph.node(opType, inputs, attrs, { name: nodeName, outputs });
  }

  finish(): Graph {
    return this.graph.finish();
  }
}
