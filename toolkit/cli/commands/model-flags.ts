/**
 * Flags every command that opens a model takes: --input name=shape and --input-value name=v[,v...]
 * (both repeatable), --batch, --seq. Values are read as numbers here (true/false as 1/0) and checked against
 * the input's dtype when the model is opened (shapes/inputs.ts), since only the model knows it.
 */
import { ModelOptions } from '../../experiment/model-source';
import { QuiltError } from '../../core/errors';
import { OptionSpec, ParsedArgs, intFlag, listFlag, parseInputShapes, stringFlag } from '../args';

export const MODEL_FLAGS: OptionSpec = {
  input: { type: 'string', multiple: true },
  'input-value': { type: 'string', multiple: true },
  batch: { type: 'string' },
  seq: { type: 'string' },
};

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Reads `--input-value name=v[,v...]` flags into a name -> values map. */
export function parseInputValues(specs: readonly string[]): Record<string, number[]> {
  const values: Record<string, number[]> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const name = spec.slice(0, eq).trim();
    const items = spec.slice(eq + 1).split(',').map((s) => s.trim());
    if (eq <= 0 || items.some((s) => s === '')) {
      throw new QuiltError(`--input-value: '${spec}' is not name=v[,v...] (example: --input-value sample_rate=16000)`);
    }
    if (name in values) throw new QuiltError(`--input-value: '${name}' is given twice`);
    values[name] = items.map((s) => {
      if (s === 'true' || s === 'false') return s === 'true' ? 1 : 0;
      if (!NUMBER.test(s)) throw new QuiltError(`--input-value ${name}: '${s}' is not a number`);
      return Number(s);
    });
  }
  return values;
}

export function modelOptions(args: ParsedArgs): ModelOptions {
  return {
    batch: stringFlag(args, 'batch') === undefined ? undefined : intFlag(args, 'batch', 1),
    seq: stringFlag(args, 'seq') === undefined ? undefined : intFlag(args, 'seq', 128),
    inputShapes: parseInputShapes(listFlag(args, 'input')),
    inputValues: parseInputValues(listFlag(args, 'input-value')),
  };
}
