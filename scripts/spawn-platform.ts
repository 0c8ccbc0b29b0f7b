/**
 * Runs `scripts/start.ts` as a child process and waits until it is ready: the "GraphQL http://…"
 * line when the api role runs, "running roles:" otherwise. Shared by the tests and the bench; it
 * takes the repository root from its caller, so it runs under Jest (CommonJS) and tsx (ESM) alike.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface SpawnedPlatform {
  /** http://127.0.0.1:PORT when the api role runs, '' otherwise. */
  url: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<void>;
}

export interface SpawnOptions {
  root: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Whether the api role runs (then ready means its URL is printed). */
  api: boolean;
  detached?: boolean;
  readyTimeoutMs?: number;
}

export async function spawnPlatform(opts: SpawnOptions): Promise<SpawnedPlatform> {
  // The launcher `npm start` and the container use (its exec keeps this child's pid the platform's).
  const child = spawn('bash', [path.join(opts.root, 'scripts/launch.sh'), ...opts.args], {
    cwd: opts.root,
    detached: opts.detached ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env,
  });
  let output = '';
  const keep = (d: Buffer) => {
    output += d;
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timeoutMs = opts.readyTimeoutMs ?? 90_000;

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`platform did not start within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const check = () => {
      const api = /GraphQL\s+(http:\/\/\S+)\/graphql/.exec(output);
      if (opts.api ? !api : !/running roles:/.test(output)) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve(api?.[1] ?? '');
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`platform exited with ${code} before it was ready:\n${output}`));
    });
  });
  return { url, child, output: () => output, exited };
}
