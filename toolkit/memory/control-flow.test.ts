import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onnx } from 'onnx-proto';
import { loadModel } from '../onnx/load';
import { BOOL, FLOAT, INT64, encodeModel, graphAttr, node, tensorInfo } from '../onnx/fixtures';
import { fileOrder } from '../graph/order';
import { ShapedGraph } from '../graph/graph';
import { analyzeMemory } from './profile';
import { bodyUnknownValues, bodyWorkingBytes } from './control-flow';
import { shapeGraph } from './test-support';
import { DemandWindow, demandModel, rangeDemand } from '../partition/demand';

const WIDTH = 256;
const ROW = WIDTH * 4; // bytes of one float32 [1, WIDTH] tensor

/** a = Relu(x); b = Sigmoid(a); c = Add(a, b); out = Relu(c): three rows live together at the Add. */
function network(x: string, out: string, prefix: string): onnx.INodeProto[] {
  return [
    node('Relu', [x], [`${prefix}a`], `${prefix}relu1`),
    node('Sigmoid', [`${prefix}a`], [`${prefix}b`], `${prefix}sig`),
    node('Add', [`${prefix}a`, `${prefix}b`], [`${prefix}c`], `${prefix}add`),
    node('Relu', [`${prefix}c`], [out], `${prefix}relu2`),
  ];
}

function shaped(bytes: Uint8Array): ShapedGraph {
  return shapeGraph(loadModel(bytes), {});
}

function peakOf(g: ShapedGraph): number {
  return analyzeMemory(g, fileOrder(g)).peakActivationBytes;
}

/** The network inlined in the outer graph (value_info gives every shape). */
function inlinedModel(): ShapedGraph {
  return shaped(encodeModel({
    name: 'inlined',
    input: [tensorInfo('x', FLOAT, [1, WIDTH])],
    node: network('x', 'y', ''),
    valueInfo: ['a', 'b', 'c'].map((n) => tensorInfo(n, FLOAT, [1, WIDTH])),
    output: [tensorInfo('y', FLOAT, [1, WIDTH])],
  }));
}

/** The same network as the then-branch of one If (shapes inside the branch left to static inference). */
function ifModel(): ShapedGraph {
  return shaped(encodeModel({
    name: 'whole_in_if',
    input: [tensorInfo('cond', BOOL, []), tensorInfo('x', FLOAT, [1, WIDTH])],
    node: [node('If', ['cond'], ['y'], 'if', [
      graphAttr('then_branch', { name: 'then', node: network('x', 't_y', 't_'), output: [tensorInfo('t_y', FLOAT, [1, WIDTH])] }),
      graphAttr('else_branch', { name: 'else', node: [node('Identity', ['x'], ['e_y'], 'e_id')], output: [tensorInfo('e_y', FLOAT, [1, WIDTH])] }),
    ])],
    output: [tensorInfo('y', FLOAT, [1, WIDTH])],
  }));
}

/** The check: the If's peak is at least the inlined network's and exceeds it by at most the If's boundary values. */
function matchesInlined(ifGraph: ShapedGraph, inlinedPeak: number): boolean {
  const ifNode = ifGraph.nodes.find((n) => n.opType === 'If');
  assert.ok(ifNode);
  const boundary = [...ifNode.inputs, ...ifNode.implicitInputs, ...ifNode.outputs].reduce((s, v) => s + ifGraph.values[v].bytes, 0);
  const peak = peakOf(ifGraph);
  return peak >= inlinedPeak && peak - inlinedPeak <= boundary;
}

test('the loader keeps each branch as a Graph with its outer-scope reads as inputs', () => {
  const g = ifModel();
  const bodies = g.nodes[0].bodies;
  assert.deepEqual(bodies.map((b) => [b.attribute, b.formalInputs]), [['then_branch', 0], ['else_branch', 0]]);
  assert.deepEqual(bodies[0].graph.inputs.map((v) => bodies[0].graph.values[v].name), ['x']);
  assert.equal(bodies[0].graph.nodes.length, 4);
});

test('If: the whole network in one If has the inlined peak, within the values at its boundary', () => {
  const inlined = inlinedModel();
  const ifGraph = ifModel();
  const inlinedPeak = peakOf(inlined);
  assert.equal(inlinedPeak, 3 * ROW); // a, b, c at the Add
  // The larger branch's internal values (a, b, c) on top of what the outer step holds (cond, x, y).
  assert.equal(bodyWorkingBytes(ifGraph, ifGraph.nodes[0]), 3 * ROW);
  assert.equal(peakOf(ifGraph), 3 * ROW + ROW + ROW + 1);
  assert.ok(matchesInlined(ifGraph, inlinedPeak));
  assert.equal(bodyUnknownValues(ifGraph, ifGraph.nodes[0]), 0);
});

test('negative: without the bodies term the If check fails (it cannot pass vacuously)', () => {
  const ifGraph = ifModel();
  const stripped: ShapedGraph = { ...ifGraph, nodes: ifGraph.nodes.map((n) => ({ ...n, bodies: [] })) };
  assert.equal(bodyWorkingBytes(stripped, stripped.nodes[0]), 0);
  assert.equal(matchesInlined(stripped, peakOf(inlinedModel())), false);
});

test('the task demand uses the same term: the whole model as one range demands the profile peak', () => {
  const ifGraph = ifModel();
  const order = fileOrder(ifGraph);
  const profile = analyzeMemory(ifGraph, order);
  const demand = rangeDemand(demandModel(ifGraph, order), 0, order.length);
  assert.equal(demand.peakActivationBytes, profile.peakActivationBytes);
  assert.equal(demand.demandBytes, profile.peakBytes);
});

/** Loop(trip, '', v0) with body t = Relu(v_in); v_out = Add(t, v_in); v_in's shape is not declared in the body. */
function loopModel(): ShapedGraph {
  const body: onnx.IGraphProto = {
    name: 'body',
    input: [tensorInfo('i', INT64, []), tensorInfo('cond_in', BOOL, []), tensorInfo('v_in', FLOAT)],
    node: [
      node('Relu', ['v_in'], ['t'], 'body_relu'),
      node('Add', ['t', 'v_in'], ['v_out'], 'body_add'),
      node('Identity', ['cond_in'], ['cond_out'], 'body_cond'),
    ],
    output: [tensorInfo('cond_out', BOOL, []), tensorInfo('v_out', FLOAT)],
  };
  return shaped(encodeModel({
    name: 'loop',
    input: [tensorInfo('trip', INT64, []), tensorInfo('v0', FLOAT, [1, WIDTH])],
    node: [node('Loop', ['trip', '', 'v0'], ['v_final'], 'loop', [graphAttr('body', body)])],
    output: [tensorInfo('v_final', FLOAT, [1, WIDTH])],
  }));
}

test('Loop: the body peak with the carried state (shaped from the node initial value)', () => {
  const g = loopModel();
  assert.equal(g.nodes[0].bodies[0].formalInputs, 3);
  // At the Relu: iteration number (int64), condition (bool), carried v_in and t; v_out is the node's output.
  assert.equal(bodyWorkingBytes(g, g.nodes[0]), 8 + 1 + ROW + ROW);
  const outer = g.values[g.valueByName.get('trip') as number].bytes + 2 * ROW; // trip, v0, v_final
  assert.equal(peakOf(g), outer + 8 + 1 + 2 * ROW);
});

/** If(cond) then { z = If(cond) then {network without its last Relu} else {x}; w = Relu(z) } else { x }. */
function nestedModel(declareZ: boolean): ShapedGraph {
  const inner: onnx.IAttributeProto[] = [
    graphAttr('then_branch', { name: 'in_then', node: network('x', 'in_y', 'in_').slice(0, 3), output: [tensorInfo('in_c', FLOAT, [1, WIDTH])] }),
    graphAttr('else_branch', { name: 'in_else', node: [node('Identity', ['x'], ['in_e'], 'in_id')], output: [tensorInfo('in_e', FLOAT, [1, WIDTH])] }),
  ];
  const outerThen: onnx.IGraphProto = {
    name: 'out_then',
    node: [node('If', ['cond'], ['z'], 'inner_if', inner), node('Relu', ['z'], ['w'], 'out_relu')],
    valueInfo: declareZ ? [tensorInfo('z', FLOAT, [1, WIDTH])] : [],
    output: [tensorInfo('w', FLOAT, [1, WIDTH])],
  };
  return shaped(encodeModel({
    name: 'nested',
    input: [tensorInfo('cond', BOOL, []), tensorInfo('x', FLOAT, [1, WIDTH])],
    node: [node('If', ['cond'], ['y'], 'outer_if', [
      graphAttr('then_branch', outerThen),
      graphAttr('else_branch', { name: 'out_else', node: [node('Identity', ['x'], ['oe'], 'oe_id')], output: [tensorInfo('oe', FLOAT, [1, WIDTH])] }),
    ])],
    output: [tensorInfo('y', FLOAT, [1, WIDTH])],
  }));
}

test('nested If: the inner branch working bytes add at the inner node step', () => {
  const g = nestedModel(true);
  // Inner then: a and b beside its output c. Outer then, at the inner If: z plus the inner a and b.
  assert.equal(bodyWorkingBytes(g, g.nodes[0]), ROW + 2 * ROW);
  assert.equal(bodyUnknownValues(g, g.nodes[0]), 0);
});

test('a body value with no static shape counts 0 bytes, and is reported', () => {
  const g = nestedModel(false);
  assert.equal(bodyUnknownValues(g, g.nodes[0]), 1); // z: an If output with no value_info
  assert.equal(bodyWorkingBytes(g, g.nodes[0]), 2 * ROW);
});

/** Scan over xs [3, WIDTH] with state s [WIDTH]: p = s_in * x_t; s_out = p + x_t; e = Relu(p) (no body shapes declared). */
function scanModel(): ShapedGraph {
  const body: onnx.IGraphProto = {
    name: 'scan_body',
    input: [tensorInfo('s_in', FLOAT), tensorInfo('x_t', FLOAT)],
    node: [node('Mul', ['s_in', 'x_t'], ['p'], 'mul'), node('Add', ['p', 'x_t'], ['s_out'], 'add'), node('Relu', ['p'], ['e'], 'relu')],
    output: [tensorInfo('s_out', FLOAT), tensorInfo('e', FLOAT)],
  };
  return shaped(encodeModel({
    name: 'scan',
    input: [tensorInfo('s0', FLOAT, [WIDTH]), tensorInfo('xs', FLOAT, [3, WIDTH])],
    node: [node('Scan', ['s0', 'xs'], ['s_final', 'es'], 'scan', [
      graphAttr('body', body), { name: 'num_scan_inputs', type: onnx.AttributeProto.AttributeType.INT, i: 1 },
    ])],
    output: [tensorInfo('s_final', FLOAT, [WIDTH]), tensorInfo('es', FLOAT, [3, WIDTH])],
  }));
}

test('Scan: state and one slice (the scan input less its scan axis) count with the body peak', () => {
  const g = scanModel();
  assert.equal(g.nodes[0].bodies[0].formalInputs, 2);
  // At the Mul: carried s_in, the slice x_t (WIDTH floats, not 3 x WIDTH) and p; s_out and e are outputs.
  assert.equal(bodyWorkingBytes(g, g.nodes[0]), 3 * ROW);
  assert.equal(bodyUnknownValues(g, g.nodes[0]), 0);
});

/** pre = Relu(x0); the whole-network If on pre; post = Tanh(y): the If is one atomic step between two others. */
function sandwichModel(): ShapedGraph {
  return shaped(encodeModel({
    name: 'sandwich',
    input: [tensorInfo('cond', BOOL, []), tensorInfo('x0', FLOAT, [1, WIDTH])],
    node: [
      node('Relu', ['x0'], ['x'], 'pre'),
      node('If', ['cond'], ['y'], 'if', [
        graphAttr('then_branch', { name: 'then', node: network('x', 't_y', 't_'), output: [tensorInfo('t_y', FLOAT, [1, WIDTH])] }),
        graphAttr('else_branch', { name: 'else', node: [node('Identity', ['x'], ['e_y'], 'e_id')], output: [tensorInfo('e_y', FLOAT, [1, WIDTH])] }),
      ]),
      node('Tanh', ['y'], ['out'], 'post'),
    ],
    valueInfo: [tensorInfo('x', FLOAT, [1, WIDTH]), tensorInfo('y', FLOAT, [1, WIDTH])],
    output: [tensorInfo('out', FLOAT, [1, WIDTH])],
  }));
}

test('demand with a control-flow step: the window agrees with the direct evaluation and stays monotone', () => {
  const g = sandwichModel();
  const m = demandModel(g, fileOrder(g));
  const n = m.order.length;
  const d = (i: number, j: number): number => rangeDemand(m, i, j).demandBytes;
  const ifStep = m.stepOfNode[g.nodes.findIndex((x) => x.opType === 'If')];
  // The If alone: cond, x, y live at its step plus its then-branch's a, b, c.
  assert.equal(rangeDemand(m, ifStep, ifStep + 1).peakActivationBytes, 1 + 2 * ROW + 3 * ROW);
  for (let i = 0; i < n; i++) {
    const w = new DemandWindow(m);
    for (let k = 0; k < i; k++) { w.pushBack(); w.popFront(); }
    for (let j = i + 1; j <= n; j++) {
      w.pushBack();
      assert.equal(w.demand(), d(i, j), `[${i}, ${j})`);
      if (j > i + 1) assert.ok(d(i, j) >= d(i, j - 1) && d(i, j) >= d(i + 1, j), `monotone at [${i}, ${j})`);
    }
  }
});
