/**
 * A Dockerfile read the way the builder reads it, so a test checks instructions and never a
 * comment: continuation lines joined, comment lines dropped (inside a continuation too), the
 * stages split at FROM with global ARG defaults substituted into their base images.
 */

/** One instruction: its keyword upper-cased, and its arguments as written. */
export interface Instruction {
  keyword: string;
  args: string;
}

/** One build stage: the base image (ARGs resolved), its name, and its instructions after FROM. */
export interface Stage {
  image: string;
  name: string | null;
  instructions: Instruction[];
}

/** The stages of a Dockerfile, in order. Only the default escape character (backslash) is supported. */
export function parseDockerfile(text: string): Stage[] {
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const { keyword, args } of instructions(text)) {
    if (keyword === 'FROM') {
      const words = args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const as = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({ image: substitute(words[0], globalArgs), name: as === -1 ? null : words[as + 1], instructions: [] });
    } else if (stages.length === 0) {
      if (keyword !== 'ARG') throw new Error(`${keyword} before the first FROM`);
      const [name, value = ''] = args.split('=');
      globalArgs.set(name.trim(), unquote(value.trim()));
    } else {
      stages.at(-1)!.instructions.push({ keyword, args });
    }
  }
  return stages;
}

/** The shell commands a stage's RUN instructions run, split at `&&`, `||` and `;`, in order. */
export function runCommands(stage: Stage): string[] {
  return stage.instructions
    .filter((i) => i.keyword === 'RUN')
    .flatMap((i) => (i.args.startsWith('[') ? [(JSON.parse(i.args) as string[]).join(' ')] : i.args.split(/&&|\|\||;/)))
    .map((command) => command.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
}

/** The variables a stage's ENV instructions set (`ENV KEY=value …`, or the legacy `ENV KEY value`). */
export function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    if (!/^[^\s=]+=/.test(args)) {
      const [key, ...rest] = args.split(/\s+/);
      env[key] = rest.join(' ');
      continue;
    }
    for (const [, key, value] of args.matchAll(/([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) env[key] = unquote(value);
  }
  return env;
}

/** The last instruction of a kind in a stage (the one that takes effect for USER, CMD, ENTRYPOINT). */
export function lastInstruction(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1);
}

function* instructions(text: string): Generator<Instruction> {
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    // The builder drops comment lines and blank lines, even between the lines of one instruction.
    if (line === '' || line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = `${pending}${line}`;
    pending = '';
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(full)!;
    yield { keyword: keyword.toUpperCase(), args: args.trim() };
  }
  if (pending) throw new Error('the last instruction ends in a line continuation');
}

function substitute(value: string, args: Map<string, string>): string {
  return value.replace(/\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g, (_, braced, fallback, bare) => {
    const name = braced ?? bare;
    return args.get(name) || fallback || '';
  });
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}
