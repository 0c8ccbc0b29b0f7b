/**
 * Process bookkeeping for the benchmark, from /proc only: process trees, resident memory
 * (VmRSS / VmHWM) and CPU time per group of processes, so a run can say how much memory the
 * platform needed and where the two cores went (platform, Postgres, Temporal, the bench client,
 * and anything else on the machine).
 */
import fs from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ on Linux

interface Stat {
  ppid: number;
  ticks: number;
}

function readStat(pid: number): Stat | null {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces and parentheses: the fields start after the last ')'.
    const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    // fields[0] = state (field 3); ppid = field 4; utime = 14; stime = 15.
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

function allPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** root and every live descendant. */
export function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (!stat) continue;
    const list = parents.get(stat.ppid) ?? [];
    list.push(pid);
    parents.set(stat.ppid, list);
  }
  if (!readStat(root)) return [];
  const out: number[] = [];
  const queue = [root];
  while (queue.length && out.length < 10_000) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(parents.get(pid) ?? []));
  }
  return out;
}

/** VmRSS and VmHWM in kB (0 when the process is gone). */
export function memory(pid: number): { rssKb: number; hwmKb: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    return { rssKb: 0, hwmKb: 0 };
  }
}

/** Busy ticks of the whole machine (all cores), from /proc/stat. */
function machineBusyTicks(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return user + nice + system + irq + softirq + steal;
}

export interface CpuSnapshot {
  atMs: number;
  /** Ticks per group since the sampler started, plus the machine's busy ticks. */
  groups: Record<string, number>;
  machine: number;
}

/** CPU use between two snapshots, in percent of one core, per group and "other". */
export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): Record<string, number> {
  const seconds = Math.max(0.001, (b.atMs - a.atMs) / 1000);
  const pct = (ticks: number) => Math.round(((ticks / CLOCK_TICKS) / seconds) * 1000) / 10;
  const out: Record<string, number> = {};
  let ours = 0;
  for (const name of Object.keys(b.groups)) {
    const ticks = b.groups[name] - (a.groups[name] ?? 0);
    if (!name.startsWith('part:')) ours += ticks; // parts are subsets of another group
    out[name] = pct(ticks);
  }
  out.other = pct(Math.max(0, b.machine - a.machine - ours));
  out.machine = pct(b.machine - a.machine);
  return out;
}

/**
 * Samples named process groups every `intervalMs`: summed VmRSS (peak kept per group) and CPU
 * ticks accumulated per pid, so a process that exits mid-run keeps what it used.
 */
export class Sampler {
  private groups = new Map<string, () => number[]>();
  /** `${group}:${pid}` → ticks at the last sample (a pid may be in several groups). */
  private lastTicks = new Map<string, number>();
  private accumulated: Record<string, number> = {};
  private peakKb: Record<string, number> = {};
  private windowPeakKb: Record<string, number> = {};
  private timer: NodeJS.Timeout | undefined;

  constructor(private intervalMs = 250) {}

  /** pids() is called on every sample (a process tree changes); what they used before now is not counted. */
  track(name: string, pids: () => number[]): void {
    this.groups.set(name, pids);
    this.accumulated[name] ??= 0;
    this.sampleGroup(name, pids, true);
  }

  untrack(name: string): void {
    const pids = this.groups.get(name);
    if (pids) this.sampleGroup(name, pids, false);
    this.groups.delete(name);
    for (const id of [...this.lastTicks.keys()]) if (id.startsWith(`${name}:`)) this.lastTicks.delete(id);
  }

  start(): void {
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  sample(): void {
    for (const [name, pids] of this.groups) this.sampleGroup(name, pids, false);
  }

  private sampleGroup(name: string, pidsOf: () => number[], seed: boolean): void {
    let rssKb = 0;
    let pids: number[] = [];
    try {
      pids = pidsOf();
    } catch {
      pids = [];
    }
    for (const pid of pids) {
      const stat = readStat(pid);
      if (!stat) continue;
      rssKb += memory(pid).rssKb;
      // A pid first seen after tracking began counts from its birth (0 ticks).
      const id = `${name}:${pid}`;
      const last = this.lastTicks.get(id) ?? (seed ? stat.ticks : 0);
      this.accumulated[name] += Math.max(0, stat.ticks - last);
      this.lastTicks.set(id, stat.ticks);
    }
    this.peakKb[name] = Math.max(this.peakKb[name] ?? 0, rssKb);
    this.windowPeakKb[name] = Math.max(this.windowPeakKb[name] ?? 0, rssKb);
  }

  snapshot(): CpuSnapshot {
    this.sample();
    return { atMs: Date.now(), groups: { ...this.accumulated }, machine: machineBusyTicks() };
  }

  /** Forget a group's peak: the next system measured under the same name starts from zero. */
  resetPeak(name: string): void {
    delete this.peakKb[name];
    delete this.windowPeakKb[name];
  }

  peakRssMb(name: string): number {
    return Math.round((this.peakKb[name] ?? 0) / 1024);
  }

  /** Peak since the last call (a phase's own peak). */
  takeWindowPeakMb(name: string): number {
    const mb = Math.round((this.windowPeakKb[name] ?? 0) / 1024);
    this.windowPeakKb[name] = 0;
    return mb;
  }
}

/** Summed VmHWM of a process tree, in MB (an upper bound of the tree's peak). */
export function treeHwmMb(root: number): { rootHwmMb: number; treeHwmMb: number } {
  const pids = processTree(root);
  let total = 0;
  for (const pid of pids) total += memory(pid).hwmKb;
  return { rootHwmMb: Math.round(memory(root).hwmKb / 1024), treeHwmMb: Math.round(total / 1024) };
}

/** Current summed VmRSS of a process tree, in MB. */
export function treeRssMb(root: number): number {
  let total = 0;
  for (const pid of processTree(root)) total += memory(pid).rssKb;
  return Math.round(total / 1024);
}

/** Measures CPU outside the given groups over a short window: to wait for a quiet machine. */
export async function otherCpuPct(sampler: Sampler, windowMs = 1000): Promise<number> {
  const a = sampler.snapshot();
  await new Promise((r) => setTimeout(r, windowMs));
  const b = sampler.snapshot();
  return cpuBetween(a, b).other;
}
