/**
 * Seeded pseudo-random numbers for the zoo's weights and input feeds.
 *
 * Stages: a tensor's name and the model seed hash (FNV-1a, then a mixing step) to a 32-bit stream seed, so a
 * tensor's contents depend on its name and the seed only, never on the order tensors are made in; the stream
 * (mulberry32) fills a Float32Array in one tight loop.
 * Invariants: the same (seed, name) always gives the same numbers on every platform (only 32-bit integer
 * arithmetic and one float multiply per element); uniform draws lie in [-bound, bound).
 */

/** A 32-bit seed for the stream of one named tensor. */
export function streamSeed(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Fills `out` with uniform numbers in [-bound, bound) from the mulberry32 stream started at `state`. */
export function fillUniform(out: Float32Array, bound: number, state: number): void {
  let s = state | 0;
  const scale = (2 * bound) / 4294967296;
  for (let i = 0; i < out.length; i++) {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = ((t ^ (t >>> 14)) >>> 0) * scale - bound;
  }
}

/**
 * Fills `out` with roughly normal numbers of mean `mean` and standard deviation `std`: the sum of four
 * uniform draws (Irwin-Hall), which is smooth enough for test inputs and needs no logarithms.
 */
export function fillNormalish(out: Float32Array, mean: number, std: number, state: number): void {
  const parts = new Float32Array(out.length * 4);
  fillUniform(parts, 1, state);
  // Each uniform in [-1, 1) has variance 1/3; four of them sum to variance 4/3.
  const k = std / Math.sqrt(4 / 3);
  for (let i = 0; i < out.length; i++) {
    const j = i * 4;
    out[i] = mean + k * (parts[j] + parts[j + 1] + parts[j + 2] + parts[j + 3]);
  }
}

/** Integers uniform in [0, limit) from the mulberry32 stream started at `state` (limit at most 2^32). */
export function uniformIntegers(count: number, limit: number, state: number): number[] {
  let s = state | 0;
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * limit);
  }
  return out;
}
