import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../graph/builder';
import { ShapedGraph } from '../graph/graph';
import { analyzeMemory } from './profile';
import { checkOrder } from './order';
import { fileOrder } from '../graph/order';
import { reduceMemoryOrder } from './reorder';
import { bytesTensor, randomDag, shapeGraph } from './test-support';

/** Two wide branches interleaved in the file: A1 B1 A2 B2 J; each branch has a 100-byte middle. */
function twoBranches(): ShapedGraph {
  const b = new GraphBuilder('branches');
  b.input('x', 'uint8', [1]);
  const k = b.constant('k', bytesTensor(8));
  const a1 = b.op('A1', ['x'], {}, 'A1');
  const b1 = b.op('B1', ['x', k], {}, 'B1');
  const a2 = b.op('A2', [a1], {}, 'A2');
  const b2 = b.op('B2', [b1], {}, 'B2');
  b.output(b.op('J', [a2, b2], {}, 'J'));
  return shapeGraph(b.finish(), { A1_out: 100, B1_out: 100, A2_out: 1, B2_out: 1, J_out: 1 });
}

const names = (g: ShapedGraph, order: readonly number[]) => order.map((n) => g.nodes[n].name);

test('finishing one branch before starting the other halves the peak (greedy and exact)', () => {
  const g = twoBranches();
  for (const methods of [['greedy'], ['exact']] as const) {
    const r = reduceMemoryOrder(g, fileOrder(g), { methods });
    assert.equal(r.peakBefore, 201);
    assert.equal(r.peakAfter, 102);
    assert.equal(r.method, methods[0]);
    assert.deepEqual(names(g, r.order), ['A1', 'A2', 'k_const', 'B1', 'B2', 'J']);
    checkOrder(g, r.order);
    assert.equal(analyzeMemory(g, r.order).peakActivationBytes, 102);
  }
});

test('an order that is already best comes back unchanged as the file order', () => {
  const g = twoBranches();
  const good = reduceMemoryOrder(g, fileOrder(g)).order;
  const again = reduceMemoryOrder(g, good);
  assert.equal(again.method, 'file');
  assert.deepEqual(again.order, good);
  assert.equal(again.peakAfter, again.peakBefore);
});

/** Every topological order of the graph (for small graphs). */
function allOrders(g: ShapedGraph): number[][] {
  const result: number[][] = [];
  const done = new Set<number>();
  const walk = (prefix: number[]) => {
    if (prefix.length === g.nodes.length) { result.push([...prefix]); return; }
    for (const node of g.nodes) {
      if (done.has(node.index)) continue;
      const ready = [...node.inputs, ...node.implicitInputs].every((v) => v < 0 || g.values[v].producer < 0 || done.has(g.values[v].producer));
      if (!ready) continue;
      done.add(node.index);
      prefix.push(node.index);
      walk(prefix);
      prefix.pop();
      done.delete(node.index);
    }
  };
  walk([]);
  return result;
}

test('exact reordering reaches the best peak over all topological orders; results are always topological and never worse', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const g = randomDag(seed, 7);
    const best = Math.min(...allOrders(g).map((o) => analyzeMemory(g, o).peakActivationBytes));
    const exact = reduceMemoryOrder(g, fileOrder(g), { methods: ['exact'] });
    checkOrder(g, exact.order);
    assert.equal(exact.peakAfter, best, `seed ${seed}`);
    const greedy = reduceMemoryOrder(g, fileOrder(g), { methods: ['greedy'] });
    checkOrder(g, greedy.order);
    assert.ok(greedy.peakAfter <= greedy.peakBefore && greedy.peakAfter >= best);
  }
});

test('large graphs skip the exact search and still return a topological order no worse than the file', () => {
  const g = randomDag(5, 200);
  const r = reduceMemoryOrder(g, fileOrder(g));
  checkOrder(g, r.order);
  assert.notEqual(r.method, 'exact');
  assert.ok(r.peakAfter <= r.peakBefore);
  assert.equal(analyzeMemory(g, r.order).peakActivationBytes, r.peakAfter);
  const capped = reduceMemoryOrder(randomDag(9, 20), fileOrder(randomDag(9, 20)), { methods: ['exact'], maxStates: 3 });
  assert.equal(capped.method, 'file');
});
