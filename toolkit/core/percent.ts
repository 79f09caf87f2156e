/**
 * The one strict percentage parser, shared by thresholds ('50%' of a model's demand) and budgets ('60%' of the sum
 * of the models' demands): digits with an optional fraction, then '%'. No exponents ('1e2%'), signs or words.
 * The older meaning, a share of the liveness peak without the runtime's terms, has its own spelling: '60%peak'.
 */
import { QuiltError } from './errors';

const PERCENT = /^(\d+(?:\.\d+)?|\.\d+)$/;

/** Whether the text is meant as a percentage (ends with '%'); it may still be malformed. */
export function isPercentText(text: unknown): text is string {
  return typeof text === 'string' && text.trim().endsWith('%');
}

/**
 * The share a percentage names, as a number of percent (50 for '50%'). Throws QuiltError naming `what` when the
 * text is not a positive percentage.
 */
export function parsePercent(text: string, what: string): number {
  const body = text.trim().replace(/%$/, '').trim();
  const percent = PERCENT.test(body) ? Number(body) : NaN;
  if (!Number.isFinite(percent) || percent <= 0) {
    throw new QuiltError(`${what}: '${text}' is not a positive percentage (examples: 50%, 12.5%)`);
  }
  return percent;
}

/** Whether the text is a share of the liveness peak ('60%peak'); it may still be malformed. */
export function isPeakPercentText(text: unknown): text is string {
  return typeof text === 'string' && /%\s*peak\s*$/i.test(text.trim());
}

/** The percent of a '60%peak' text (the strict parser on what comes before 'peak'). */
export function parsePeakPercent(text: string, what: string): number {
  return parsePercent(text.trim().replace(/peak$/i, ''), what);
}

/** `percent`% of `wholeBytes`, in whole bytes. */
export function shareOf(wholeBytes: number, percent: number): number {
  return Math.floor((wholeBytes * percent) / 100);
}
