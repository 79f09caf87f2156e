/** The simulated device: profiles, the device model's terms, the sim backend (see each file's header). */
export { DeviceProfile, Sourced, LinkProfile, loadProfile, listProfiles, parseProfile } from './profile';
export { withLinks, deviceProfileRows, DeviceProfileRow } from './variant';
export { SimBackend } from './sim-backend';
export { taskCost } from './task-cost';
export { openBackend, OpenBackendOptions } from './open';
export { opWork, OpWork } from './op-work';
export { opTimeMs, opsTimeMs } from './roofline';
export { stretch, ProcessorSharing } from './sharing';
export { copyMs, CopyEngine } from './copy-engine';
