/** Flags every command that opens a model takes: --input name=shape (repeatable), --batch, --seq. */
import { ModelOptions } from '../../experiment/model-source';
import { OptionSpec, ParsedArgs, intFlag, listFlag, parseInputShapes, stringFlag } from '../args';

export const MODEL_FLAGS: OptionSpec = {
  input: { type: 'string', multiple: true },
  batch: { type: 'string' },
  seq: { type: 'string' },
};

export function modelOptions(args: ParsedArgs): ModelOptions {
  return {
    batch: stringFlag(args, 'batch') === undefined ? undefined : intFlag(args, 'batch', 1),
    seq: stringFlag(args, 'seq') === undefined ? undefined : intFlag(args, 'seq', 128),
    inputShapes: parseInputShapes(listFlag(args, 'input')),
  };
}
