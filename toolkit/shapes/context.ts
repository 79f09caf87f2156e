/**
 * The view a shape rule gets of one node: its attributes, what is known about its inputs, and helpers that
 * turn a malformed node into a QuiltError naming the node. A rule returns the outputs' Knowns, or undefined
 * when the outputs depend on data it cannot see (the caller then falls back to onnxruntime).
 */
import { AttributeValue, Graph, Node, TensorData } from '../graph/graph';
import { QuiltError } from '../core/errors';
import { Known } from './known';

export type ShapeRule = (ctx: RuleContext) => readonly Known[] | undefined;

export class RuleContext {
  constructor(
    readonly graph: Graph,
    readonly node: Node,
    /** Knowns of the node's inputs; undefined for an omitted optional input. */
    readonly inputs: readonly (Known | undefined)[],
    /** Opset version of the node's domain. */
    readonly opset: number,
  ) {}

  /** A QuiltError that names the node. */
  error(message: string): QuiltError {
    return new QuiltError(`node '${this.node.name}' (${this.node.opType}): ${message}`);
  }

  get inputCount(): number {
    return this.inputs.length;
  }

  has(i: number): boolean {
    return i < this.inputs.length && this.inputs[i] !== undefined;
  }

  /** A required input. */
  input(i: number): Known {
    const k = this.inputs[i];
    if (k === undefined) throw this.error(`input ${i} is missing`);
    return k;
  }

  /** Contents of an input when known; undefined when omitted or not constant. */
  constant(i: number): readonly number[] | undefined {
    return this.has(i) ? this.inputs[i]?.constant : undefined;
  }

  /** Number of outputs the node declares. */
  get outputCount(): number {
    return this.node.outputs.length;
  }

  attr(name: string): AttributeValue | undefined {
    return this.node.attributes.get(name);
  }

  int(name: string, fallback: number): number {
    const a = this.attr(name);
    if (a === undefined) return fallback;
    if (a.type !== 'int') throw this.error(`attribute '${name}' should be an int, not ${a.type}`);
    return a.value;
  }

  float(name: string, fallback: number): number {
    const a = this.attr(name);
    if (a === undefined) return fallback;
    if (a.type !== 'float' && a.type !== 'int') throw this.error(`attribute '${name}' should be a float, not ${a.type}`);
    return a.value;
  }

  ints(name: string): readonly number[] | undefined {
    const a = this.attr(name);
    if (a === undefined) return undefined;
    if (a.type !== 'ints') throw this.error(`attribute '${name}' should be ints, not ${a.type}`);
    return a.value;
  }

  floats(name: string): readonly number[] | undefined {
    const a = this.attr(name);
    if (a === undefined) return undefined;
    if (a.type === 'floats' || a.type === 'ints') return a.value;
    throw this.error(`attribute '${name}' should be floats, not ${a.type}`);
  }

  string(name: string, fallback: string): string {
    const a = this.attr(name);
    if (a === undefined) return fallback;
    if (a.type !== 'string') throw this.error(`attribute '${name}' should be a string, not ${a.type}`);
    return a.value;
  }

  tensor(name: string): TensorData | undefined {
    const a = this.attr(name);
    if (a === undefined) return undefined;
    if (a.type !== 'tensor') throw this.error(`attribute '${name}' should be a tensor, not ${a.type}`);
    return a.value;
  }

  /** Normalises a possibly negative axis against `rank`; throws when out of range. */
  axis(axis: number, rank: number): number {
    const a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) throw this.error(`axis ${axis} is out of range for rank ${rank}`);
    return a;
  }

  /** Axes from input `inputIndex` (opset 13+) or attribute `attrName` (older opsets); undefined when neither. */
  axesFrom(inputIndex: number, attrName = 'axes'): readonly number[] | undefined | 'unknown' {
    if (this.has(inputIndex)) return this.constant(inputIndex) ?? 'unknown';
    return this.ints(attrName);
  }
}
