import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Clock ticks per second of /proc/<pid>/stat times. */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds of one process (all its threads), or null once it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ": state ppid pgrp ... utime is field 14, stime field 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Resident memory of a process in KiB (VmRSS of /proc/<pid>/status). */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}

/** Busy and total jiffies of the whole machine, all cores. */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest is counted in user).
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

export const CORES = cpus().length;

export interface CpuSnapshot {
  at: number;
  machine: { busy: number; total: number };
  groups: Record<string, Map<number, number>>;
}

/** CPU used per group of processes over a window, in cores (1 = one core fully busy). */
export interface CpuUse {
  seconds: number;
  /** Cores used by each group: e.g. { api: 0.93, postgres: 0.41, generator: 0.55 }. */
  cores: Record<string, number>;
  /** The whole machine, in cores (at most CORES). */
  machine: number;
  /** Machine minus every group: other work on the machine (noise). */
  other: number;
}

export function cpuSnapshot(groups: Record<string, number[]>): CpuSnapshot {
  const out: Record<string, Map<number, number>> = {};
  for (const [name, pids] of Object.entries(groups)) {
    const map = new Map<number, number>();
    for (const pid of pids) {
      const seconds = cpuSeconds(pid);
      if (seconds !== null) map.set(pid, seconds);
    }
    out[name] = map;
  }
  return { at: performance.now(), machine: machineTicks(), groups: out };
}

/** Processes present at both ends count their difference; ones that appeared count fully. */
export function cpuUse(start: CpuSnapshot, end: CpuSnapshot): CpuUse {
  const seconds = (end.at - start.at) / 1000;
  const cores: Record<string, number> = {};
  let ours = 0;
  for (const [name, pids] of Object.entries(end.groups)) {
    let used = 0;
    for (const [pid, value] of pids) used += value - (start.groups[name]?.get(pid) ?? 0);
    cores[name] = seconds > 0 ? used / seconds : 0;
    ours += cores[name] ?? 0;
  }
  const total = end.machine.total - start.machine.total;
  const machine = total > 0 ? ((end.machine.busy - start.machine.busy) / total) * CORES : 0;
  return { seconds, cores, machine, other: Math.max(0, machine - ours) };
}

/** Soft limit on open files of this process. */
export function openFilesLimit(): number {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
  return !match || match[1] === 'unlimited' ? Infinity : Number(match[1]);
}

export function cpuModel(): string {
  return cpus()[0]?.model?.trim() ?? 'unknown';
}
