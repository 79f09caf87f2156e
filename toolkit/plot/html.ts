/**
 * Figures as HTML: a div with the script that draws it, and a standalone page with plotly.js inlined (opens
 * offline, in any browser, years from now).
 */
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../core/atomic-write';
import { Figure } from './figure';
import { newPlotScript, plotlyBundleSource } from './plotly-bundle';

export function newDivId(): string {
  return `quilt-plot-${randomBytes(6).toString('hex')}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A div plus the script that draws the figure in it (plotly.js must be on the page, or arrive soon). */
export function figureDivHtml(figure: Figure, divId = newDivId()): string {
  const height = typeof figure.layout.height === 'number' ? figure.layout.height : 450;
  return `<div id="${divId}" class="quilt-plot" style="width:100%;height:${height}px;"></div>\n`
    + `<script type="text/javascript">\n${newPlotScript(figure, divId)}\n</script>`;
}

/** The script tag that defines window.Plotly, inlined. */
export function plotlyScriptTag(): string {
  return `<script type="text/javascript">window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n`
    + `<script type="text/javascript">\n${plotlyBundleSource()}\n</script>`;
}

export function standaloneHtml(figure: Figure, title = 'Quilt figure'): string {
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
${plotlyScriptTag()}
</head>
<body style="margin:0;font-family:sans-serif;">
${figureDivHtml(figure)}
</body>
</html>
`;
}

/** Writes the figure as a standalone HTML page (atomically, creating the folder). */
export function writeHtml(figure: Figure, file: string, title?: string): void {
  writeFileAtomic(file, standaloneHtml(figure, title));
}
