/**
 * A model whose whole network sits inside both branches of one `If` (as voice-activity models ship one network per
 * sample rate), and the same network inlined as a plain graph, for testing what the toolkit makes of an If:
 *
 *   inputs: input float32 [1, n] (n symbolic in the file), h and c float32 [1, 1, 64] (the LSTM's state),
 *           sr int64 scalar; the If's condition is sr == 16000.
 *   each branch: Unsqueeze -> Conv1d(16, k8, s4) -> Relu -> Conv1d(32, k3, p1) -> Relu -> Transpose -> LSTM(64,
 *           stateful: initial_h = h, initial_c = c) -> Squeeze -> MatMul -> Sigmoid -> ReduceMean; outputs prob and
 *           the new state. Every weight is an initializer of the outer graph, read by both branches.
 *   else branch (the sr != 16000 one) also squeezes axis 1 of the input, which only a length-1 input allows: with n
 *   pinned to anything else, onnxruntime's load-time shape inference rejects the whole model, as it did a
 *   published model's untaken branch; with n symbolic it loads.
 * Built with the toolkit's GraphBuilder and ONNX writer; weights seeded.
 */
import { onnx } from 'onnx-proto';
import { GraphBuilder } from '../graph/builder';
import { TensorData } from '../graph/graph';
import { seededTensor } from './class-fixtures';
import { FLOAT, INT64, encodeModel, graphAttr, node, tensorInfo } from './fixtures';
import { writeModel } from './write';

export const IF_NETWORK_HIDDEN = 64;

function int64s(values: readonly number[], dims: readonly number[] = [values.length]): TensorData {
  return { dtype: 'int64', dims, bytes: new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer) };
}

/** The network's weights by name (outer-scope initializers of the If model, initializers of the inlined one). */
function weights(): Record<string, TensorData> {
  const h = IF_NETWORK_HIDDEN;
  return {
    conv1_w: seededTensor('float32', [16, 1, 8], 101, 0.3),
    conv1_b: seededTensor('float32', [16], 102, 0.1),
    conv2_w: seededTensor('float32', [32, 16, 3], 103, 0.15),
    conv2_b: seededTensor('float32', [32], 104, 0.1),
    lstm_w: seededTensor('float32', [1, 4 * h, 32], 105, 0.2),
    lstm_r: seededTensor('float32', [1, 4 * h, h], 106, 0.2),
    lstm_b: seededTensor('float32', [1, 8 * h], 107, 0.1),
    head_w: seededTensor('float32', [h, 1], 108, 0.3),
    axes_0: int64s([0]),
    axes_1: int64s([1]),
  };
}

/** Adds the network under prefix `p` reading `x`, `h`, `c` and the weights; returns [prob, h_out, c_out]. */
function addNetwork(b: GraphBuilder, p: string, x: string): [string, string, string] {
  const x3 = b.op('Unsqueeze', [x, 'axes_0'], {}, `${p}unsqueeze`);
  const c1 = b.op('Relu', [b.op('Conv', [x3, 'conv1_w', 'conv1_b'], { kernel_shape: [8], strides: [4] }, `${p}conv1`)], {}, `${p}relu1`);
  const c2 = b.op('Relu', [b.op('Conv', [c1, 'conv2_w', 'conv2_b'], { kernel_shape: [3], pads: [1, 1] }, `${p}conv2`)], {}, `${p}relu2`);
  const seq = b.op('Transpose', [c2], { perm: [2, 0, 1] }, `${p}to_seq`);
  const [y, yh, yc] = b.node('LSTM', [seq, 'lstm_w', 'lstm_r', 'lstm_b', '', 'h', 'c'], { hidden_size: IF_NETWORK_HIDDEN },
    { name: `${p}lstm`, outputs: [`${p}y`, `${p}h_out`, `${p}c_out`] });
  const squeezed = b.op('Squeeze', [y, 'axes_1'], {}, `${p}squeeze`);
  const logits = b.op('Sigmoid', [b.op('MatMul', [squeezed, 'head_w'], {}, `${p}head`)], {}, `${p}sigmoid`);
  const prob = b.op('ReduceMean', [logits], { keepdims: 0 }, `${p}prob`);
  return [prob, yh, yc];
}

function declareOuter(b: GraphBuilder, n: number | string): void {
  b.input('input', 'float32', [1, n]);
  b.input('h', 'float32', [1, 1, IF_NETWORK_HIDDEN]);
  b.input('c', 'float32', [1, 1, IF_NETWORK_HIDDEN]);
  for (const [name, data] of Object.entries(weights())) b.initializer(name, data);
}

/** The network inlined as a plain graph (inputs input, h, c; outputs prob, h_out, c_out). */
export function inlinedIfNetwork(n: number | string = 'n'): Uint8Array {
  const b = new GraphBuilder('if_network_inlined');
  declareOuter(b, n);
  const [prob, yh, yc] = addNetwork(b, '', 'input');
  b.output(prob);
  b.output(yh);
  b.output(yc);
  return writeModel(b.finish());
}

/** One branch as a subgraph proto: the network's nodes, no inputs or initializers (it reads the outer scope). */
function branch(p: string, squeezeInput: boolean): onnx.IGraphProto {
  const b = new GraphBuilder(`${p}branch`);
  declareOuter(b, 'n');
  let x = 'input';
  if (squeezeInput) {
    const one = b.op('ReduceSum', [b.op('Squeeze', [x, 'axes_1'], {}, `${p}squeeze_input`)], { keepdims: 1 }, `${p}one`);
    x = b.op('Mul', [x, one], {}, `${p}scaled`);
  }
  const outs = addNetwork(b, p, x);
  for (const o of outs) b.output(o);
  const graph = onnx.ModelProto.decode(writeModel(b.finish())).graph as onnx.IGraphProto;
  return { name: graph.name, node: graph.node, output: graph.output?.map((o) => tensorInfo(o.name as string, FLOAT)) };
}

/** The If model: the network in both branches, chosen by sr == 16000 (see the header). */
export function ifNetworkModel(): Uint8Array {
  const outer = new GraphBuilder('if_network');
  declareOuter(outer, 'n');
  const proto = onnx.ModelProto.decode(writeModel(outer.finish())).graph as onnx.IGraphProto;
  return encodeModel({
    name: 'if_network',
    input: [...(proto.input ?? []), tensorInfo('sr', INT64, [])],
    initializer: [...(proto.initializer ?? []), { name: 'rate', dims: [], dataType: INT64, rawData: int64s([16000], []).bytes }],
    node: [
      node('Equal', ['sr', 'rate'], ['is_16k'], 'is_16k'),
      node('If', ['is_16k'], ['prob', 'h_out', 'c_out'], 'If_0', [graphAttr('then_branch', branch('then_', false)), graphAttr('else_branch', branch('else_', true))]),
    ],
    output: [tensorInfo('prob', FLOAT), tensorInfo('h_out', FLOAT), tensorInfo('c_out', FLOAT)],
  });
}
