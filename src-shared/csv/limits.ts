/**
 * The limits and the class rule of CSV data, shared by the engine (which
 * reads the file to train) and the page (which reads a picked file's columns
 * to show what the engine will make of them), so both say the same thing.
 */

/** Limits that keep a wrong file choice from freezing the app. */
export const CSV_LIMITS = {
  bytes: 50 * 1024 * 1024,
  rows: 100_000,
  columns: 4096,
  /** More distinct non-numeric targets than this is an ID column, not classes. */
  classes: 1000,
} as const;

/**
 * A numeric target column with at most this many distinct whole numbers is
 * read as class labels (0/1/2, digits, ratings); otherwise as a regression target.
 */
export const MAX_INTEGER_CLASSES = 50;
