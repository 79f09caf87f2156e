/**
 * Progress of a long loop: in a notebook, one output that updates in place (a bar and a count); elsewhere,
 * a compact line on stderr at every tenth of the way and at the end.
 */
import { updatingDisplay } from '../plot/display';

export interface Progress {
  /** Counts `steps` more items done (default 1), with an optional note (e.g. the current model). */
  tick(steps?: number, note?: string): void;
  /** Marks the whole loop done. */
  done(note?: string): void;
  readonly count: number;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function progressDisplay(total: number, label: string): Progress {
  const display = updatingDisplay();
  const safeTotal = Math.max(0, total);
  let count = 0;
  let shown = -1;
  const percentOf = (n: number): number => (safeTotal === 0 ? 100 : Math.floor((100 * Math.min(n, safeTotal)) / safeTotal));

  const render = (note: string | undefined, final: boolean): void => {
    const percent = percentOf(count);
    const step = display ? percent : Math.floor(percent / 10) * 10;
    if (!final && step === shown) return;
    shown = step;
    const line = `${label}: ${count}/${safeTotal} (${percent}%)${note ? ` ${note}` : ''}${final ? ' done' : ''}`;
    if (display) {
      display.html(`<div style="font-family:monospace"><progress value="${Math.min(count, safeTotal)}" `
        + `max="${safeTotal}" style="width:240px;vertical-align:middle"></progress> ${escapeHtml(line)}</div>`);
    } else {
      process.stderr.write(`${line}\n`);
    }
  };

  render(undefined, false);
  return {
    tick(steps = 1, note?: string) {
      count += steps;
      render(note, false);
    },
    done(note?: string) {
      count = Math.max(count, safeTotal);
      render(note, true);
    },
    get count() {
      return count;
    },
  };
}
