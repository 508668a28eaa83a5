/**
 * The lock catalog: for one statement, the lock mode on every relation it touches, whether it
 * rewrites or scans them, and what those modes block — predicted from the parse tree, the target
 * PostgreSQL version and what earlier statements created (postgres-locks.md).
 */
import type { LockEntry, RewriteEntry } from '../../report/types';
import type { Node } from '../ast';
import { exact } from '../exact';
import type { LockBlocking, Prediction, PredictContext } from './effects';
import { blocksOf, strongest } from './modes';
import { statementEffects } from './statements';

export type { Effect, Prediction, PredictContext, LockBlocking } from './effects';
export { blocksOf, blocksTraffic, describeBlocks, lockRank, strongest } from './modes';
export type { Blocks } from './modes';

export function predictLocks(ast: Record<string, unknown>, context: PredictContext): Prediction {
  const { effects, created, opaque } = statementEffects(ast as Node, context);
  const locks: LockEntry[] = [];
  const blocks: LockBlocking[] = [];
  const rewrites: RewriteEntry[] = [];
  const scans: string[] = [];
  let tableRewrite = false;
  // Indexed loops and linear searches: a statement has a handful of effects, and this runs for
  // every statement before the optimising compiler has seen it.
  for (let i = 0; i < effects.length; i++) {
    const e = effects[i];
    // Effects on relations the statement creates lock nothing anyone else can see.
    if (created.length > 0 && created.includes(e.relation)) continue;
    const lock = findByRelation(locks, e.relation);
    if (!lock) locks.push(e.relkind ? { relation: e.relation, mode: e.mode, source: 'predicted', relkind: e.relkind } : { relation: e.relation, mode: e.mode, source: 'predicted' });
    else {
      // The strongest mode wins; the first effect that names the relation kind names it.
      lock.mode = strongest(lock.mode, e.mode);
      if (lock.relkind === undefined && e.relkind) lock.relkind = e.relkind;
    }
    if (e.rewrite && !hasRewrite(rewrites, e.relation, e.rewrite)) {
      rewrites.push({ relation: e.relation, kind: e.rewrite, source: 'predicted' });
      if (e.rewrite === 'table') tableRewrite = true;
    }
    if (e.scan && !scans.includes(e.relation)) scans.push(e.relation);
  }
  for (let i = 0; i < locks.length; i++) blocks.push({ relation: locks[i].relation, mode: locks[i].mode, blocks: blocksOf(locks[i].mode) });

  return {
    effects: exact(effects),
    locks: exact(locks),
    // A table rewrite rebuilds its indexes too: one "table" entry says it all.
    rewrites: tableRewrite ? rewrites.filter((r) => r.kind === 'table' || !hasRewrite(rewrites, r.relation, 'table')) : exact(rewrites),
    scans: exact(scans),
    blocks: exact(blocks),
    created: exact(created),
    opaque,
  };
}

function findByRelation(locks: LockEntry[], relation: string): LockEntry | undefined {
  for (let i = 0; i < locks.length; i++) if (locks[i].relation === relation) return locks[i];
  return undefined;
}

function hasRewrite(rewrites: RewriteEntry[], relation: string, kind: string): boolean {
  for (let i = 0; i < rewrites.length; i++) if (rewrites[i].relation === relation && rewrites[i].kind === kind) return true;
  return false;
}
