/**
 * What figure builders accept: the toolkit's rows or a DataFrame of them. Checks that the columns a figure
 * needs are there, so a wrong table fails with a one-line QuiltError instead of an empty plot.
 */
import { QuiltError } from '../core/errors';
import { DataFrame, rowsOf } from '../core/frames';

export type RowsOrFrame<T extends object> = readonly T[] | DataFrame;

export function figureRows<T extends object>(
  input: RowsOrFrame<T>, figure: string, required: readonly (keyof T & string)[],
): readonly T[] {
  const rows = rowsOf(input);
  for (const [i, row] of rows.entries()) {
    for (const column of required) {
      if (!(column in row)) throw new QuiltError(`${figure}: row ${i} has no column '${column}'`);
    }
  }
  return rows;
}

/** Distinct values of `key` in the order first seen. */
export function distinct<T, K>(rows: readonly T[], key: (row: T) => K): K[] {
  return [...new Set(rows.map(key))];
}
