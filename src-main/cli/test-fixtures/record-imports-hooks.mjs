// The loader hook that record-imports.mjs registers (it runs on the loader thread).
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.BACKFLOW_RECORD_IMPORTS, `${result.url}\n`);
  return result;
}
