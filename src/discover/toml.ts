/**
 * smol-toml ships a CommonJS build (dist/index.cjs) but declares types only for its ESM entry, so
 * the types come in with an import-mode type import and the code through require().
 */
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };

const smolToml = require('smol-toml') as typeof SmolToml;

export function parseToml(text: string): Record<string, unknown> {
  return smolToml.parse(text);
}
