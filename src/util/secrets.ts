/**
 * Secrets (database URLs, passwords, tokens, S3 keys) must never reach logs, comments, summaries,
 * outputs or artifacts. Every text drydock emits passes through `redact`.
 */

const registered = new Set<string>();
/** Longest first, so a URL is replaced before its password alone; rebuilt when a secret is added. */
let longestFirst: string[] | null = null;

/** Remember a secret and the forms it can appear in (URL-encoded, the password of a URL). */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < 4) return;
  for (const form of secretForms(value)) registered.add(form);
  longestFirst = null;
}

function secretForms(value: string): string[] {
  const forms = new Set<string>([value, encodeURIComponent(value)]);
  try {
    const url = new URL(value);
    if (url.password) {
      forms.add(url.password);
      forms.add(decodeURIComponent(url.password));
    }
    if (url.username && url.password) forms.add(`${url.username}:${url.password}`);
  } catch {
    // not a URL: only the literal forms
  }
  return [...forms].filter((f) => f.length >= 4);
}

/** Any `scheme://user:password@` credentials in free text. */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]+):([^\s@/]+)@/gi;
/**
 * Values given to password-like keys: unspaced `key=value` (connection strings, query strings) or a
 * quoted literal (`password = 'hunter2'` in SQL). A spaced, unquoted `token = token_v2` is SQL
 * naming a column and stays.
 */
const KEYWORDS = 'password|passwd|pwd|secret|token|secretAccessKey|aws_secret_access_key';
const KEYWORD_UNQUOTED = new RegExp(`\\b(${KEYWORDS})(=)([^\\s&;,'"]+)`, 'gi');
const KEYWORD_QUOTED = new RegExp(`\\b(${KEYWORDS})(\\s*[=:]\\s*)("[^"]*"|'[^']*')`, 'gi');
/** `CREATE/ALTER ROLE … PASSWORD 'literal'` in a migration. */
const SQL_ROLE_PASSWORD = /\b(PASSWORD)(\s+)('(?:[^']|'')*')/gi;
const GITHUB_TOKEN = /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g;

export function redact(text: string): string {
  let out = text;
  longestFirst ??= [...registered].sort((a, b) => b.length - a.length);
  for (const secret of longestFirst) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  // The cheap includes() tests skip the regular expressions on text that cannot match them.
  if (out.includes('://')) out = out.replace(URL_CREDENTIALS, '$1$2:***@');
  if (out.includes('=') || out.includes(':')) out = out.replace(KEYWORD_UNQUOTED, '$1$2***').replace(KEYWORD_QUOTED, '$1$2***');
  if (out.includes("'")) out = out.replace(SQL_ROLE_PASSWORD, '$1$2***');
  if (out.includes('gh')) out = out.replace(GITHUB_TOKEN, '***');
  return out;
}

/** A connection URL safe to print: host, port and database only. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}${u.port ? ':' + u.port : ''}${u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}

/** For tests only: forget registered secrets. */
export function clearSecretsForTest(): void {
  registered.clear();
  longestFirst = null;
}
