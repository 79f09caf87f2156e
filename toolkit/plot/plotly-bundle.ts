/**
 * plotly.js in the forms pages need: the path of the browser bundle (the minified one from plotly.js-dist-min
 * when that package is installed, else plotly.js-dist's), its text made safe to inline in a <script>, and the
 * script that draws one figure into one div.
 */
import * as fs from 'node:fs';
import { Figure } from './figure';

const BUNDLES = ['plotly.js-dist-min/plotly.min.js', 'plotly.js-dist/plotly.js'];

export function plotlyBundlePath(): string {
  for (const id of BUNDLES) {
    try {
      return require.resolve(id);
    } catch {
      // try the next one
    }
  }
  throw new Error('plotly.js-dist is not installed (it is a dependency of the toolkit: run npm ci)');
}

let cachedSource: string | undefined;

/** The bundle's source with every `</script` written as `<\/script`, so it can sit inside a script tag. */
export function plotlyBundleSource(): string {
  cachedSource ??= fs.readFileSync(plotlyBundlePath(), 'utf8').replace(/<\/(script)/gi, '<\\/$1');
  return cachedSource;
}

/** JSON that can sit inside a script tag (no `</script>`, no `<!--`, no line separators). */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A script that draws `figure` into the element with id `divId` once window.Plotly exists. */
export function newPlotScript(figure: Figure, divId: string): string {
  const config = { responsive: true, displaylogo: false };
  return `(function () {
  var figure = ${scriptSafeJson(figure)};
  function draw(triesLeft) {
    var target = document.getElementById(${JSON.stringify(divId)});
    if (window.Plotly && target) { window.Plotly.newPlot(target, figure.data, figure.layout, ${JSON.stringify(config)}); return; }
    if (triesLeft > 0) { setTimeout(function () { draw(triesLeft - 1); }, 100); return; }
    if (target) target.textContent = 'plotly.js is not loaded on this page: run the first show() cell again';
  }
  draw(50);
})();`;
}
