/**
 * Figures as PNG or SVG files. Headless Chromium opens a page that runs plotly's own Plotly.toImage and writes
 * the resulting data URL into the page; the DOM is dumped once the page's virtual time has run, and the image
 * bytes are taken from it. Needs Debian's chromium (apt-get install chromium).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { QuiltError } from '../core/errors';
import { writeFileAtomic } from '../core/atomic-write';
import { dumpDom } from './chromium';
import { Figure } from './figure';
import { plotlyBundlePath, scriptSafeJson } from './plotly-bundle';

export type ImageFormat = 'png' | 'svg';

export interface ImageOptions {
  /** Size in pixels (default: the layout's, else 900 x 500). */
  width?: number;
  height?: number;
  /** Pixel ratio of PNGs (2 = sharper). */
  scale?: number;
}

const OUTPUT_ID = 'quilt-image-output';

function imageFormatOf(file: string): ImageFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.png') return 'png';
  if (ext === '.svg') return 'svg';
  throw new QuiltError(`${file}: cannot tell the image format; name the file .png or .svg`);
}

function renderPage(figure: Figure, format: ImageFormat, options: ImageOptions): string {
  const layout = figure.layout;
  const imageOptions = {
    format,
    width: options.width ?? (typeof layout.width === 'number' ? layout.width : 900),
    height: options.height ?? (typeof layout.height === 'number' ? layout.height : 500),
    scale: options.scale ?? 1,
  };
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<script src="${pathToFileURL(plotlyBundlePath()).href}"></script>
</head><body>
<pre id="${OUTPUT_ID}">pending</pre>
<script>
(function () {
  var out = document.getElementById(${JSON.stringify(OUTPUT_ID)});
  if (!window.Plotly) { out.textContent = 'ERROR plotly.js did not load'; return; }
  var figure = ${scriptSafeJson({ data: figure.data, layout: figure.layout })};
  window.Plotly.toImage(figure, ${JSON.stringify(imageOptions)})
    .then(function (url) { out.textContent = 'DATA ' + url; })
    .catch(function (e) { out.textContent = 'ERROR ' + (e && e.message ? e.message : String(e)); });
})();
</script>
</body></html>
`;
}

function decodeDataUrl(url: string): Buffer {
  const comma = url.indexOf(',');
  const head = url.slice(0, comma);
  const body = url.slice(comma + 1);
  return head.endsWith(';base64') ? Buffer.from(body, 'base64') : Buffer.from(decodeURIComponent(body), 'utf8');
}

/** The figure's image bytes, drawn by plotly.js in headless Chromium. */
export function renderImage(figure: Figure, format: ImageFormat, options: ImageOptions = {}): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-image-'));
  try {
    const page = path.join(dir, 'figure.html');
    fs.writeFileSync(page, renderPage(figure, format, options));
    const dom = dumpDom(pathToFileURL(page).href);
    const match = new RegExp(`<pre id="${OUTPUT_ID}">([^<]*)</pre>`).exec(dom);
    const text = match ? match[1].replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>') : '';
    if (!text.startsWith('DATA ')) {
      throw new QuiltError(`plotly could not draw the ${format} image in chromium: ${text.slice(0, 200) || 'no output'}`);
    }
    return decodeDataUrl(text.slice('DATA '.length));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the figure as PNG or SVG, by the file's extension (atomically, creating the folder). */
export function writeImage(figure: Figure, file: string, options: ImageOptions = {}): void {
  writeFileAtomic(file, renderImage(figure, imageFormatOf(file), options));
}
