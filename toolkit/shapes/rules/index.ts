/**
 * The table of static shape rules, keyed by ONNX op type (default domain). An op missing from this table is
 * not an error: shape resolution falls back to onnxruntime for it (and for control flow: If, Loop, Scan).
 */
import { ShapeRule } from '../context';
import { CONV_POOL_RULES } from './conv-pool';
import { ELEMENTWISE_RULES } from './elementwise';
import { LAYOUT_RULES } from './layout';
import { LINEAR_RULES } from './linear';
import { NORMALIZATION_RULES } from './normalization';
import { QUANTIZATION_RULES } from './quantization';
import { TENSOR_RULES } from './tensor-ops';

export const SHAPE_RULES: ReadonlyMap<string, ShapeRule> = new Map(Object.entries({
  ...ELEMENTWISE_RULES,
  ...CONV_POOL_RULES,
  ...LINEAR_RULES,
  ...NORMALIZATION_RULES,
  ...LAYOUT_RULES,
  ...TENSOR_RULES,
  ...QUANTIZATION_RULES,
}));

/** The rule for a node's op, if the default domain has one (other domains always fall back). */
export function ruleFor(domain: string, opType: string): ShapeRule | undefined {
  if (domain !== '' && domain !== 'ai.onnx') return undefined;
  return SHAPE_RULES.get(opType);
}
