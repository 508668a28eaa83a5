/**
 * The lock catalog: for one statement, the lock mode on every relation it touches, whether it
 * rewrites or scans them, and what those modes block — predicted from the parse tree, the target
 * PostgreSQL version and what earlier statements created (postgres-locks.md).
 */
import type { LockEntry, LockMode, RewriteEntry } from '../../report/types';
import type { Node } from '../ast';
import type { Effect, Prediction, PredictContext } from './effects';
import { blocksOf, strongest } from './modes';
import { statementEffects } from './statements';

export type { Effect, Prediction, PredictContext, LockBlocking } from './effects';
export { blocksOf, blocksTraffic, describeBlocks, lockRank, strongest } from './modes';
export type { Blocks } from './modes';

export function predictLocks(ast: Record<string, unknown>, context: PredictContext): Prediction {
  const { effects, created, opaque } = statementEffects(ast as Node, context);
  const createdSet = new Set(created);
  const live = effects.filter((e) => !createdSet.has(e.relation));

  const modes = new Map<string, { mode: LockMode; relkind?: string }>();
  for (const e of live) {
    const prev = modes.get(e.relation);
    modes.set(e.relation, { mode: prev ? strongest(prev.mode, e.mode) : e.mode, relkind: prev?.relkind ?? e.relkind });
  }
  const locks: LockEntry[] = [...modes].map(([relation, { mode, relkind }]) => ({ relation, mode, source: 'predicted', ...(relkind ? { relkind } : {}) }));

  const rewrites: RewriteEntry[] = [];
  for (const e of live) {
    if (e.rewrite && !rewrites.some((r) => r.relation === e.relation && r.kind === e.rewrite)) rewrites.push({ relation: e.relation, kind: e.rewrite, source: 'predicted' });
  }
  // A table rewrite rebuilds its indexes too: one "table" entry says it all.
  const tableRewrites = new Set(rewrites.filter((r) => r.kind === 'table').map((r) => r.relation));
  const dedupedRewrites = rewrites.filter((r) => r.kind === 'table' || !tableRewrites.has(r.relation));

  return {
    effects,
    locks,
    rewrites: dedupedRewrites,
    scans: unique(live.filter((e: Effect) => e.scan).map((e) => e.relation)),
    blocks: locks.map((l) => ({ relation: l.relation, mode: l.mode, blocks: blocksOf(l.mode) })),
    created,
    opaque,
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
