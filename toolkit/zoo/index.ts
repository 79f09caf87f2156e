/**
 * The model zoo: seven published networks built in code with seeded weights, their input shapes and feeds,
 * and a file cache of their ONNX models.
 */
export {
  ZOO_MODELS, ZooModelInfo, ZooModelName, ZooOptions, ResolvedZooOptions, DEFAULT_BATCH, DEFAULT_SEQ, DEFAULT_SEED,
  buildZooModel, zooInputShapes, zooModelInfo, resolveZooOptions,
} from './registry';
export { ZooFeed, zooInputs } from './inputs';
export { ModelRef, parseModelRef } from './model-ref';
export { ZOO_VERSION, zooCacheDir, zooFileName, zooModelFile } from './cache';
export { findRepoRoot } from '../core/paths';
