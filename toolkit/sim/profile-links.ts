/**
 * The copy time of a profile's link in one direction for a run's host memory kind: the measured table where the
 * profile has one (link.ts's rule), else its flat link (latency + bytes / bandwidth, which models pageable memory
 * only). Undefined: the profile has no such link (no copy costs time).
 */
import { QuiltError } from '../core/errors';
import { copyMs } from './copy-engine';
import { HostMemory, tableCopyMs, tableLink } from './link';
import { DeviceProfile } from './profile';

export type CopyTime = (bytes: number) => number;

export function profileCopyTime(profile: DeviceProfile, direction: 'h2d' | 'd2h', hostMemory: HostMemory = 'pageable'): CopyTime | undefined {
  const table = profile.linkTables?.[direction][hostMemory];
  if (table !== undefined) {
    const link = tableLink(table, `${profile.name}.linkTables.${direction}.${hostMemory}`);
    return (bytes) => tableCopyMs(bytes, link);
  }
  const flat = profile[direction];
  if (flat === undefined) return undefined;
  if (hostMemory !== 'pageable' && profile.hasDeviceMemory) {
    throw new QuiltError(`--host-memory ${hostMemory}: profile '${profile.name}' has no measured ${hostMemory} copies (its links model pageable memory only)`);
  }
  const params = { bytesPerS: flat.bytesPerS.value, latencyMs: flat.latencyMs.value };
  return (bytes) => copyMs(bytes, params);
}
