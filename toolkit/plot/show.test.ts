import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeKernel } from '../notebook/fake-kernel.test-helper';
import { latencyByPolicy } from './latency-by-policy';
import { show } from './show';
import { showTable, tableHtml } from './table';
import { toFrame } from '../core/frames';

const figure = latencyByPolicy([{ policy: 'quilt', latencyMs: 5, status: 'ok' }]);

function captureConsole(run: () => void): string {
  const lines: string[] = [];
  const saved = { log: console.log, table: console.table };
  console.log = (...args: unknown[]) => { lines.push(args.map(String).join(' ')); };
  console.table = (data: unknown) => { lines.push(JSON.stringify(data)); };
  try {
    run();
  } finally {
    console.log = saved.log;
    console.table = saved.table;
  }
  return lines.join('\n');
}

test('outside a notebook, show prints a note and showTable prints the rows', () => {
  const note = captureConsole(() => show(figure));
  assert.match(note, /^\[figure: 2 trace\(s\): bar 'mean', scatter 'p95'; .*writeHtml/);
  const table = captureConsole(() => showTable([{ a: 1 }, { a: 2 }, { a: 3 }], { maxRows: 2 }));
  assert.equal(table, '[{"a":1},{"a":2}]\n1 more rows');
});

test('in a notebook, the first show sends plotly.js and later ones only a div and its script', () => {
  const kernel = fakeKernel();
  try {
    show(figure);
    show(figure);
    showTable(toFrame([{ policy: 'quilt', latencyMs: 5.123456789 }]));
  } finally {
    kernel.stop();
  }
  const html = kernel.outputs.map((o) => o.data['text/html']);
  assert.equal(html.length, 3);
  assert.ok(html[0].includes('window.Plotly = Plotly'), 'plotly.js in the first output');
  assert.ok(!html[1].includes('window.Plotly = Plotly'), 'not again in the second');
  for (const h of html.slice(0, 2)) assert.match(h, /<div id="quilt-plot-[0-9a-f]+"[^]*Plotly\.newPlot/);
  assert.ok(html[0].indexOf('window.Plotly = Plotly') < html[0].indexOf('<div id="quilt-plot-'));
  assert.match(html[2], /<th[^>]*>latencyMs<\/th>[^]*<td[^>]*>5\.12346<\/td>/);
});

test('tableHtml shows at most maxRows rows and says how many were left out; text is escaped', () => {
  const rows = [{ name: '<b>x</b>', n: 1 }, { name: 'y', n: 2 }, { name: 'z', n: 3 }];
  const html = tableHtml(rows, { maxRows: 1 });
  assert.equal((html.match(/<tr>/g) ?? []).length, 2, 'header + one row');
  assert.ok(html.includes('&lt;b&gt;x&lt;/b&gt;'));
  assert.ok(html.includes('2 more rows; 3 rows x 2 columns'));
});
