/** The policies by name: what the CLI and experiments use to pick one. */
import { QuiltError } from '../../core/errors';
import { Policy } from '../policy';
import { layerLevelPolicy } from './layer-level';
import { modelLevelPolicy } from './model-level';
import { quiltPolicy } from './quilt';
import { tritonStylePolicy } from './triton-style';
import { unmanagedPolicy } from './unmanaged';

export const POLICY_NAMES = ['quilt', 'model-level', 'layer-level', 'triton-style', 'unmanaged'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}

/** A fresh policy (policies hold per-run state: create one per run). */
export function createPolicy(name: string): Policy {
  switch (name) {
    case 'quilt': return quiltPolicy();
    case 'model-level': return modelLevelPolicy();
    case 'layer-level': return layerLevelPolicy();
    case 'triton-style': return tritonStylePolicy();
    case 'unmanaged': return unmanagedPolicy();
    default: throw new QuiltError(`policy: '${name}' is not one of ${POLICY_NAMES.join(', ')}`);
  }
}

/** Whether a policy is managed: it admits only what fits the budget, so it never goes out of memory. */
export function isManagedPolicy(name: string): boolean {
  return createPolicy(name).enforcesBudget;
}

export { quiltPolicy, modelLevelPolicy, layerLevelPolicy, tritonStylePolicy, unmanagedPolicy };
