/**
 * show(figure): draws a figure inline in a tslab notebook, offline. The first call in a kernel also sends
 * plotly.js itself (a <script> that defines window.Plotly); later calls send only a div and the script that
 * draws into it. The HTML runs the same way when the executed notebook is exported by nbconvert. Outside a
 * notebook, it prints a one-line note instead.
 */
import { notebookDisplay } from './display';
import { Figure } from './figure';
import { figureDivHtml, plotlyScriptTag } from './html';

let plotlySent = false;

/** A one-line description of a figure, for places that cannot draw it. */
export function describeFigure(figure: Figure): string {
  const traces = figure.data.map((t) => `${t.type}${t.name ? ` '${t.name}'` : ''}`).join(', ');
  const title = (figure.layout.title as { text?: string } | undefined)?.text;
  return `[figure${title ? ` '${title}'` : ''}: ${figure.data.length} trace(s): ${traces}; `
    + 'draw it in a notebook with show(), or save it with writeHtml()/writeImage()]';
}

/** Shows the figure (returns nothing, so that a notebook cell ending in show() prints no value). */
export function show(figure: Figure): void {
  const display = notebookDisplay();
  if (!display) {
    console.log(describeFigure(figure));
    return;
  }
  const html = plotlySent ? figureDivHtml(figure) : `${plotlyScriptTag()}\n${figureDivHtml(figure)}`;
  display.html(html);
  plotlySent = true;
}
