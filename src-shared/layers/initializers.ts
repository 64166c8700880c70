/**
 * Weight initializers a design may name. A design gives either the bare name
 * (`"heNormal"`) or an object with the name and its one argument
 * (`{ "name": "randomNormal", "stddev": 0.05 }`).
 */

export const INITIALIZERS = [
  'standardUniform',
  'glorotUniform',
  'glorotNormal',
  'heUniform',
  'heNormal',
  'lecunUniform',
  'lecunNormal',
  'randomNormal',
  'randomUniform',
  'orthogonal',
  'zeros',
] as const;

export type InitializerName = (typeof INITIALIZERS)[number];

/** An initializer with its argument resolved (defaults filled). */
export type InitializerSpec =
  | { name: Exclude<InitializerName, 'randomNormal' | 'randomUniform' | 'orthogonal'> }
  | { name: 'randomNormal'; stddev: number }
  | { name: 'randomUniform'; limit: number }
  | { name: 'orthogonal'; gain: number };

/** The one argument each parameterised initializer takes, with its default and bounds. */
export const INITIALIZER_ARGUMENTS: Readonly<
  Partial<Record<InitializerName, { key: string; default: number; min: number; max: number }>>
> = {
  randomNormal: { key: 'stddev', default: 0.05, min: 0, max: 100 },
  randomUniform: { key: 'limit', default: 0.05, min: 0, max: 100 },
  orthogonal: { key: 'gain', default: 1, min: 0, max: 100 },
};

/** What each initializer draws, for tooltips and the schema. */
export const INITIALIZER_HELP: Readonly<Record<InitializerName, string>> = {
  standardUniform:
    'U[−1/√fan_in, 1/√fan_in]: the "standard" init of Glorot & Bengio (2010) and PyTorch Linear’s default.',
  glorotUniform: 'Xavier: U[−√(6/(fan_in+fan_out)), +√(6/(fan_in+fan_out))]; suits tanh.',
  glorotNormal: 'Xavier: truncated normal with σ = √(2/(fan_in+fan_out)); suits tanh.',
  heUniform: 'He/Kaiming: U[−√(6/fan_in), +√(6/fan_in)]; suits ReLU.',
  heNormal: 'He/Kaiming: truncated normal with σ = √(2/fan_in); suits ReLU.',
  lecunUniform: 'LeCun: U[−√(3/fan_in), +√(3/fan_in)]; suits SELU.',
  lecunNormal: 'LeCun: truncated normal with σ = √(1/fan_in); suits SELU.',
  randomNormal: 'N(0, σ²) with the given stddev.',
  randomUniform: 'U[−limit, +limit].',
  orthogonal: 'A random orthogonal matrix times gain (Saxe et al. 2014).',
  zeros: 'All zeros: every unit identical, so the network cannot break symmetry.',
};

/**
 * Reads an initializer param as written in a design. Returns a message for the
 * user when the value is not one of the accepted forms.
 */
export function parseInitializer(
  value: unknown,
): { ok: true; value: InitializerSpec } | { ok: false; message: string } {
  const known = `one of ${INITIALIZERS.join(', ')}`;
  if (typeof value === 'string') {
    if (!(INITIALIZERS as readonly string[]).includes(value)) {
      return { ok: false, message: `unknown initializer "${value}"; use ${known}` };
    }
    const arg = INITIALIZER_ARGUMENTS[value as InitializerName];
    return { ok: true, value: withArgument(value as InitializerName, arg?.default) };
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const name = record.name;
    if (typeof name !== 'string' || !(INITIALIZERS as readonly string[]).includes(name)) {
      return { ok: false, message: `initializer object needs "name", ${known}` };
    }
    const arg = INITIALIZER_ARGUMENTS[name as InitializerName];
    for (const key of Object.keys(record)) {
      if (key !== 'name' && key !== arg?.key) {
        return {
          ok: false,
          message: `initializer "${name}" takes ${arg ? `only "${arg.key}"` : 'no argument'}, not "${key}"`,
        };
      }
    }
    if (!arg) return { ok: true, value: withArgument(name as InitializerName, undefined) };
    const raw = record[arg.key] ?? arg.default;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < arg.min || raw > arg.max) {
      return {
        ok: false,
        message: `initializer "${name}": "${arg.key}" must be a number from ${arg.min} to ${arg.max}`,
      };
    }
    return { ok: true, value: withArgument(name as InitializerName, raw) };
  }
  return { ok: false, message: `initializer must be a name (${known}) or { "name": … }` };
}

function withArgument(name: InitializerName, arg: number | undefined): InitializerSpec {
  switch (name) {
    case 'randomNormal':
      return { name, stddev: arg ?? 0.05 };
    case 'randomUniform':
      return { name, limit: arg ?? 0.05 };
    case 'orthogonal':
      return { name, gain: arg ?? 1 };
    default:
      return { name };
  }
}
