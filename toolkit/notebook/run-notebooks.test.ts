/**
 * Executes every notebooks/*.ipynb on the project's tslab kernel with `jupyter nbconvert --execute` (a failing
 * cell fails its test), then exports an executed notebook that shows figures to HTML, opens it in headless
 * Chromium, checks that plotly drew every figure, and saves a screenshot to .cache/notebook-screenshot.png
 * (a reference copy is committed as results/figures/notebook-screenshot.png).
 * Needs the system packages of .ci/system-packages.sh and a built toolkit (notebooks load dist/).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { dumpDom, screenshot } from '../plot/chromium';
import { cpuProcessEnv } from '../runtime/cpu-process-env';

function repoRoot(): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'notebooks'))) return dir;
  }
  throw new Error(`no repository root above ${__dirname}`);
}

const root = repoRoot();
const notebooksDir = path.join(root, 'notebooks');
const notebooks = fs.readdirSync(notebooksDir).filter((f) => f.endsWith('.ipynb')).sort();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-notebooks-'));
const executedDir = path.join(work, 'executed');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const JUPYTER = fs.existsSync('/usr/bin/jupyter') ? '/usr/bin/jupyter' : 'jupyter';
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/**
 * Jupyter sees only the kernel spec installed here (this project's tslab, by absolute path); the kernels get the
 * cpu backend's malloc settings, as `npm run notebook` gives them.
 */
const env: NodeJS.ProcessEnv = {
  ...(cpuProcessEnv(process.env) ?? process.env),
  JUPYTER_PATH: path.join(work, 'share', 'jupyter'),
  XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? work,
};

function run(command: string, args: readonly string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (result.error) {
    assert.fail(`${command}: ${result.error.message} (install the packages of .ci/system-packages.sh)`);
  }
  if (result.status !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-40).join('\n');
    assert.fail(`${command} ${args.join(' ')} exited with ${result.status}:\n${tail}`);
  }
}

interface NotebookOutput { output_type: string; data?: Record<string, string | string[]>; ename?: string; evalue?: string }
interface NotebookCell { cell_type: string; outputs?: NotebookOutput[] }

function outputsOf(file: string): NotebookOutput[] {
  const notebook = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: NotebookCell[] };
  return notebook.cells.flatMap((c) => c.outputs ?? []);
}

function htmlOf(output: NotebookOutput): string {
  const html = output.data?.['text/html'];
  return Array.isArray(html) ? html.join('') : html ?? '';
}

test('there are notebooks to run', () => {
  assert.ok(notebooks.length > 0, `no .ipynb files in ${notebooksDir}`);
});

test('the tslab kernel spec installs', () => {
  run(path.join(root, 'node_modules', '.bin', 'tslab'), [
    'install', `--python=${PYTHON}`, `--binary=${path.join(root, 'node_modules', '.bin', 'tslab')}`,
    `--prefix=${work}`,
  ], root);
  assert.ok(fs.existsSync(path.join(work, 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json')));
});

for (const name of notebooks) {
  test(`notebook ${name} runs without a failing cell`, () => {
    run(JUPYTER, [
      'nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.kernel_name=tslab',
      `--output-dir=${executedDir}`, path.join(notebooksDir, name),
    ], notebooksDir);
    const errors = outputsOf(path.join(executedDir, name)).filter((o) => o.output_type === 'error');
    assert.deepEqual(errors.map((e) => `${e.ename}: ${e.evalue}`), []);
  });
}

test('an executed notebook exported to HTML draws its figures in Chromium', () => {
  const withPlots = notebooks.filter((name) => {
    const file = path.join(executedDir, name);
    return fs.existsSync(file) && outputsOf(file).some((o) => htmlOf(o).includes('class="quilt-plot"'));
  });
  assert.ok(withPlots.length > 0, 'no executed notebook shows a figure with show()');
  // The paper's comparison makes the most telling screenshot; any notebook with figures will do otherwise.
  const chosen = withPlots.find((name) => name.startsWith('03-')) ?? withPlots[0];
  run(JUPYTER, ['nbconvert', '--to', 'html', `--output-dir=${work}`, path.join(executedDir, chosen)], work);
  const page = pathToFileURL(path.join(work, chosen.replace(/\.ipynb$/, '.html'))).href;

  const dom = dumpDom(page, { width: 1280, height: 2000 });
  const plotDivs = dom.match(/<div id="quilt-plot-[0-9a-f]+"[^>]*>/g) ?? [];
  assert.ok(plotDivs.length > 0, `${chosen}: no figure divs in the exported page`);
  for (const div of plotDivs) assert.match(div, /js-plotly-plot/, `${chosen}: plotly did not draw ${div}`);
  assert.ok((dom.match(/class="main-svg"/g) ?? []).length >= plotDivs.length, 'an SVG per figure');
  assert.match(dom, /<g class="trace (bars|scatter|boxes)"/, 'data traces were drawn');

  // Into the git-ignored cache, so a test run leaves the tree clean; results/figures/ holds a reference copy.
  const shot = path.join(root, '.cache', 'notebook-screenshot.png');
  fs.mkdirSync(path.dirname(shot), { recursive: true });
  screenshot(page, shot, { width: 1280, height: 2000 });
  const bytes = fs.readFileSync(shot);
  assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
});
