/**
 * Whether a column default is evaluated once (constant, immutable or stable: PostgreSQL 11+
 * stores it in pg_attribute.attmissingval, no rewrite) or per row (volatile: the table is
 * rewritten). Unknown functions are treated as volatile, because a wrong "safe" costs a rewrite.
 */
import { Node, names, nodeKind, unwrap, walk } from '../ast';

export type Volatility = 'immutable' | 'stable' | 'volatile';

/** Built-in volatile functions that appear in defaults. */
const VOLATILE = new Set([
  'random',
  'clock_timestamp',
  'timeofday',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'uuidv4',
  'uuidv7',
  'nextval',
  'setval',
  'txid_current',
  'random_normal',
]);

/** Built-in non-volatile functions commonly used in defaults (stable ones are evaluated once). */
const NON_VOLATILE = new Set([
  'now',
  'transaction_timestamp',
  'statement_timestamp',
  'current_setting',
  'to_jsonb',
  'jsonb_build_object',
  'jsonb_build_array',
  'json_build_object',
  'array',
  'lower',
  'upper',
  'coalesce',
  'make_interval',
  'to_timestamp',
  'timezone',
  'md5',
  'concat',
]);

export interface VolatilityVerdict {
  volatility: Volatility;
  /** The function that decided it, for messages. */
  culprit?: string;
}

const ORDER: readonly Volatility[] = ['immutable', 'stable', 'volatile'];

export function volatilityOf(expr: unknown): VolatilityVerdict {
  let verdict: VolatilityVerdict = { volatility: 'immutable' };
  const raise = (v: Volatility, culprit: string) => {
    if (ORDER.indexOf(v) > ORDER.indexOf(verdict.volatility)) verdict = { volatility: v, culprit };
  };
  const visit = (kind: string, node: Node) => {
    if (kind === 'FuncCall') {
      const fn = names(node.funcname);
      const bare = fn[fn.length - 1]?.toLowerCase() ?? '';
      if (VOLATILE.has(bare)) raise('volatile', `${bare}()`);
      else if (NON_VOLATILE.has(bare)) raise('stable', `${bare}()`);
      else raise('volatile', `${bare}() (unknown function, assumed volatile)`);
    } else if (kind === 'SQLValueFunction') {
      raise('stable', String(node.op ?? 'current value').replace(/^SVFOP_/, '').toLowerCase());
    } else if (kind === 'SubLink') {
      raise('volatile', 'subquery');
    }
  };
  const k = nodeKind(expr);
  if (k) visit(k, (expr as Node)[k] as Node);
  walk(expr, visit);
  return verdict;
}

/** The DEFAULT expression of a ColumnDef, if any. */
export function columnDefault(columnDef: Node): unknown {
  for (const c of (columnDef.constraints as Node[] | undefined) ?? []) {
    const con = unwrap(c, 'Constraint');
    if (con?.contype === 'CONSTR_DEFAULT') return con.raw_expr;
  }
  return undefined;
}
