/**
 * Errors about memory that callers act on: they carry the bytes as fields, so reproduce, the bench and the
 * notebooks read `neededBytes` and `freeBytes` instead of parsing a message. The message is for people only
 * (one line) and may be reworded freely.
 */
import { QuiltError } from './errors';
import { formatBytes } from './units';

/** A budget below what a workload needs: one request's largest task (plus its pool) does not fit. */
export class BudgetTooSmallError extends QuiltError {
  readonly neededBytes: number;
  readonly budgetBytes: number;
  /** The model whose task needs the most, when known. */
  readonly model?: string;
  /** The policy the budget was checked for, when known. */
  readonly policy?: string;

  constructor(fields: { neededBytes: number; budgetBytes: number; model?: string; policy?: string; detail?: string }) {
    super(`budget ${formatBytes(fields.budgetBytes)} is too small: `
      + (fields.policy !== undefined ? `policy '${fields.policy}' needs ` : 'the workload needs ')
      + `${formatBytes(fields.neededBytes)}`
      + (fields.model !== undefined ? ` for model '${fields.model}'` : '')
      + (fields.detail !== undefined ? ` (${fields.detail})` : '')
      + `; give at least --budget ${fields.neededBytes}`);
    this.name = 'BudgetTooSmallError';
    this.neededBytes = fields.neededBytes;
    this.budgetBytes = fields.budgetBytes;
    this.model = fields.model;
    this.policy = fields.policy;
  }
}

/** A policy that cannot start under the budget, e.g. triton-style failing to load a model that does not fit. */
export class PolicyCannotStartError extends QuiltError {
  readonly policy: string;
  readonly model: string;
  readonly neededBytes: number;
  readonly freeBytes: number;
  readonly budgetBytes: number;
  /** Why it cannot start, without the policy's name (for a table that is already per policy). */
  readonly reason: string;

  constructor(fields: { policy: string; model: string; neededBytes: number; freeBytes: number; budgetBytes: number; detail?: string }) {
    const reason = `failed to load model '${fields.model}': it needs ${formatBytes(fields.neededBytes)} but only `
      + `${formatBytes(fields.freeBytes)} of the ${formatBytes(fields.budgetBytes)} budget is left`
      + (fields.detail !== undefined ? ` ${fields.detail}` : '');
    super(`${fields.policy}: ${reason}`);
    this.name = 'PolicyCannotStartError';
    this.reason = reason;
    this.policy = fields.policy;
    this.model = fields.model;
    this.neededBytes = fields.neededBytes;
    this.freeBytes = fields.freeBytes;
    this.budgetBytes = fields.budgetBytes;
  }
}
