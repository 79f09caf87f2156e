/**
 * `quilt sim calibrate` on any real backend: on webgpu (Mesa's lavapipe here, a lent GPU there) the profile is a
 * device with its own memory, both links measured, no cpu lanes, and every number sourced "measured on a lent
 * <device>, <date>"; on cpu the same code gives lanes, no d2h link and "measured here". Both profiles pass the
 * profile checks that `--backend sim:<name>` applies. A three-layer MLP of about 100 MFLOP keeps it short while its compute stays well above the fixed costs
 * (a 16x64 one ran within them on a loaded machine, and a factor cannot be derived from noise).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openBackend } from '../../sim/open';
import { DeviceProfile, parseProfile } from '../../sim/profile';
import { WorkloadSpec } from '../../workload';
import { calibrateBackend } from './calibrate';
import { calibrationMlp } from './mlp.test-helper';

function mlpWorkload(dir: string): WorkloadSpec {
  const file = path.join(dir, 'mlp.onnx');
  fs.writeFileSync(file, calibrationMlp(64));
  return {
    name: 'mlp', description: 'test', seed: 1, requests: 1, arrival: { process: 'closed', clients: 1, thinkMs: 0 },
    models: [{ name: 'mlp', model: file, batch: 1, seq: undefined, share: 1, inputValues: {} }],
  };
}

/** Every { value, source } in a profile, with where it sits. */
function sources(profile: DeviceProfile): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (x: unknown, where: string): void => {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) return;
    const r = x as Record<string, unknown>;
    if (typeof r.value === 'number' && typeof r.source === 'string') { out.push([where, r.source]); return; }
    for (const [k, v] of Object.entries(r)) walk(v, `${where}.${k}`);
  };
  walk(profile, 'profile');
  return out;
}

test('calibrate on webgpu: a device with its own memory, both links, every number measured on the lent device', async () => {
  const icds = fs.existsSync('/usr/share/vulkan/icd.d') ? fs.readdirSync('/usr/share/vulkan/icd.d').filter((f) => f.startsWith('lvp_icd')) : [];
  assert.ok(icds.length > 0 || fs.existsSync('/dev/nvidia0'), "no Vulkan driver: run `bash .ci/system-packages.sh` (Mesa's lavapipe from bookworm-backports)");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-calibrate-'));
  const backend = await openBackend('webgpu');
  try {
    const profile = await calibrateBackend({ backend, workload: mlpWorkload(dir), repeats: 2, deviceName: 'Test GPU 9000' });
    const checked = parseProfile(JSON.parse(JSON.stringify(profile)), 'calibrated webgpu profile');
    assert.equal(checked.name, 'webgpu-lent');
    assert.equal(checked.hasDeviceMemory, true);
    assert.ok(checked.h2d !== undefined && checked.d2h !== undefined, 'both links');
    assert.equal(checked.lanes, undefined);
    assert.equal(checked.concurrency.value, backend.concurrency);
    assert.ok(checked.modelFactors?.mlp !== undefined, 'the model got a factor');
    const all = sources(profile);
    assert.ok(all.length >= 12, all.map(([w]) => w).join(' '));
    const date = new Date().toISOString().slice(0, 10);
    for (const [where, source] of all) assert.ok(source.startsWith(`measured on a lent Test GPU 9000, ${date}: `), `${where}: ${source}`);
  } finally {
    await backend.close?.();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('calibrate on cpu: lanes, no d2h link, every number measured here (so the GPU wording is not applied everywhere)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-calibrate-'));
  const backend = await openBackend('cpu', { lanes: 2 });
  try {
    const profile = parseProfile(JSON.parse(JSON.stringify(await calibrateBackend({ backend, workload: mlpWorkload(dir), repeats: 2 }))), 'cpu');
    assert.equal(profile.name, 'cpu-here');
    assert.equal(profile.hasDeviceMemory, false);
    assert.equal(profile.lanes?.value, 2);
    assert.equal(profile.d2h, undefined);
    for (const [where, source] of sources(profile)) assert.match(source, /^measured here, \d{4}-\d\d-\d\d: /, where);
  } finally {
    await backend.close?.();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
