import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { QuiltError } from '../core/errors';
import { chromiumPath } from './chromium';
import { Figure } from './figure';
import { writeHtml } from './html';
import { writeImage } from './image';
import { latencyByPolicy } from './latency-by-policy';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-plot-'));
}

const figure: Figure = latencyByPolicy([
  { policy: 'quilt-policy-marker', latencyMs: 12.5, status: 'ok' },
  { policy: 'unmanaged', latencyMs: 987.25, status: 'ok' },
], { title: 'A </script> title' });

test('writeHtml writes a standalone page with plotly.js and the figure data', () => {
  const file = path.join(tempDir(), 'sub', 'figure.html');
  writeHtml(figure, file);
  const html = fs.readFileSync(file, 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(html.includes('window.Plotly = Plotly'), 'plotly.js is inlined');
  assert.ok(html.includes('"quilt-policy-marker"') && html.includes('987.25'), 'the data is in the page');
  assert.ok(!html.includes('A </script> title'), 'text from the figure cannot close the script tag');
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['figure.html']);
});

test('writeImage writes a PNG drawn by plotly in headless Chromium', () => {
  const file = path.join(tempDir(), 'figure.png');
  writeImage(figure, file, { width: 640, height: 400 });
  const bytes = fs.readFileSync(file);
  assert.ok(bytes.length > 1000, `a PNG of ${bytes.length} bytes`);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(bytes.readUInt32BE(16), 640, 'width in the IHDR chunk');
  assert.equal(bytes.readUInt32BE(20), 400, 'height in the IHDR chunk');
});

test('writeImage writes an SVG with the figure in it', () => {
  const file = path.join(tempDir(), 'figure.svg');
  writeImage(figure, file);
  const svg = fs.readFileSync(file, 'utf8');
  assert.match(svg, /^<svg/);
  assert.ok(svg.includes('quilt-policy-marker'), 'the category label is drawn');
  assert.ok(svg.includes('Latency (ms)'), 'the axis title is drawn');
});

test('writeImage refuses an extension it cannot write', () => {
  assert.throws(() => writeImage(figure, path.join(tempDir(), 'figure.gif')),
    (e: unknown) => e instanceof QuiltError && /figure\.gif.*\.png or \.svg/.test(e.message));
});

test('a missing Chromium is a QuiltError that says how to install it', () => {
  const saved = process.env.QUILT_CHROMIUM;
  delete process.env.QUILT_CHROMIUM;
  try {
    assert.throws(() => chromiumPath(['/nonexistent/chromium']),
      (e: unknown) => e instanceof QuiltError && e.message.includes('apt-get install chromium'));
  } finally {
    if (saved !== undefined) process.env.QUILT_CHROMIUM = saved;
  }
});
