/**
 * The zoo's catalogue: the eight networks (seven float, one dynamically quantized), their published parameter counts, and the one place that turns a
 * model name and options (batch, seq, seed) into a Graph or the shapes of its inputs.
 */
import { QuiltError } from '../core/errors';
import { Graph } from '../graph/graph';
import { BERT_BASE, buildBertBase } from './bert';
import { buildDenseNet121 } from './densenet121';
import { GPT2_SMALL, buildGpt2 } from './gpt2';
import { buildInceptionV3 } from './inceptionv3';
import { buildMobileNetV2 } from './mobilenetv2';
import { buildResNet50 } from './resnet50';
import { dynamicQuantizeConvs } from './dynamic-quantize';
import { buildVgg16 } from './vgg16';

export type ZooModelName = 'resnet50' | 'resnet50-dq' | 'vgg16' | 'mobilenetv2' | 'densenet121' | 'inceptionv3' | 'bert-base' | 'gpt2';

export interface ZooModelInfo {
  readonly name: ZooModelName;
  readonly description: string;
  /** Parameter count the model's authors / reference implementation report. */
  readonly publishedParams: number;
  /** The graph inputs, in words. */
  readonly defaultInput: string;
  readonly isTransformer: boolean;
  /** Transformers: the token vocabulary size (input ids lie below it) and the longest sequence. */
  readonly vocabSize?: number;
  readonly maxSeq?: number;
  /** CNNs: the image side (inputs are [batch, 3, side, side]). */
  readonly imageSize?: number;
}

export interface ZooOptions {
  /** Batch size; default 1. */
  readonly batch?: number;
  /** Sequence length (transformers only; ignored for CNNs); default 128. */
  readonly seq?: number;
  /** Seed of the weights; default 0. */
  readonly seed?: number;
}

/** Options with defaults filled in; `seq` is undefined for CNNs. */
export interface ResolvedZooOptions {
  readonly batch: number;
  readonly seq: number | undefined;
  readonly seed: number;
}

export const DEFAULT_BATCH = 1;
export const DEFAULT_SEQ = 128;
export const DEFAULT_SEED = 0;

export const ZOO_MODELS: readonly ZooModelInfo[] = [
  {
    name: 'resnet50', description: 'ResNet-50 (torchvision layout), 1000 classes', publishedParams: 25_557_032,
    defaultInput: 'input: float32 [batch, 3, 224, 224]', isTransformer: false, imageSize: 224,
  },
  {
    name: 'resnet50-dq', description: 'ResNet-50 with dynamically quantized convolutions (DynamicQuantizeLinear + ConvInteger, int8 weights)',
    publishedParams: 25_557_032, defaultInput: 'input: float32 [batch, 3, 224, 224] (any side with --input)', isTransformer: false, imageSize: 224,
  },
  {
    name: 'vgg16', description: 'VGG-16 (configuration D, no batch norm), 1000 classes', publishedParams: 138_357_544,
    defaultInput: 'input: float32 [batch, 3, 224, 224]', isTransformer: false, imageSize: 224,
  },
  {
    name: 'mobilenetv2', description: 'MobileNetV2 (width 1.0), 1000 classes', publishedParams: 3_504_872,
    defaultInput: 'input: float32 [batch, 3, 224, 224]', isTransformer: false, imageSize: 224,
  },
  {
    name: 'densenet121', description: 'DenseNet-121 (growth 32), 1000 classes', publishedParams: 7_978_856,
    defaultInput: 'input: float32 [batch, 3, 224, 224]', isTransformer: false, imageSize: 224,
  },
  {
    name: 'inceptionv3', description: 'Inception-v3 without the auxiliary head, 1000 classes', publishedParams: 23_834_568,
    defaultInput: 'input: float32 [batch, 3, 299, 299]', isTransformer: false, imageSize: 299,
  },
  {
    name: 'bert-base', description: 'BERT-base uncased encoder with pooler (12 layers, 768 hidden, 12 heads)',
    publishedParams: 109_482_240, defaultInput: 'input_ids: int64 [batch, seq] (seq 128)', isTransformer: true,
    vocabSize: BERT_BASE.vocab, maxSeq: BERT_BASE.maxPositions,
  },
  {
    name: 'gpt2', description: 'GPT-2 small with tied LM head (12 layers, 768 hidden, 12 heads)',
    publishedParams: 124_439_808, defaultInput: 'input_ids: int64 [batch, seq] (seq 128)', isTransformer: true,
    vocabSize: GPT2_SMALL.vocab, maxSeq: GPT2_SMALL.maxPositions,
  },
];

export function zooModelInfo(name: string): ZooModelInfo {
  const info = ZOO_MODELS.find((m) => m.name === name);
  if (info === undefined) {
    throw new QuiltError(`unknown zoo model '${name}'; the zoo has: ${ZOO_MODELS.map((m) => m.name).join(', ')}`);
  }
  return info;
}

function positiveInteger(value: number | undefined, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new QuiltError(`${what} must be a positive integer, got ${v}`);
  return v;
}

export function resolveZooOptions(name: string, options: ZooOptions = {}): ResolvedZooOptions {
  const info = zooModelInfo(name);
  const batch = positiveInteger(options.batch, DEFAULT_BATCH, `zoo model '${name}': batch`);
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new QuiltError(`zoo model '${name}': seed must be an integer in [0, 2^32), got ${seed}`);
  }
  if (!info.isTransformer) return { batch, seq: undefined, seed };
  const seq = positiveInteger(options.seq, DEFAULT_SEQ, `zoo model '${name}': seq`);
  if (info.maxSeq !== undefined && seq > info.maxSeq) {
    throw new QuiltError(`zoo model '${name}': seq ${seq} exceeds its ${info.maxSeq} positions`);
  }
  return { batch, seq, seed };
}

/** Builds a zoo network with concrete dims. Unknown names and bad options throw QuiltError. */
export function buildZooModel(name: string, options: ZooOptions = {}): Graph {
  const { batch, seq, seed } = resolveZooOptions(name, options);
  switch (zooModelInfo(name).name) {
    case 'resnet50': return buildResNet50(batch, seed);
    case 'resnet50-dq': return dynamicQuantizeConvs(buildResNet50(batch, seed), 'resnet50-dq');
    case 'vgg16': return buildVgg16(batch, seed);
    case 'mobilenetv2': return buildMobileNetV2(batch, seed);
    case 'densenet121': return buildDenseNet121(batch, seed);
    case 'inceptionv3': return buildInceptionV3(batch, seed);
    case 'bert-base': return buildBertBase(batch, seq as number, seed);
    case 'gpt2': return buildGpt2(batch, seq as number, seed);
  }
}

/** The shapes of the graph inputs a zoo model would have with these options, without building it. */
export function zooInputShapes(name: string, options: ZooOptions = {}): Record<string, number[]> {
  const info = zooModelInfo(name);
  const { batch, seq } = resolveZooOptions(name, options);
  if (info.isTransformer) return { input_ids: [batch, seq as number] };
  const side = info.imageSize as number;
  return { input: [batch, 3, side, side] };
}
