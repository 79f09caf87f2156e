/** `quilt zoo list` and `quilt zoo build <name> [--batch N] [--seq N] [--out file.onnx]`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ZOO_MODELS, zooModelFile, zooModelInfo } from '../../zoo';
import { QuiltError } from '../../core/errors';
import { copyFileAtomic } from '../../core/atomic-write';
import { boolFlag, intFlag, parseCommandArgs, requirePositional, stringFlag } from '../args';
import { formatTable, printJson } from '../output';
import { Command } from './index';

const USAGE = 'quilt zoo list | quilt zoo build <name> [--batch N] [--seq N] [--out file.onnx]';

export const zooCommand: Command = {
  summary: 'list the model zoo, or build one of its models into an .onnx file',
  async run(argv) {
    const args = parseCommandArgs('zoo', argv, { batch: { type: 'string' }, seq: { type: 'string' }, out: { type: 'string' } });
    const sub = requirePositional(args, 0, 'a subcommand (list or build)', USAGE);
    if (sub === 'list') {
      const models = ZOO_MODELS.map((m) => ({
        name: m.name, params: m.publishedParams, input: m.defaultInput, description: m.description,
      }));
      if (boolFlag(args, 'json')) printJson({ models });
      else process.stdout.write(`${formatTable(models)}\n`);
      return 0;
    }
    if (sub !== 'build') throw new QuiltError(`quilt zoo: unknown subcommand '${sub}' (usage: ${USAGE})`);
    const name = zooModelInfo(requirePositional(args, 1, 'a model name', USAGE)).name;
    const options = { batch: intFlag(args, 'batch', 1), seq: intFlag(args, 'seq', 128) };
    const started = performance.now();
    const cached = await zooModelFile(name, options);
    const out = stringFlag(args, 'out');
    let file = cached;
    if (out !== undefined) {
      copyFileAtomic(cached, out);
      file = out;
    }
    const result = { model: name, ...options, file, bytes: fs.statSync(file).size, seconds: (performance.now() - started) / 1000 };
    if (boolFlag(args, 'json')) printJson(result);
    else process.stdout.write(`${name}: wrote ${file} (${result.bytes} bytes) in ${result.seconds.toFixed(1)} s\n`);
    return 0;
  },
};
