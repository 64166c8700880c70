/**
 * JSON text in the layout Prettier gives `.json` files (2-space indent,
 * objects expanded, a list of plain values on one line when it fits in 110
 * columns, else one value a line), so files the app writes — designs, the
 * generated schema — pass `prettier --check` and diff cleanly.
 */

/** Prettier's `printWidth` in .prettierrc.json. */
const PRINT_WIDTH = 110;

/** `value` as formatted JSON text, without a trailing newline. */
export function formatJson(value: unknown): string {
  return print(value, '', 0);
}

/** `lead` is the width already used on the line where `value` starts. */
function print(value: unknown, indent: string, lead: number): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((item) => item === null || typeof item !== 'object')) {
      const inline = `[${value.map((item) => JSON.stringify(item) ?? 'null').join(', ')}]`;
      // + 1 for the comma that may follow on the same line.
      if (lead + inline.length + 1 <= PRINT_WIDTH) return inline;
    }
    const items = value.map((item) => inner + print(item, inner, inner.length));
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([key, item]) => {
    const head = `${inner}${JSON.stringify(key)}: `;
    return head + print(item, inner, head.length);
  });
  return `{\n${lines.join(',\n')}\n${indent}}`;
}
