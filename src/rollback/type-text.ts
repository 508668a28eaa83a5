/**
 * Type names as SQL text, built from parse-tree TypeName nodes (for DROP FUNCTION argument lists),
 * and the widening test that decides whether an ALTER COLUMN … TYPE can be turned back without
 * losing data.
 */
import { Node, list, names, typeModsOf, typeNameOf, unwrap } from '../analyse/ast';
import { quoteNames } from '../parse/quote';

/** "pg_catalog.int4[]", "public.mood"; null for %TYPE references, which have no stable text. */
export function typeText(typeName: unknown): string | null {
  const t = typeName as Node | undefined;
  if (!t || t.pct_type) return null;
  const parts = names(t.names);
  if (parts.length === 0) return null;
  const arrays = list(t.arrayBounds).length;
  return quoteNames(parts) + '[]'.repeat(arrays);
}

const INPUT_MODES = new Set(['FUNC_PARAM_IN', 'FUNC_PARAM_INOUT', 'FUNC_PARAM_VARIADIC', 'FUNC_PARAM_DEFAULT', undefined]);

/** "(pg_catalog.int4, VARIADIC pg_catalog.numeric[])": the input arguments that identify a function. */
export function functionArgsText(parameters: unknown): string | null {
  const args: string[] = [];
  for (const p of list(parameters)) {
    const param = unwrap(p, 'FunctionParameter');
    if (!param || !INPUT_MODES.has(param.mode as string | undefined)) continue;
    const text = typeText(param.argType);
    if (text === null) return null;
    args.push(param.mode === 'FUNC_PARAM_VARIADIC' ? `VARIADIC ${text}` : text);
  }
  return `(${args.join(', ')})`;
}

/** Argument list of an ObjectWithArgs (DROP FUNCTION f(int), ALTER FUNCTION … RENAME). */
export function objectArgsText(objectWithArgs: Node): string | null {
  if (objectWithArgs.args_unspecified) return '';
  const args: string[] = [];
  for (const a of list(objectWithArgs.objargs)) {
    const text = typeText(unwrap(a, 'TypeName') ?? a);
    if (text === null) return null;
    args.push(text);
  }
  return `(${args.join(', ')})`;
}

export function inputArity(parameters: unknown): number {
  return list(parameters).filter((p) => INPUT_MODES.has(unwrap(p, 'FunctionParameter')?.mode as string | undefined)).length;
}

/** Arity of pg_get_function_identity_arguments text ("a integer, OUT b text"): OUT arguments do not count. */
export function identityArity(identityArgs: string): number {
  if (identityArgs.trim() === '') return 0;
  return splitTopLevel(identityArgs).filter((a) => !/^OUT\s/i.test(a.trim())).length;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

interface SimpleType {
  name: string;
  mods: number[];
  array: boolean;
}

/** format_type() spellings → the parser's internal names. */
const FORMAT_TYPE_NAMES: Record<string, string> = {
  'character varying': 'varchar',
  character: 'bpchar',
  integer: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  real: 'float4',
  'double precision': 'float8',
  boolean: 'bool',
  'bit varying': 'varbit',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  'time without time zone': 'time',
  'time with time zone': 'timetz',
};

/** "character varying(50)" → varchar [50]; "timestamp(3) with time zone" → timestamptz [3]. */
export function parseFormattedType(formatted: string): SimpleType {
  let text = formatted.trim();
  const array = text.endsWith('[]');
  text = text.replace(/(\[\])+$/, '');
  const mods: number[] = [];
  text = text.replace(/\(([\d,\s]+)\)/, (_, inner: string) => {
    mods.push(...inner.split(',').map((n) => Number(n.trim())));
    return '';
  });
  text = text.replace(/\s+/g, ' ').trim();
  return { name: FORMAT_TYPE_NAMES[text] ?? text.replace(/^pg_catalog\./, ''), mods, array };
}

export function parseTypeNameNode(typeName: unknown): SimpleType {
  return { name: typeNameOf(typeName) ?? '', mods: typeModsOf(typeName), array: list((typeName as Node)?.arrayBounds).length > 0 };
}

const INTEGER_WIDTH: Record<string, number> = { int2: 2, int4: 4, int8: 8 };
const PRECISION_TYPES = new Set(['timestamp', 'timestamptz', 'time', 'timetz', 'interval', 'varbit', 'bpchar', 'varchar']);

/** True when every value of `from` fits `to` unchanged, so changing back loses nothing written before. */
export function isWidening(from: SimpleType, to: SimpleType): boolean {
  if (from.array !== to.array) return false;
  if (from.name === to.name && sameMods(from.mods, to.mods)) return true;
  if (from.name === 'varchar' && to.name === 'text') return true;
  if (from.name === 'text' && to.name === 'varchar' && to.mods.length === 0) return true;
  if (from.name in INTEGER_WIDTH) {
    if (to.name in INTEGER_WIDTH) return INTEGER_WIDTH[to.name] >= INTEGER_WIDTH[from.name];
    if (to.name === 'numeric') return to.mods.length === 0 || to.mods[0] - (to.mods[1] ?? 0) >= 19;
  }
  if (from.name === 'float4' && to.name === 'float8') return true;
  if (from.name === 'numeric' && to.name === 'numeric') {
    if (to.mods.length === 0) return true;
    if (from.mods.length === 0) return false;
    const [fp, fs = 0] = from.mods;
    const [tp, ts = 0] = to.mods;
    return ts >= fs && tp - ts >= fp - fs;
  }
  if (from.name === to.name && PRECISION_TYPES.has(from.name)) {
    return to.mods.length === 0 || (from.mods.length > 0 && to.mods[0] >= from.mods[0]);
  }
  return false;
}

function sameMods(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export function describeType(t: SimpleType): string {
  return `${t.name}${t.mods.length ? `(${t.mods.join(',')})` : ''}${t.array ? '[]' : ''}`;
}

