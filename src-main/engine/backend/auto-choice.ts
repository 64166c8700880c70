/**
 * How `auto` decides between the CPU backend it loaded and a GPU one, for one
 * design: a few timed steps on each (timed elsewhere; here only numbers), the
 * fastest wins. The CPU is the default and keeps a design unless a GPU is
 * clearly faster: a tiny MLP spends its step in dispatch and read-back, where
 * a GPU loses, and switching on noise would make runs of one design land on
 * different backends.
 */

/** A GPU must take at most this share of the CPU's time per step to be chosen. */
export const GPU_MARGIN = 0.9;

/** One candidate's trial: milliseconds per step (median), or why it could not be timed. */
export type Trial = { candidate: string; msPerStep: number } | { candidate: string; failed: string };

export interface AutoDecision {
  /** The candidate to train on. */
  candidate: string;
  /** One line for the UI and the CLI: "webgpu: 4.1 ms/step against wasm's 9.8". */
  why: string;
}

/**
 * Picks from `trials`, the first being the CPU default (always timed, or
 * failing: then the fastest other wins). Deterministic: equal inputs, equal answer.
 */
export function chooseFastest(trials: readonly Trial[]): AutoDecision {
  if (trials.length === 0) throw new Error('chooseFastest: no candidates');
  const [cpu, ...others] = trials;
  const timed = others.filter((t): t is Extract<Trial, { msPerStep: number }> => 'msPerStep' in t);
  const failed = others.filter((t): t is Extract<Trial, { failed: string }> => 'failed' in t);
  const failures = failed.map((t) => `${t.candidate} failed: ${t.failed}`);
  const fastest = timed.reduce<(typeof timed)[number] | undefined>(
    (best, t) => (!best || t.msPerStep < best.msPerStep ? t : best),
    undefined,
  );
  if (!('msPerStep' in cpu)) {
    if (!fastest)
      return { candidate: cpu.candidate, why: [`no candidate could be timed`, ...failures].join('; ') };
    return {
      candidate: fastest.candidate,
      why: [
        `${fastest.candidate}: ${ms(fastest.msPerStep)}/step (${cpu.candidate} failed: ${cpu.failed})`,
        ...failures,
      ].join('; '),
    };
  }
  const others_ = timed.map((t) => `${t.candidate} ${ms(t.msPerStep)}`).join(', ');
  if (fastest && fastest.msPerStep <= GPU_MARGIN * cpu.msPerStep) {
    return {
      candidate: fastest.candidate,
      why: [
        `fastest for this design: ${fastest.candidate} ${ms(fastest.msPerStep)}/step against ${cpu.candidate} ${ms(cpu.msPerStep)}`,
        ...failures,
      ].join('; '),
    };
  }
  const against = others_ ? ` against ${others_}` : '';
  return {
    candidate: cpu.candidate,
    why: [`fastest for this design: ${cpu.candidate} ${ms(cpu.msPerStep)}/step${against}`, ...failures].join(
      '; ',
    ),
  };
}

/** Milliseconds as the reasons print them: "2.1 ms", "14 ms". */
export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}
