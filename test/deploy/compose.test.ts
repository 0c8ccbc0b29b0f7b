/**
 * The deployment files, checked the way an operator relies on them: `docker-compose config`
 * (the resolved file, after interpolation) and the Dockerfile's instructions as the builder
 * reads them (./dockerfile.ts: a comment satisfies nothing). No Docker engine needed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { lastInstruction, parseDockerfile, runCommands, stageEnv } from './dockerfile';

// js-yaml ships no types and is only a transitive dev dependency (via Jest); load() with the
// core schema behaves the same in js-yaml 3 and 4.
const yaml = require('js-yaml') as { load(src: string, opts?: { schema?: unknown }): unknown; CORE_SCHEMA: unknown };

const ROOT = path.resolve(__dirname, '../..');
const ROLES = ['api', 'worker', 'connector'] as const;
const SECRETS = { JWT_SECRET: 'test-jwt-secret', ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };

interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | null>;
  ports?: ({ published?: number | string; target: number } | string)[];
  depends_on?: Record<string, { condition: string }>;
  container_name?: string;
  deploy?: { replicas?: number };
  restart?: string;
}

/**
 * Runs `docker-compose config` with only the given variables (plus PATH/HOME), so neither the
 * caller's shell nor a local `.env` changes the result. .env.example stands in for `.env`,
 * which also proves the example is a file compose accepts.
 */
function composeConfig(vars: Record<string, string>) {
  const result = spawnSync('docker-compose', ['-f', 'docker-compose.yml', '--env-file', '.env.example', 'config'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...vars },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw new Error(`could not run docker-compose (apt-get install docker-compose): ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('docker-compose.yml', () => {
  let services: Record<string, Service>;

  beforeAll(() => {
    const { status, stdout, stderr } = composeConfig(SECRETS);
    if (status !== 0) throw new Error(`docker-compose config failed (${status}):\n${stderr}`);
    const doc = yaml.load(stdout, { schema: yaml.CORE_SCHEMA }) as { services: Record<string, Service> };
    services = doc.services;
  });

  test('has the infrastructure and the three Parley roles', () => {
    for (const name of ['postgres', 'temporal', 'temporal-ui', 'qdrant', ...ROLES]) {
      expect(services).toHaveProperty([name]);
    }
    expect(services.postgres.image).toMatch(/^postgres:16/);
    expect(services.temporal.image).toMatch(/^temporalio\/auto-setup:/);
    expect(services.temporal.environment?.DB).toBe('postgres12');
    expect(services.temporal.environment?.POSTGRES_SEEDS).toBe('postgres');
    expect(services['temporal-ui'].image).toMatch(/^temporalio\/ui:/);
    expect(services['temporal-ui'].ports).toEqual([expect.stringMatching(/:8233:8080(\/tcp)?$/)]);
    expect(services.qdrant.image).toMatch(/^qdrant\/qdrant:/);
  });

  test("registers Parley's search attributes as Keyword once Temporal is healthy", () => {
    const setup = services['temporal-setup'];
    expect(setup.image).toMatch(/^temporalio\/admin-tools:/);
    expect(setup.depends_on?.temporal.condition).toBe('service_healthy');
    // The shell script's commands, its comment lines dropped: a comment registers nothing.
    const commands = [...(setup.entrypoint ?? []), ...(setup.command ?? [])]
      .flatMap((part) => part.split('\n'))
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    const create = commands.filter((line) => /\bsearch-attribute create\b/.test(line));
    expect(create.length).toBeGreaterThan(0);
    for (const line of create) expect(line).toMatch(/--type Keyword\b/);
    const script = commands.join('\n');
    for (const attribute of ['WorkspaceId', 'ChannelId', 'ContactKey']) expect(script).toMatch(new RegExp(`\\b${attribute}\\b`));
  });

  test('api, worker and connector are one image built from the repository, each with its role', () => {
    for (const role of ROLES) {
      const service = services[role];
      expect(service.build?.context).toBe(ROOT);
      expect(service.build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      expect(service.command).toEqual(['--role', role]);
    }
    expect(new Set(ROLES.map((role) => services[role].image)).size).toBe(1);
  });

  test('worker and connector can be scaled: no fixed host port, no container name', () => {
    for (const role of ['worker', 'connector']) {
      expect(services[role].ports ?? []).toEqual([]);
      expect(services[role].container_name).toBeUndefined();
    }
    expect(services.api.container_name).toBeUndefined();
    expect(services.api.ports).toEqual([{ published: 3000, target: 3000 }]);
  });

  test('every role gets the database, Temporal and the secrets, and waits for them', () => {
    for (const role of ROLES) {
      const env = services[role].environment ?? {};
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\/\w+$/);
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(env.QDRANT_URL).toBe('http://qdrant:6333');
      expect(env.JWT_SECRET).toBe(SECRETS.JWT_SECRET);
      expect(env.ENCRYPTION_KEY).toBe(SECRETS.ENCRYPTION_KEY);
      expect(env.NODE_ENV).toBe('production');
      expect(services[role].depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        temporal: { condition: 'service_healthy' },
        'temporal-setup': { condition: 'service_completed_successfully' },
      });
    }
  });

  test('every long-running service restarts when it dies, unless an operator stopped it', () => {
    for (const name of ['postgres', 'temporal', 'temporal-ui', 'qdrant', ...ROLES]) expect([name, services[name].restart]).toEqual([name, 'unless-stopped']);
    // The one-shot setup retries a few times, then stays failed (a real error, not a crash loop).
    expect(services['temporal-setup'].restart).toMatch(/^on-failure/);
  });

  test('refuses to render without JWT_SECRET, naming it', () => {
    const { status, stderr } = composeConfig({ ENCRYPTION_KEY: SECRETS.ENCRYPTION_KEY });
    expect(status).not.toBe(0);
    expect(stderr).toContain('set JWT_SECRET');
  });

  test('refuses to render without ENCRYPTION_KEY, naming it', () => {
    const { status, stderr } = composeConfig({ JWT_SECRET: SECRETS.JWT_SECRET });
    expect(status).not.toBe(0);
    expect(stderr).toContain('set ENCRYPTION_KEY');
  });
});

describe('.env.example', () => {
  test('lists every environment variable the code reads', () => {
    const example = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    const listed = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const read = new Set<string>();
    const scan = (file: string) => {
      const src = fs.readFileSync(file, 'utf8');
      for (const m of src.matchAll(/(?:process\.env|\benv)\.([A-Z][A-Z0-9_]*)|process\.env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g)) read.add(m[1] ?? m[2]);
    };
    const walk = (dir: string) => {
      if (!fs.existsSync(dir)) return;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!['node_modules', 'dist', '__integration-tests__'].includes(entry.name)) walk(full);
        } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
          scan(full);
        }
      }
    };
    for (const dir of ['activities', 'api', 'connector', 'scripts', 'workflows', 'schema']) walk(path.join(ROOT, dir));
    scan(path.join(ROOT, 'web/vite.config.ts'));
    expect(read.size).toBeGreaterThan(10);
    expect([...read].filter((name) => !listed.has(name)).sort()).toEqual([]);
  });
});

describe('Dockerfile', () => {
  const stages = parseDockerfile(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
  const runtime = stages.at(-1)!;
  // The stage the runtime copies the application from: what it builds is what runs.
  const copiedFrom = runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => /^--from=(\S+)\s+\/app\s/.exec(i.args)?.[1]).find(Boolean);
  const build = stages.find((stage) => stage.name === copiedFrom);
  const execForm = (instruction: { args: string } | undefined) => JSON.parse(instruction!.args) as string[];

  test('reads instructions, not comments', () => {
    const [stage] = parseDockerfile(
      ['ARG BASE=node:22-bookworm-slim', 'FROM ${BASE} AS build', '# RUN npm prune --omit=dev', 'RUN npm install \\', '  # a comment inside the instruction', '  && npm run build:web', 'ENV A=1 B="two words"'].join('\n'),
    );
    expect(stage).toMatchObject({ image: 'node:22-bookworm-slim', name: 'build' });
    expect(runCommands(stage)).toEqual(['npm install', 'npm run build:web']);
    expect(stageEnv(stage)).toEqual({ A: '1', B: 'two words' });
  });

  test('builds on Node 22 bookworm-slim', () => {
    expect(stages.map((stage) => stage.image)).toEqual(stages.map(() => expect.stringMatching(/^node:22(\.\d+)*-bookworm-slim$/)));
  });

  test('the final stage runs as a non-root user', () => {
    const user = lastInstruction(runtime, 'USER');
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user!.args.split(':')[0]);
  });

  test('the entrypoint is the launcher npm start and the tests use, the api role by default', () => {
    expect(execForm(lastInstruction(runtime, 'ENTRYPOINT'))).toEqual(['bash', 'scripts/launch.sh']);
    expect(execForm(lastInstruction(runtime, 'CMD'))).toEqual(['--role', 'api']);
    expect(runtime.instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/))).toContain('3000');
    expect(stageEnv(runtime)).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0' });
  });

  test('the dashboard and the workflow bundle are built and dev dependencies are pruned, in the stage the runtime copies', () => {
    expect(build).toBeDefined();
    const commands = runCommands(build!);
    const step = (command: string) => commands.findIndex((c) => c === command || c.startsWith(`${command} `));
    expect(step('npm install')).toBeGreaterThanOrEqual(0);
    expect(step('npm run build:web')).toBeGreaterThan(step('npm install'));
    expect(step('node --import tsx scripts/check-workflows.ts')).toBeGreaterThan(step('npm install'));
    expect(step('npm prune --omit=dev')).toBeGreaterThan(Math.max(step('npm run build:web'), step('node --import tsx scripts/check-workflows.ts')));
  });
});
