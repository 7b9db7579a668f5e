import { readFileSync } from 'node:fs';
import { summarizeProfile } from './lib/profile';

/** Prints the summary of a saved CPU profile: apps/bench/profile.sh <file.cpuprofile> [top]. */
const [file, top] = process.argv.slice(2);
if (!file) {
  console.error('usage: apps/bench/profile.sh dist/bench/profiles/<name>.cpuprofile [top]');
  process.exit(1);
}
const p = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), Number(top ?? 25));
const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)} %`;
console.log(`${file}: main thread busy ${pct(p.busyShare).trim()} of ${p.wallMs} ms`);
console.log(`by area: ${p.byArea.map((a) => `${a.name} ${pct(a.share).trim()}`).join(', ')}`);
console.log('\ntop self time:');
for (const e of p.topSelf) console.log(`${pct(e.share)}  ${e.name}  ${e.where}`);
console.log('\nAPI code, inclusive:');
for (const e of p.topApiInclusive) console.log(`${pct(e.share)}  ${e.name}  ${e.where}`);
