/** Demand with the runtime's terms (memory/runtime-memory.ts): hand-built answers, and the window against the direct evaluation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../graph/builder';
import { fileOrder } from '../graph/order';
import { RuntimeMemoryModel } from '../memory/runtime-memory';
import { bytesTensor, randomDag, shapeGraph } from '../memory/test-support';
import { resolveShapesStatic } from '../shapes/resolve';
import { DemandModel, DemandWindow, demandModel, feasibleEnds, rangeDemand } from './demand';

const RT: RuntimeMemoryModel = { name: 'test', inPlace: true, feedsLiveToEnd: true, nchwcBlock: 1, im2col: true, prepack: true, threads: 1, sessionBytes: 1000 };

/** x(100) -> Relu r1(100) -> Relu r2(100) -> Gather(table 64, r2) g(16) -> Gemm(g, table) y(16) output. */
function chain() {
  const b = new GraphBuilder('chain');
  b.input('x', 'uint8', [100]);
  b.initializer('table', bytesTensor(64));
  const r1 = b.op('Relu', ['x'], {}, 'r1');
  const r2 = b.op('Relu', [r1], {}, 'r2');
  const g = b.op('Gather', ['table', r2], {}, 'gather');
  b.output(b.op('Gemm', [g, 'table'], { transB: 1 }, 'head'));
  return shapeGraph(b.finish(), { r1_out: 100, r2_out: 100, gather_out: 16, head_out: 16 });
}

test('the runtime terms on a hand-built chain: feeds to the end, in-place credit, pre-packed copy, session bytes', () => {
  const graph = chain();
  const bare = demandModel(graph, fileOrder(graph));
  const m = demandModel(graph, fileOrder(graph), RT);
  // bare: steps x r1 = 200 | r1 r2 = 200 | r2 g = 116 | g y = 32; weights 64
  assert.deepEqual([rangeDemand(bare, 0, 4).peakActivationBytes, rangeDemand(bare, 0, 4).demandBytes], [200, 264]);
  // runtime: x is the caller's feed, live to the end; step 1 r2 reuses r1 (dies there):
  // x r1 = 200 | x r1 = 200 | x r2 g = 216 | x g y = 132
  const whole = rangeDemand(m, 0, 4);
  assert.equal(whole.peakActivationBytes, 216);
  assert.equal(whole.peakStep, 2);
  assert.equal(rangeDemand(m, 0, 2).peakActivationBytes, 300, 'x r1 | x r1 r2: r2 is handed on, a buffer of its own');
  assert.equal(rangeDemand(m, 0, 3).peakActivationBytes, 216, 'x r1 | x r2 (into r1) | x r2 g');
  assert.equal(rangeDemand(m, 1, 2).peakActivationBytes, 200, 'r1 received: a feed, never reused');
  // a received cut tensor is a feed too: r2 (read at step 2 only) stays to the range's end, r2 g | r2 g y
  assert.equal(rangeDemand(bare, 2, 4).peakActivationBytes, 116, 'liveness only: r2 g | g y');
  assert.equal(rangeDemand(m, 2, 4).peakActivationBytes, 132, 'feeds: r2 held to the end');
  assert.equal(rangeDemand(m, 2, 4).receivedBytes, 100);
  // table read by Gather and pre-packed by Gemm in one range: twice; plus the session's 1000
  assert.deepEqual([whole.weightBytes, whole.runtimeBytes], [64, 64 + 1000]);
  assert.equal(whole.demandBytes, 64 + 1064 + 216);
  // apart, each range holds the table once
  assert.deepEqual([rangeDemand(m, 2, 3).runtimeBytes, rangeDemand(m, 3, 4).runtimeBytes], [1000, 1000]);
});

/**
 * The window's bound, evaluated directly: the range's demand (of a model without in-place credits), with its own received bytes
 * R(i, j) replaced by the largest R(s, j) over the starts s inside it, and its reorder-out copies H(i, j) by the
 * largest H(i, b) over the ends b inside it (both are the same at every step, so they come off the peak exactly).
 */
function bound(m: DemandModel, i: number, j: number): number {
  const own = rangeDemand(m, i, j);
  let worst = 0;
  for (let s = i; s < j; s++) worst = Math.max(worst, rangeDemand(m, s, j).receivedBytes);
  let copies = 0;
  for (let b = i + 1; b <= j; b++) copies = Math.max(copies, rangeDemand(m, i, b).handedOnCopyBytes);
  return own.demandBytes - own.receivedBytes - own.handedOnCopyBytes + worst + copies;
}

/**
 * Every range of `m` through a window: it equals the bound evaluated on `noCredit` (the same model without in-place
 * credits), bounds rangeDemand of `m` from above, and is monotone.
 */
function checkWindow(m: DemandModel, noCredit: DemandModel): { laterReceivesMore: number; credited: number } {
  let credited = 0;
  let laterReceivesMore = 0;
  const n = m.order.length;
  for (let i = 0; i < n; i++) {
    const w = new DemandWindow(m);
    for (let k = 0; k < i; k++) { w.pushBack(); w.popFront(); }
    for (let j = i + 1; j <= n; j++) {
      w.pushBack();
      assert.equal(w.demand(), bound(noCredit, i, j), `[${i}, ${j})`);
      assert.ok(rangeDemand(m, i, j).demandBytes <= w.demand(), `[${i}, ${j}) bounded`);
      if (bound(noCredit, i, j) > rangeDemand(noCredit, i, j).demandBytes) laterReceivesMore++;
      if (rangeDemand(m, i, j).demandBytes < rangeDemand(noCredit, i, j).demandBytes) credited++;
      if (i > 0) assert.ok(bound(noCredit, i, j) <= bound(noCredit, i - 1, j), `[${i}, ${j}) inside [${i - 1}, ${j})`);
      if (j > i + 1) assert.ok(bound(noCredit, i, j - 1) <= w.demand(), `[${i}, ${j - 1}) inside [${i}, ${j})`);
    }
  }
  // and shrinking from the front with steps still inside (what feasibleEnds does)
  for (let j = 1; j <= n; j++) {
    const w = new DemandWindow(m);
    for (let k = 0; k < j; k++) w.pushBack();
    for (let i = 0; i < j; i++) {
      assert.equal(w.demand(), bound(noCredit, i, j), `[${i}, ${j}) after popping`);
      w.popFront();
    }
  }
  return { laterReceivesMore, credited };
}

test('the sliding window equals its bound evaluated directly (no in-place credits), bounds the direct evaluation from above, and is monotone', () => {
  const graph = chain();
  const m = demandModel(graph, fileOrder(graph), RT);
  const noCredit = demandModel(graph, fileOrder(graph), { ...RT, inPlace: false });
  assert.ok(checkWindow(m, noCredit).credited > 0, 'negative check: some range gets a credit');
  let laterReceivesMore = 0;
  let credited = 0;
  for (let seed = 1; seed <= 8; seed++) {
    const g = seed % 2 === 0 ? randomDag(seed, 14) : randomDag(seed, 14, 2, 'Add');
    const checked = checkWindow(demandModel(g, fileOrder(g), RT), demandModel(g, fileOrder(g), { ...RT, inPlace: false }));
    laterReceivesMore += checked.laterReceivesMore;
    credited += checked.credited;
  }
  assert.ok(laterReceivesMore > 0, 'negative check: some range has a later start that receives more than its own');
  assert.ok(credited > 0, 'negative check: the random graphs have in-place credits');
  const reach = feasibleEnds(m, 1000 + 64 + 216);
  assert.ok(reach.every((r, i) => r > i));
});

/** x [1,16,4,4] -> Conv c1 -> Conv c2 -> Conv c3 -> Add(c1, c3) y: every tensor 1 KiB, 16 channels. */
function convChain() {
  const b = new GraphBuilder('convs');
  b.input('x', 'float32', [1, 16, 4, 4]);
  for (const w of ['w1', 'w2', 'w3']) b.initializer(w, { dtype: 'float32', dims: [16, 16, 1, 1], bytes: new Uint8Array(16 * 16 * 4) });
  const c1 = b.op('Conv', ['x', 'w1'], {}, 'c1');
  const c2 = b.op('Conv', [c1, 'w2'], {}, 'c2');
  const c3 = b.op('Conv', [c2, 'w3'], {}, 'c3');
  b.output(b.op('Add', [c1, c3], {}, 'add'), 'float32', [1, 16, 4, 4]);
  return resolveShapesStatic(b.finish());
}

test('reorder-in: a received 16-channel tensor read by a blocked Conv gets a blocked copy, counted to the end', () => {
  const g = convChain();
  const blocked = demandModel(g, fileOrder(g), { ...RT, nchwcBlock: 16, sessionBytes: 0 });
  const plain = demandModel(g, fileOrder(g), { ...RT, nchwcBlock: 1, sessionBytes: 0 });
  const kib = 1024;
  // [1, 4): c1 received (read by c2's Conv and the Add) and its blocked copy, both to the end
  assert.equal(rangeDemand(blocked, 1, 4).receivedBytes, 2 * kib);
  assert.equal(rangeDemand(plain, 1, 4).receivedBytes, kib, 'negative check: no blocking, no copy');
  // [3, 4): the Add reads c1 and c3 received; an Add is no Conv: no copy
  assert.equal(rangeDemand(blocked, 3, 4).receivedBytes, 2 * kib);
  // the model input has 16 channels too: copied for c1
  assert.equal(rangeDemand(blocked, 0, 4).receivedBytes, 2 * kib);
  checkWindow(blocked, blocked);
});

test('reorder-out: a blocked tensor handed on is copied back to NCHW, and the copy counts for the whole task', () => {
  const g = convChain();
  const blocked = demandModel(g, fileOrder(g), { ...RT, nchwcBlock: 16, sessionBytes: 0 });
  const plain = demandModel(g, fileOrder(g), { ...RT, nchwcBlock: 1, sessionBytes: 0 });
  const kib = 1024;
  // [0, 2) hands on c1 (read by the Add) and c2, both from blocked Convs
  assert.equal(rangeDemand(blocked, 0, 2).handedOnCopyBytes, 2 * kib);
  assert.equal(rangeDemand(plain, 0, 2).handedOnCopyBytes, 0, 'negative check: no blocking, no copy');
  // the whole model hands on y, the Add of two blocked tensors: blocked too, and a graph output
  assert.equal(rangeDemand(blocked, 0, 4).handedOnCopyBytes, kib);
  // a later end that reads c2 needs no copy of it: H(0, 3) = c1 + c3
  assert.equal(rangeDemand(blocked, 0, 3).handedOnCopyBytes, 2 * kib);
  // the Add alone holds no Conv: it runs in NCHW, nothing to copy back
  assert.equal(rangeDemand(blocked, 3, 4).handedOnCopyBytes, 0);
  assert.equal(rangeDemand(blocked, 2, 4).handedOnCopyBytes, 0, 'y is blocked through c1, whose Conv is before the range');
  assert.ok(rangeDemand(blocked, 0, 2).demandBytes - rangeDemand(plain, 0, 2).demandBytes >= 2 * kib);
});
