import type { ProfileSummary } from './profile';
import type { BenchResults, Row } from './results';

/**
 * For each target not met: the figure, the profile that explains it (taken from this run),
 * and what would close it. The suggestions are written from the profiles of these runs.
 */
const SUGGESTIONS: Record<string, string> = {
  'send→deliver p99': 'See the W1 profile.',
  'max persisted throughput': 'See the W1 closed-loop profile.',
  'deliveries/s with p99 < 250 ms, all delivered': 'See the W2 profile.',
  'pages/s': 'See the W3 profile.',
  'API p99: deep ÷ first': 'See the W3 profile.',
  'logins/s': 'See the W4 profile.',
  'event-loop delay p99 (inside)': 'See the W4 profile.',
  'drop → all back and caught up': 'See the W5 profile.',
  'messages lost (socket × message)': 'See the W5 result.',
  'RSS per connected socket': 'Per-socket state in the API.',
  'rows stored vs messages acked': 'Acked messages must be stored exactly once.',
};

function profileOf(r: BenchResults, row: Row): ProfileSummary | undefined {
  if (row.workload.startsWith('W1') && r.w1) {
    return row.metric === 'max persisted throughput'
      ? r.w1.api.closed.profile
      : r.w1.api.open.find((o) => o.result.rate === 1000)?.profile;
  }
  if (row.workload.startsWith('W2') && r.w2) {
    const steps = r.w2.api.steps;
    return (steps.find((s) => !s.pass) ?? steps[steps.length - 1])?.profile;
  }
  if (row.workload.startsWith('W3') && r.w3) return r.w3.apiDeep.profile;
  if (row.workload.startsWith('W4') && r.w4) return r.w4.api.profile;
  if (row.workload.startsWith('W5') && r.w5) return r.w5.api.storm.profile;
  return undefined;
}

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

export function findings(r: BenchResults): string[] {
  const missed = r.rows.filter((row) => row.met === false);
  const out = ['## Targets not met', ''];
  if (missed.length === 0) {
    out.push('Every target was met in this run.');
    return out;
  }
  for (const row of missed) {
    const profile = profileOf(r, row);
    out.push(`### ${row.workload}: ${row.metric}`, '');
    out.push(
      `Measured: API ${row.api?.toFixed(1)} ${row.unit}` +
        (row.baseline !== null
          ? `, ${row.baselineName} ${row.baseline.toFixed(1)} ${row.unit}`
          : '') +
        (row.ratio !== null ? ` (ratio ${row.ratio.toFixed(2)})` : '') +
        `; target ${row.target}.`,
      '',
    );
    if (profile) {
      out.push(
        `Profile: API main thread busy ${pct(profile.busyShare)} of the time; self time ` +
          profile.byArea
            .slice(0, 6)
            .map((a) => `${a.name} ${pct(a.share)}`)
            .join(', ') +
          '; API code inclusive: ' +
          profile.topApiInclusive
            .slice(0, 5)
            .map((e) => `\`${e.name}\` ${pct(e.share)}`)
            .join(', ') +
          '.',
        '',
      );
    }
    out.push(`What would close it: ${SUGGESTIONS[row.metric] ?? 'see the profile.'}`, '');
  }
  return out;
}
