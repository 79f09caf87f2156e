/**
 * Seeded input feeds for zoo models, as plain objects (no onnxruntime types): images are float32 with
 * roughly normal values (mean 0, std 1); token ids are int64 uniform below the model's vocabulary size.
 */
import { elementCount } from '../graph/graph';
import { fillNormalish, streamSeed, uniformIntegers } from './random';
import { ZooOptions, zooInputShapes, zooModelInfo } from './registry';

export interface ZooFeed {
  readonly name: string;
  readonly dtype: 'float32' | 'int64';
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array;
}

export function zooInputs(name: string, options: ZooOptions = {}, seed = 0): ZooFeed[] {
  const info = zooModelInfo(name);
  return Object.entries(zooInputShapes(name, options)).map(([inputName, dims]) => {
    const count = elementCount(dims);
    const state = streamSeed(seed, `${info.name}/${inputName}`);
    if (info.isTransformer) {
      const ids = uniformIntegers(count, info.vocabSize as number, state);
      return { name: inputName, dtype: 'int64', dims, data: BigInt64Array.from(ids, (v) => BigInt(v)) };
    }
    const data = new Float32Array(count);
    fillNormalish(data, 0, 1, state);
    return { name: inputName, dtype: 'float32', dims, data };
  });
}
