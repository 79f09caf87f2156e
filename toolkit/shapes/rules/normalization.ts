/**
 * Normalisations keep the input's shape. LayerNormalization's optional Mean and InvStdDev outputs keep
 * the dims before `axis` and set the rest to 1 (float32 unless stash_type says otherwise); training-mode
 * BatchNormalization also emits running mean and variance of shape [C].
 */
import { ShapeRule } from '../context';
import { Known, known } from '../known';

const batchNorm: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const out: Known[] = [known(x.dtype, x.shape)];
  const channels = ctx.input(1).shape;
  for (let i = 1; i < ctx.outputCount; i++) out.push(known(ctx.input(1).dtype, channels));
  return out;
};

const layerNorm: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const axis = ctx.axis(ctx.int('axis', -1), x.shape.length);
  const stats = x.shape.map((d, i) => (i < axis ? d : 1));
  const statsType = ctx.int('stash_type', 1) === 1 ? 'float32' : x.dtype;
  const out: Known[] = [known(x.dtype, x.shape)];
  for (let i = 1; i < ctx.outputCount; i++) out.push(known(statsType, stats));
  return out;
};

const sameAsInput: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  return [known(x.dtype, x.shape)];
};

export const NORMALIZATION_RULES: Readonly<Record<string, ShapeRule>> = {
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  InstanceNormalization: sameAsInput,
  GroupNormalization: sameAsInput,
  LpNormalization: sameAsInput,
  LRN: sameAsInput,
  MeanVarianceNormalization: sameAsInput,
};
