/**
 * What-if profiles: a profile with some numbers replaced, each replacement carrying its own source, and a
 * profile as table rows (name, value, source) for notebooks. A variant gets its own name, so its results are
 * never mistaken for the original profile's.
 */
import { DeviceProfile, Sourced } from './profile';

export interface LinkChange {
  readonly h2dBytesPerS?: Sourced;
  readonly d2hBytesPerS?: Sourced;
}

/** The profile with its host-device links replaced (e.g. pinned instead of pageable buffers, or another PCIe). */
export function withLinks(profile: DeviceProfile, name: string, change: LinkChange): DeviceProfile {
  if (!profile.h2d || !profile.d2h) return { ...profile, name };
  return {
    ...profile,
    name,
    h2d: { ...profile.h2d, bytesPerS: change.h2dBytesPerS ?? profile.h2d.bytesPerS },
    d2h: { ...profile.d2h, bytesPerS: change.d2hBytesPerS ?? profile.d2h.bytesPerS },
  };
}

/** One number of a device profile (not a memory profile's step: partition/frame.ts's ProfileRow). */
export interface DeviceProfileRow {
  readonly number: string;
  readonly value: number;
  readonly source: string;
}

/** Every number of a profile with its source. */
export function deviceProfileRows(profile: DeviceProfile): DeviceProfileRow[] {
  const rows: DeviceProfileRow[] = [];
  const add = (number: string, s: Sourced | undefined) => { if (s) rows.push({ number, value: s.value, source: s.source }); };
  add('concurrency', profile.concurrency);
  for (const [t, s] of Object.entries(profile.peakFlopsPerS)) add(`peakFlopsPerS.${t}`, s);
  add('memoryBytesPerS', profile.memoryBytesPerS);
  add('kernelLaunchMs', profile.kernelLaunchMs);
  add('runOverheadMs', profile.runOverheadMs);
  add('taskShare', profile.taskShare);
  add('interference', profile.interference);
  add('taskBoundaryBytesPerS', profile.taskBoundaryBytesPerS);
  add('lanes', profile.lanes);
  add('h2d.bytesPerS', profile.h2d?.bytesPerS);
  add('h2d.latencyMs', profile.h2d?.latencyMs);
  add('d2h.bytesPerS', profile.d2h?.bytesPerS);
  add('d2h.latencyMs', profile.d2h?.latencyMs);
  for (const [m, s] of Object.entries(profile.modelFactors ?? {})) add(`modelFactors.${m}`, s);
  return rows;
}
