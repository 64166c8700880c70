/**
 * `--version`, `help <command>`, `<command> --help` and a bare `backflow`:
 * what they print and their exit codes, and that every option's help names
 * its default and shows up in a working example.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMMANDS, parseArgsOptions } from './command-table';
import { main } from './main';
import { captureIO } from './test-io';

const root = join(__dirname, '../..');

async function run(args: string[]) {
  const io = captureIO();
  const code = await main(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('backflow help', () => {
  it('--version prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(await run(['--version'])).toEqual({ code: 0, out: `backflow ${version}\n`, err: '' });
  });

  it('a bare `backflow` prints the overview (exit 2: no command), `--help` the same with exit 0', async () => {
    const bare = await run([]);
    expect(bare.code).toBe(2);
    for (const name of Object.keys(COMMANDS)) expect(bare.out).toContain(`backflow ${COMMANDS[name].usage}`);
    expect(bare.out).toContain('backflow help <command>');
    expect(await run(['--help'])).toEqual({ ...bare, code: 0 });
    expect(await run(['help'])).toEqual({ ...bare, code: 0 });
  });

  it.each(Object.keys(COMMANDS))(
    '`help %s` and `%s --help` list each option with its default',
    async (name) => {
      const spec = COMMANDS[name];
      const viaHelp = await run(['help', name]);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.err).toBe('');
      expect(viaHelp.out.startsWith(`usage: backflow ${spec.usage}\n`)).toBe(true);
      // --help wins over whatever else is on the line, however wrong.
      expect(await run([name, '--bogus', '--steps', 'x', '--help'])).toEqual(viaHelp);
      expect(await run([name, '-h'])).toEqual(viaHelp);
      const lines = viaHelp.out.split('\n');
      for (const [option, o] of Object.entries(spec.options)) {
        const at = lines.findIndex((line) =>
          line.startsWith(`  --${option}${o.value ? ` ${o.value}` : ''} `),
        );
        expect(at, `--${option}`).toBeGreaterThan(0);
        expect(lines[at + 1].trim()).toBe(`default: ${o.default}`);
      }
    },
  );

  it.each(Object.keys(COMMANDS))('%s: the examples are valid command lines using every option', (name) => {
    const spec = COMMANDS[name];
    const used = new Set<string>();
    expect(spec.examples.length).toBeGreaterThan(0);
    for (const example of spec.examples) {
      const [program, command, ...args] = example.split(' ');
      expect([program, command]).toEqual(['backflow', name]);
      const parsed = parseArgs({
        args,
        options: parseArgsOptions(spec),
        allowPositionals: true,
        strict: true,
      });
      const count = parsed.positionals.length;
      expect(count).toBeGreaterThanOrEqual(spec.positionals);
      expect(count).toBeLessThanOrEqual(spec.maxPositionals ?? spec.positionals);
      Object.keys(parsed.values).forEach((option) => used.add(option));
    }
    expect([...used].sort()).toEqual(Object.keys(spec.options).sort());
  });

  it('help for an unknown command says so, exit 2', async () => {
    const { code, err } = await run(['help', 'trian']);
    expect(code).toBe(2);
    expect(err).toContain('backflow help: unknown command "trian"');
    expect((await run(['help', 'toString'])).code).toBe(2);
  });

  it('a usage error points at the command help', async () => {
    const { code, err } = await run(['train', 'x.json', '--stepz', '3']);
    expect(code).toBe(2);
    expect(err).toContain("Unknown option '--stepz'");
    expect(err).toContain('backflow help train lists the options');
  });
});
