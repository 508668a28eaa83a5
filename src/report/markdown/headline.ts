/** The first lines of the comment: the verdict a reviewer reads in ten seconds, then the facts. */
import type { Report } from '../types';
import { code, inline } from './escape';
import { formatRange, lockImpact, migrationDuration, sumDurations, worstLock, worstOf } from './facts';
import { newMigrations } from './findings';
import type { ReviewView } from './review';
import { formatMs } from '../../util/format';

const ICON = { safe: '✅', 'needs-review': '⚠️', blocking: '🛑' } as const;

export function verdictWord(verdict: ReviewView['verdict']): string {
  return verdict === 'needs-review' ? 'needs review' : verdict;
}

/** "drydock · db/migrations" when the comment is one of several for the PR. */
export function title(key: string | null): string {
  return key ? `drydock · ${inline(key)}` : 'drydock';
}

export function headline(view: ReviewView, key: string | null): string {
  const { verdict, blocking, acknowledged, state } = view;
  let why: string;
  if (verdict === 'blocking') {
    why = `${plural(blocking.length, 'finding')} at or above \`${state.failOn}\` must be fixed or acknowledged`;
  } else if (verdict === 'needs-review') {
    const parts: string[] = [];
    if (acknowledged.length) parts.push(`${plural(acknowledged.length, 'blocking finding')} acknowledged`);
    if (state.counts.belowFailLevel) parts.push(`${plural(state.counts.belowFailLevel, 'finding')} below the fail level to read`);
    if (state.counts.integrity) parts.push(`${plural(state.counts.integrity, 'applied migration')} changed or deleted`);
    why = parts.join(', ');
  } else {
    why = 'no finding needs attention';
  }
  const lines = [`## ${ICON[verdict]} ${title(key)}: ${verdictWord(verdict)} — ${why}`, '', state.factsLine];
  if (blocking.length) {
    const shown = blocking.slice(0, 10).map((f) => code(f.id));
    const more = blocking.length > shown.length ? ` and ${blocking.length - shown.length} more` : '';
    lines.push('', `**Blocking:** ${shown.join(', ')}${more}`);
  }
  return lines.join('\n');
}

/** "3 new migrations · ~4 min (2 min–9 min) at production size · worst lock: …". */
export function factsLine(report: Report): string {
  const migrations = newMigrations(report);
  const parts = [`**${plural(migrations.length, 'new migration')}**`, plural(migrations.reduce((a, m) => a + m.statements.length, 0), 'statement')];
  const total = sumDurations(migrations.map(migrationDuration));
  if (total) parts.push(`${total.basis === 'estimate' ? 'estimated' : 'took'} **${formatRange(total)}**${total.basis === 'estimate' ? ' at production size' : ''}`);
  else parts.push(report.mode === 'static' ? 'static check: no timings' : 'no timings');
  const worst = worstOf(migrations.map(worstLock));
  if (worst) {
    const held = worst.holdMs !== null ? ` held ${worst.holdBasis === 'estimate' ? '~' : ''}${formatMs(worst.holdMs)}${worst.holdBasis === 'traced' ? ' on CI data' : ''}` : '';
    parts.push(
      `worst lock: ${worst.source === 'predicted' ? 'predicted ' : ''}${code(worst.mode)} on ${code(worst.relation)}${held} (${lockImpact(worst.mode)})`,
    );
  } else {
    parts.push('no locks on existing tables');
  }
  return parts.join(' · ');
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
