import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeviceLedger, Reservation } from './device-ledger';

function ledger(capacity: number): DeviceLedger {
  let t = 0;
  return new DeviceLedger(capacity, { policy: 'test', now: () => t++ });
}

const res = (requestId: number, weightsKey: string, weightBytes: number, activationBytes: number, poolBytes = 0):
  Reservation => ({ requestId, weightsKey, weightBytes, activationBytes, poolBytes });

test('tryReserve holds weights, activations and pool, and release returns activations only', () => {
  const l = ledger(100);
  const t = l.tryReserve(res(1, 'w1', 30, 20, 10));
  assert.ok(t);
  assert.equal(t.weightsLoaded, true);
  assert.deepEqual([l.weightBytes, l.activationBytes, l.poolBytes, l.freeBytes], [30, 20, 10, 40]);
  l.release(t);
  assert.deepEqual([l.weightBytes, l.activationBytes, l.poolBytes], [30, 0, 10]);
  l.releasePool(1);
  assert.equal(l.totalBytes, 30);
  l.evictUnusedWeights();
  assert.equal(l.totalBytes, 0);
});

test('tryReserve refuses what does not fit and changes nothing', () => {
  const l = ledger(100);
  assert.ok(l.tryReserve(res(1, 'w1', 50, 30)));
  const before = l.timeline.length;
  assert.equal(l.tryReserve(res(2, 'w2', 10, 20)), undefined);
  assert.equal(l.totalBytes, 80);
  assert.equal(l.timeline.length, before);
});

test('resident weights are shared and not loaded twice', () => {
  const l = ledger(100);
  const a = l.tryReserve(res(1, 'w', 40, 20));
  const b = l.tryReserve(res(2, 'w', 40, 20));
  assert.ok(a && b);
  assert.equal(b.weightsLoaded, false);
  assert.equal(l.totalBytes, 80);
});

test('unused weights are evicted least recently used first, weights in use never', () => {
  const l = ledger(100);
  const t1 = l.tryReserve(res(1, 'old', 30, 0));
  const t2 = l.tryReserve(res(2, 'new', 30, 0));
  const t3 = l.tryReserve(res(3, 'busy', 30, 0));
  assert.ok(t1 && t2 && t3);
  l.release(t1);
  l.release(t2);
  // 'old' is the least recently used: a 35-byte reservation evicts it only.
  assert.ok(l.tryReserve(res(4, '', 0, 35)));
  assert.deepEqual(l.residentWeights().sort(), ['busy', 'new']);
  // 'busy' is in use: only 'new' (30) can go, with 5 free that makes 35 < 40.
  assert.equal(l.fits(res(5, '', 0, 40)), false);
  assert.ok(l.fits(res(5, '', 0, 35)));
});

test('a reservation whose weights are resident and unused does not count them as evictable room', () => {
  const l = ledger(100);
  const t = l.tryReserve(res(1, 'w', 60, 0));
  assert.ok(t);
  l.release(t);
  assert.equal(l.fits(res(2, 'w', 60, 40)), true);
  assert.equal(l.fits(res(2, 'w', 60, 41)), false);
});

test('forceReserve records an overflow with the request id and holds nothing', () => {
  const l = ledger(100);
  assert.ok(l.tryReserve(res(1, 'w1', 50, 30)));
  const r = l.forceReserve(res(7, 'w2', 10, 20));
  assert.equal(r.overflowed, true);
  assert.equal(r.ticket, undefined);
  assert.equal(l.totalBytes, 80);
  const [spike, after] = l.timeline.slice(-2);
  assert.deepEqual([spike.oomRequestId, spike.totalBytes], [7, 110]);
  assert.deepEqual([after.oomRequestId, after.totalBytes], [-1, 80]);
  const ok = l.forceReserve(res(8, 'w3', 10, 10));
  assert.equal(ok.overflowed, false);
  assert.ok(ok.ticket);
});

test('every change appends a sample with the totals by kind', () => {
  const l = ledger(64);
  const t = l.tryReserve(res(1, 'w', 8, 4, 2));
  assert.ok(t);
  l.release(t);
  l.releasePool(1);
  const s = l.timeline;
  assert.equal(s.length, 4);
  assert.deepEqual(s.map((x) => x.totalBytes), [0, 14, 10, 8]);
  assert.deepEqual(s.map((x) => x.timeMs), [0, 1, 2, 3]);
  for (const x of s) {
    assert.equal(x.weightBytes + x.activationBytes + x.poolBytes, x.totalBytes);
    assert.equal(x.budgetBytes, 64);
    assert.equal(x.policy, 'test');
  }
});

test('releasing a ticket twice is a bug that throws', () => {
  const l = ledger(10);
  const t = l.tryReserve(res(1, '', 0, 5));
  assert.ok(t);
  l.release(t);
  assert.throws(() => l.release(t), /not held/);
});

test('the ledger reports each eviction', () => {
  const evicted: string[] = [];
  const l = new DeviceLedger(100, { policy: 'test', now: () => 0, onEvict: (key) => evicted.push(key) });
  const a = l.tryReserve(res(1, 'a', 50, 0));
  assert.ok(a);
  l.release(a);
  assert.ok(l.tryReserve(res(2, 'b', 60, 0)));
  assert.deepEqual(evicted, ['a']);
});

/** Three unused cached weights, 'next' the least recently used, then 'later', then 'idle'; room for one more. */
function threeCached(wanted?: ReadonlyMap<string, number>): { l: DeviceLedger; evicted: string[] } {
  const evicted: string[] = [];
  const l = new DeviceLedger(100, {
    policy: 'test', now: () => 0, onEvict: (key) => evicted.push(key), ...(wanted ? { wanted: () => wanted } : {}),
  });
  for (const [i, key] of ['next', 'later', 'idle'].entries()) {
    const t = l.tryReserve(res(i, key, 30, 0));
    assert.ok(t);
    l.release(t);
  }
  return { l, evicted };
}

test('eviction takes weights no live request wants before wanted ones, whatever their age', () => {
  const { l, evicted } = threeCached(new Map([['next', 0], ['later', 2]]));
  assert.ok(l.tryReserve(res(9, 'new', 30, 0)));
  assert.deepEqual(evicted, ['idle']);
  // Then the wanted one used farthest ahead ('later', distance 2) before the next one ('next', 0).
  assert.ok(l.tryReserve(res(10, 'new2', 30, 0)));
  assert.deepEqual(evicted, ['idle', 'later']);
});

test('without wanted weights eviction is plain LRU (it would evict the weights needed next)', () => {
  const { l, evicted } = threeCached();
  assert.ok(l.tryReserve(res(9, 'new', 30, 0)));
  assert.deepEqual(evicted, ['next']);
});

test('wanted weights change which bytes go, never what fits', () => {
  const plain = threeCached().l;
  const ordered = threeCached(new Map([['next', 0], ['later', 0], ['idle', 0]])).l;
  for (const extra of [10, 100, 101]) {
    assert.equal(ordered.fits(res(9, 'new', 30, extra - 30)), plain.fits(res(9, 'new', 30, extra - 30)));
  }
  assert.equal(ordered.fits(res(9, '', 0, 100)), true);
  assert.equal(ordered.fits(res(9, '', 0, 101)), false);
});
