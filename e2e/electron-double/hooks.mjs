// Module resolution hook: `electron`, imported by the built main process, is the double.
const double = new URL('./main.ts', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  // Resolved through the next hook (tsx), which then compiles the TypeScript.
  if (specifier === 'electron') return nextResolve(double, context);
  return nextResolve(specifier, context);
}
