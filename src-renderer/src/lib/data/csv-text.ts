/**
 * How the CSV chooser says what a column holds and what training on it
 * means, in the user's words ("3 classes", "a number to predict").
 */
import {
  readTarget,
  type CsvColumn,
  type CsvSummary,
  type TargetReading,
} from '../../../../src-shared/csv/columns';

/** Short, for a select option: what the column gives as a target. */
export function targetLabel(reading: TargetReading): string {
  if (reading.task === 'classification') return `${reading.classes} classes`;
  if (reading.task === 'regression') return 'a number';
  return 'cannot be the target';
}

/** What the cells hold: "text, 3 values (setosa, versicolor, …)", "numbers from 22 values". */
export function columnContents(column: CsvColumn): string {
  const many = column.distinct > 1000;
  const count = many ? 'over 1000 values' : `${column.distinct} value${column.distinct === 1 ? '' : 's'}`;
  const kind = !column.numeric ? 'text' : column.integers ? 'whole numbers' : 'numbers';
  const examples = column.examples.join(', ') + (column.distinct > column.examples.length ? ', …' : '');
  return `${kind}, ${count} (${examples})`;
}

/** What this column would be as the target, in a sentence's end: "reads as 3 classes". */
export function targetMeaning(column: CsvColumn, summary: CsvSummary): string {
  const reading = readTarget(column, summary);
  if (reading.task === 'classification') {
    return `few distinct values: reads as ${reading.classes} classes (the network picks one)`;
  }
  if (reading.task === 'regression') return 'a number to predict (regression, one output)';
  return reading.message;
}

/** One sentence on what the network gets and predicts with `target`. */
export function trainingOutline(summary: CsvSummary, target: string): string {
  const column = summary.columns.find((c) => c.name === target);
  if (!column) return '';
  const inputs = summary.columns.length - 1;
  const reading = readTarget(column, summary);
  const predicts =
    reading.task === 'classification'
      ? `predicts which of ${reading.classes} classes “${target}” is`
      : reading.task === 'regression'
        ? `predicts the number “${target}”`
        : `cannot predict “${target}”`;
  return `${summary.rows} rows. The network gets ${inputs} input${inputs === 1 ? '' : 's'} per row and ${predicts}.`;
}
