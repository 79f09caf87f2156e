/**
 * A diagram of an exported Triton repository (experiment/triton/export.ts) as a standalone SVG: one row per
 * ensemble, its steps as boxes in order (the task model's name and the units of the memory resource its instance
 * asks for), the cut tensors that pass between them as labelled arrows, and the per-device units the server
 * holds. Hand-laid-out SVG rather than a plotly figure: it is a diagram, not a chart, and needs no browser.
 */
import type { TritonExport } from '../experiment/triton/export';

const BOX_W = 150;
const BOX_H = 46;
const GAP = 96;
const EDGE = 96;
const ROW_H = 108;
const TOP = 64;

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function short(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function arrow(x1: number, x2: number, y: number, label: string): string {
  return `<line x1="${x1}" y1="${y}" x2="${x2 - 6}" y2="${y}" stroke="#555" stroke-width="1.5" marker-end="url(#head)"/>`
    + `<text x="${(x1 + x2) / 2}" y="${y - 8}" font-size="10" text-anchor="middle" fill="#444">${esc(short(label, 16))}</text>`;
}

/** The SVG text of the export's ensembles and their resource counts. */
export function tritonEnsembleSvg(exported: Pick<TritonExport, 'models' | 'resource' | 'units'>, unitMiB: number): string {
  const widest = Math.max(...exported.models.map((m) => m.tasks.length));
  const width = Math.max(1100, EDGE * 2 + widest * BOX_W + (widest - 1) * GAP + 40);
  const height = TOP + exported.models.length * ROW_H + 36;
  const parts: string[] = [];
  parts.push(`<text x="20" y="26" font-size="15" font-weight="bold">Triton ensembles exported by quilt: each step asks the rate limiter for units of ${esc(exported.resource)}</text>`);
  parts.push(`<text x="20" y="46" font-size="12" fill="#333">1 unit = ${unitMiB} MiB of predicted activations; the server holds ${exported.units} units per device`
    + ` (--rate-limit-resource=${esc(exported.resource)}:${exported.units}); a step runs only while its units are free. Weights stay loaded.</text>`);
  exported.models.forEach((m, row) => {
    const y = TOP + row * ROW_H;
    const mid = y + 22 + BOX_H / 2;
    parts.push(`<text x="20" y="${y + 12}" font-size="13" font-weight="bold">ensemble "${esc(m.ensemble)}" (${esc(m.model)})</text>`);
    const first = m.tasks[0];
    parts.push(arrow(20, EDGE + 20, mid, first.inputs.join(', ')));
    m.tasks.forEach((t, i) => {
      const x = EDGE + 20 + i * (BOX_W + GAP);
      parts.push(`<rect x="${x}" y="${y + 22}" width="${BOX_W}" height="${BOX_H}" rx="6" fill="#e8f0fb" stroke="#3b6fb6"/>`);
      parts.push(`<text x="${x + BOX_W / 2}" y="${y + 40}" font-size="11" text-anchor="middle">${esc(short(t.name, 24))}</text>`);
      parts.push(`<text x="${x + BOX_W / 2}" y="${y + 58}" font-size="11" text-anchor="middle" fill="#b03a2e">${t.count} unit${t.count === 1 ? '' : 's'}</text>`);
      const next = i + 1 < m.tasks.length ? x + BOX_W + GAP : x + BOX_W + EDGE;
      parts.push(arrow(x + BOX_W, next, mid, t.outputs.join(', ')));
    });
  });
  parts.push(`<text x="20" y="${height - 12}" font-size="11" fill="#555">Arrows: the tensors a step hands on (cut tensors are the ensemble's internal tensors); units per step = ceil(predicted activation bytes / unit).</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<defs><marker id="head" markerWidth="8" markerHeight="8" refX="6" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#555"/></marker></defs>
<rect width="100%" height="100%" fill="white"/>
${parts.join('\n')}
</svg>
`;
}
