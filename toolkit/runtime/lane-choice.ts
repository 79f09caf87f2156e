/**
 * Which worker lane a run takes (the cpu backend's rule; the simulator's lanes follow the same function):
 * a free lane that holds one of the run's kept inputs (the first such in `preferred`); else the free lane that
 * holds the fewest kept tensors (lowest index on a tie); else none (the run waits for the next lane to free).
 */
export function chooseLane(busy: readonly boolean[], residents: readonly number[], preferred: readonly number[]): number | undefined {
  let pick = preferred.find((i) => !busy[i]);
  if (pick !== undefined) return pick;
  for (let i = 0; i < busy.length; i++) {
    if (!busy[i] && (pick === undefined || residents[i] < residents[pick])) pick = i;
  }
  return pick;
}
