import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../graph/builder';
import { fileOrder } from '../graph/order';
import { analyzeMemory } from '../memory/profile';
import { bytesTensor, randomDag, seededRandom, shapeGraph } from '../memory/test-support';
import { DemandWindow, demandModel, feasibleEnds, rangeDemand } from './demand';

/** x(10) -A-> a(20) -B(w1=100)-> b(30) -C-> c(40) ; D(a, c) -> y(5) output; A also reads constant k(7). */
function skipChain() {
  const g = new GraphBuilder('skip');
  g.input('x', 'uint8', [10]);
  g.initializer('w1', bytesTensor(100));
  const k = g.constant('k', bytesTensor(7));
  const a = g.op('A', ['x', k], {}, 'A');
  const b = g.op('B', [a, 'w1'], {}, 'B');
  const c = g.op('C', [b], {}, 'C');
  g.output(g.op('D', [a, c], {}, 'D'));
  return shapeGraph(g.finish(), { A_out: 20, B_out: 30, C_out: 40, D_out: 5 });
}

test('range demand: received tensors live from the start, handed-on tensors to the end', () => {
  const graph = skipChain(); // order: k_const, A, B, C, D
  const m = demandModel(graph, fileOrder(graph));
  const whole = rangeDemand(m, 0, 5);
  // steps: k: x10 | A: x a =30 | B: a b =50 | C: a b c =90 | D: a c y =65; weights 7 + 100
  assert.deepEqual([whole.peakActivationBytes, whole.weightBytes, whole.demandBytes, whole.peakStep], [90, 107, 197, 3]);
  assert.equal(whole.demandBytes, analyzeMemory(graph, fileOrder(graph)).peakBytes);
  // [C, D): receives a (live to D) and b; c live to end: a20+b30+c40 = 90, then a c y = 65
  assert.deepEqual([rangeDemand(m, 3, 5).peakActivationBytes, rangeDemand(m, 3, 5).weightBytes], [90, 0]);
  // [B] alone: receives a (read at B) and hands on a? no: a was produced before; it receives a and hands on b.
  assert.deepEqual([rangeDemand(m, 2, 3).peakActivationBytes, rangeDemand(m, 2, 3).weightBytes], [50, 100]);
  // [A, B): a is read later by D, so A..B must keep a until B: x a | a b
  assert.equal(rangeDemand(m, 1, 3).peakActivationBytes, 50);
  // the Constant node alone demands nothing: its output is a weight, counted where it is read
  assert.equal(rangeDemand(m, 0, 1).demandBytes, 0);
  assert.equal(rangeDemand(m, 1, 2).weightBytes, 7);
});

test('the sliding window agrees with the direct evaluation on random DAGs after any sequence of moves', () => {
  for (let seed = 1; seed <= 60; seed++) {
    const graph = randomDag(seed, 8 + (seed % 12));
    const m = demandModel(graph, fileOrder(graph));
    const n = m.order.length;
    const rand = seededRandom(seed * 7919);
    const w = new DemandWindow(m);
    for (let move = 0; move < 4 * n; move++) {
      const grow = w.end < n && (w.end === w.start || rand() < 0.6);
      if (grow) w.pushBack(); else if (w.end > w.start) w.popFront(); else break;
      if (w.end > w.start) assert.equal(w.demand(), rangeDemand(m, w.start, w.end).demandBytes, `seed ${seed} [${w.start}, ${w.end})`);
    }
  }
});

test('demand is monotone under range inclusion, and feasibleEnds gives each start its longest fitting range', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const graph = randomDag(seed, 10);
    const m = demandModel(graph, fileOrder(graph));
    const n = m.order.length;
    const d = (i: number, j: number) => rangeDemand(m, i, j).demandBytes;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j <= n; j++) {
        if (j < n) assert.ok(d(i, j) <= d(i, j + 1));
        if (i > 0) assert.ok(d(i, j) <= d(i - 1, j));
      }
    }
    let single = 0;
    for (let i = 0; i < n; i++) single = Math.max(single, d(i, i + 1));
    for (const threshold of [single, Math.floor((single + d(0, n)) / 2), d(0, n)]) {
      const reach = feasibleEnds(m, threshold);
      for (let i = 0; i < n; i++) {
        assert.ok(d(i, reach[i]) <= threshold);
        if (reach[i] < n) assert.ok(d(i, reach[i] + 1) > threshold);
      }
    }
  }
});
