/** V8 CPU profiles (Profiler.stop) reduced to what explains a figure. */

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileEntry {
  name: string;
  where: string;
  ms: number;
  /** Share of the busy (non-idle) time. */
  share: number;
}

export interface ProfileSummary {
  wallMs: number;
  /** Sampled time not idle: JS, native, GC. */
  busyMs: number;
  /** Busy share of the wall time: how much of one core the main thread used. */
  busyShare: number;
  /** Self time by package / area (node_modules package, node core, the API bundle, GC...). */
  byArea: ProfileEntry[];
  /** Functions with the most self time. */
  topSelf: ProfileEntry[];
  /** The API bundle's functions by inclusive time (what the API's own code leads to). */
  topApiInclusive: ProfileEntry[];
}

const API_BUNDLE = 'dist/apps/api/main.js';

/** Which package or area a frame belongs to. */
export function areaOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'native (program)';
    return functionName.startsWith('(') ? functionName : `native ${functionName}`;
  }
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return 'node core';
  if (url.includes(API_BUNDLE)) return 'api (own code)';
  return url.replace(/^file:\/\//, '');
}

function where(url: string, line: number): string {
  if (!url) return '';
  const short = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '');
  return `${short.replace(/^.*\/dist\/apps\/api\//, 'api/')}:${line + 1}`;
}

export function summarizeProfile(profile: CpuProfile, top = 12): ProfileSummary {
  const byId = new Map<number, CpuProfileNode>();
  for (const node of profile.nodes) byId.set(node.id, node);
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] ?? 0;
    const dt = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    self.set(id, (self.get(id) ?? 0) + dt);
  }
  const wallMs = (profile.endTime - profile.startTime) / 1000;
  let idleMs = 0;
  const areas = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; ms: number; area: string }>();
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    if (area === 'idle') {
      idleMs += ms;
      continue;
    }
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const key = `${functionName}@${url}:${lineNumber}`;
    const entry = functions.get(key) ?? {
      name: functionName || '(anonymous)',
      where: where(url, lineNumber),
      ms: 0,
      area,
    };
    entry.ms += ms;
    functions.set(key, entry);
  }
  const totalMs = [...self.values()].reduce((a, b) => a + b, 0);
  const busyMs = totalMs - idleMs;
  const share = (ms: number) => (busyMs > 0 ? ms / busyMs : 0);

  // Inclusive time of the API bundle's functions: each sample counts once per distinct
  // function on its stack.
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, { name: string; where: string; ms: number }>();
  const stackKeys = new Map<number, string[]>();
  const keysOf = (id: number): string[] => {
    const cached = stackKeys.get(id);
    if (cached) return cached;
    const keys: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame && frame.url.includes(API_BUNDLE) && frame.functionName) {
        const key = `${frame.functionName}:${frame.lineNumber}`;
        if (!keys.includes(key)) keys.push(key);
        if (!inclusive.has(key)) {
          inclusive.set(key, {
            name: frame.functionName,
            where: where(frame.url, frame.lineNumber),
            ms: 0,
          });
        }
      }
    }
    stackKeys.set(id, keys);
    return keys;
  };
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node || areaOf(node.callFrame.url, node.callFrame.functionName) === 'idle') continue;
    for (const key of keysOf(id)) {
      const entry = inclusive.get(key);
      if (entry) entry.ms += ms;
    }
  }

  const entries = (list: { name: string; where: string; ms: number }[]) =>
    list
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((e) => ({ name: e.name, where: e.where, ms: Math.round(e.ms), share: share(e.ms) }));
  return {
    wallMs: Math.round(wallMs),
    busyMs: Math.round(busyMs),
    busyShare: wallMs > 0 ? busyMs / wallMs : 0,
    byArea: entries([...areas].map(([name, ms]) => ({ name, where: '', ms }))),
    topSelf: entries([...functions.values()]),
    topApiInclusive: entries([...inclusive.values()]),
  };
}
