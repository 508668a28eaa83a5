/** How rule messages name the locks a statement takes: readable first, complete in the lock facts. */
import { lockList } from '../../src/analyse/rules/support';

describe('lockList', () => {
  it('names the strongest mode per relation, tables before their indexes and sequences', () => {
    const { text, tables } = lockList([
      { relation: 'public.activity_pkey', mode: 'AccessExclusiveLock', relkind: 'index' },
      { relation: 'public.activity', mode: 'ShareLock', relkind: 'table' },
      { relation: 'public.activity', mode: 'AccessExclusiveLock', relkind: 'table' },
      { relation: 'public.activity_id_seq', mode: 'AccessExclusiveLock', relkind: 'sequence' },
    ]);
    expect(text).toBe('ACCESS EXCLUSIVE on public.activity, ACCESS EXCLUSIVE on public.activity_pkey, ACCESS EXCLUSIVE on public.activity_id_seq');
    expect(tables).toBe(1);
  });

  it('sums up what is past the first few, saying when those are only indexes and sequences', () => {
    const indexes = ['a', 'b', 'c', 'd', 'e'].map((n) => ({ relation: `public.t_${n}_idx`, mode: 'AccessExclusiveLock' as const, relkind: 'index' }));
    expect(lockList([{ relation: 'public.t', mode: 'AccessExclusiveLock', relkind: 'table', note: '(line 2)' }, ...indexes]).text).toBe(
      'ACCESS EXCLUSIVE on public.t (line 2), ACCESS EXCLUSIVE on public.t_a_idx, ACCESS EXCLUSIVE on public.t_b_idx, ACCESS EXCLUSIVE on public.t_c_idx (+2 more indexes and sequences)',
    );
    const tables = ['a', 'b', 'c', 'd', 'e'].map((n) => ({ relation: `public.${n}`, mode: 'ShareRowExclusiveLock' as const }));
    expect(lockList(tables)).toEqual({ text: 'SHARE ROW EXCLUSIVE on public.a, SHARE ROW EXCLUSIVE on public.b, SHARE ROW EXCLUSIVE on public.c, SHARE ROW EXCLUSIVE on public.d (+1 more)', tables: 5 });
  });
});
