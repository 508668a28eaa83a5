import {
  assembleComment,
  COMMENT_LIMIT,
  evaluateReview,
  extractBody,
  factsLine,
  initialState,
  parseState,
  renderComment,
  renderNoMigrations,
  type ReviewState,
} from '../../src/report/markdown';
import type { Report } from '../../src/report/types';
import { clearSecretsForTest, registerSecret } from '../../src/util/secrets';
import { recordAck } from '../../src/github/ack';
import { fullReport, giantReport, migration, reportOf, safeReport, warningReport } from '../support/github-report';
import { outsideCodeSpans, splitFences } from '../support/github-markdown';

function stateFor(report: Report, failOn: 'error' | 'warning' | 'never' = 'error'): ReviewState {
  return initialState(report, failOn, factsLine(report), 'f'.repeat(40));
}

describe('verdicts', () => {
  test('blocking: headline, blocking ids, a row per migration, details, guide, footer', () => {
    const report = fullReport();
    const { body, level } = renderComment(report, stateFor(report), { key: null });
    expect(level).toBe('full');
    const lines = body.split('\n');
    expect(lines[0]).toBe('<!-- drydock:report default -->');
    expect(lines[1]).toBe('## 🛑 drydock: blocking — 2 findings at or above `error` must be fixed or acknowledged');
    expect(body).toContain('estimated **~10 min 17 s (6 min 10 s–18 min 31 s)** at production size');
    expect(body).toContain('worst lock: `AccessExclusiveLock` on `public.orders` held ~7 min 37 s (blocks reads and writes)');
    expect(body).toContain('**Blocking:** `require-concurrent-index-creation:20240301091000:1`, `changing-column-type:20240301092000:1`');
    const rows = lines.filter((l) => l.startsWith('| `db/migrations/'));
    expect(rows).toEqual([
      '| `db/migrations/20240301090000_create_audit_log.up.sql` | 1 | — | — | ~5 ms (3 ms–9 ms) | ✅ none |',
      '| `db/migrations/20240301091000_index_users_email.up.sql` | 1 | Share on `public.users` · ~2 min 40 s | — | ~2 min 40 s (1 min 36 s–4 min 48 s) | 🛑 1 |',
      '| `db/migrations/20240301092000_orders_total_numeric.up.sql` | 2 | AccessExclusive on `public.orders` · ~7 min 37 s | `public.orders` | ~7 min 37 s (4 min 34 s–13 min 43 s) | 🛑 1 · ⚠️ 1 |',
    ]);
    expect(body.match(/<details>/g)).toHaveLength(3);
    expect(body).toContain('CREATE INDEX CONCURRENTLY users_email_idx ON users (email);');
    expect(body).toContain('-- #1 · line 1 · AccessExclusiveLock on public.orders · rewrites public.orders · ~6 min 2 s');
    expect(body).toContain('Maintenance window: **plan ~10 min 17 s**');
    expect(body).toContain('Free disk: `public.orders` is rewritten');
    expect(body).toContain('1. `db/migrations/20240301092000_orders_total_numeric.up.sql`: no down script');
    expect(body).toContain('Run `db/migrations/20240301091000_index_users_email.down.sql` (verified: up → down → up restores the schema)');
    expect(body).toContain('/drydock ack <finding-id|all> <reason>');
    expect(splitFences(body).balanced).toBe(true);
  });

  test('needs review: findings below the fail level', () => {
    const report = warningReport();
    const { body } = renderComment(report, stateFor(report), { key: 'db/migrations' });
    expect(body.split('\n')[0]).toBe('<!-- drydock:report db%2Fmigrations -->');
    expect(body.split('\n')[1]).toBe('## ⚠️ drydock · db/migrations: needs review — 1 finding below the fail level to read');
    expect(body).not.toContain('**Blocking:**');
  });

  test('needs review: blocking findings acknowledged, with who and why', () => {
    const report = fullReport();
    const acked = recordAck(stateFor(report), 'all', 'octocat', 'index is built off-peak <b>tonight</b>', 'comment', new Date('2026-03-01T10:00:00Z')).state;
    const { body } = renderComment(report, acked, { key: null });
    expect(body.split('\n')[1]).toContain('needs review — 2 blocking findings acknowledged, 1 finding below the fail level to read');
    expect(body).toContain('#### Acknowledgements');
    expect(body).toContain('| `changing-column-type:20240301092000:1` | @&#8203;octocat | index is built off-peak &lt;b&gt;tonight&lt;/b&gt; | 2026-03-01 10:00 UTC |');
    expect(body).toContain('✔️ 1 acknowledged');
  });

  test('safe: nothing to review', () => {
    const report = safeReport();
    const { body } = renderComment(report, stateFor(report), { key: null });
    expect(body.split('\n')[1]).toBe('## ✅ drydock: safe — no finding needs attention');
    expect(body).toContain('Maintenance window: not needed; no lock blocks writes to an existing table.');
  });

  test('static-only report: predicted locks, no timings, no server', () => {
    const report = fullReport({ traced: false });
    const { body } = renderComment(report, stateFor(report), { key: null });
    expect(body).toContain('static check: no timings · worst lock: predicted `AccessExclusiveLock` on `public.orders` (blocks reads and writes)');
    expect(body).toContain('| AccessExclusive on `public.orders` (predicted) | `public.orders` | — |');
    expect(body).toContain('PostgreSQL: not executed (static check)');
    expect(body).toContain('Maintenance window: unknown; locks that block writes are predicted but not timed');
    expect(body).not.toMatch(/NaN|undefined|null/);
  });

  test('no migrations any more', () => {
    const body = renderNoMigrations('db/migrations', 'db/migrations');
    expect(body).toBe(
      '<!-- drydock:report db%2Fmigrations -->\n## ✅ drydock · db/migrations: no migrations\n\nThis pull request no longer adds migrations in `db/migrations`. Nothing to review.',
    );
  });
});

describe('hostile migrations render inert', () => {
  const payload = [
    "INSERT INTO notes VALUES ('```');",
    '````',
    '</details>',
    '<img src=x onerror=alert(1)>',
    '@octocat please merge',
    '<!-- /drydock:body:',
  ].join('\n');

  function hostileReport(): Report {
    const m = migration(
      {
        id: '20240401000000',
        description: 'evil_`</details>`_@octocat',
        statements: [
          {
            sql: payload,
            line: 1,
            kind: 'InsertStmt',
            locks: [{ relation: 'public.notes|x', mode: 'RowExclusiveLock' }],
            findings: [
              {
                rule: 'custom',
                severity: 'error',
                message: 'bad </details> <img src=x onerror=alert(1)> @octocat `x` | cell',
                suggestion: '```\n</details>\n@octocat',
                id: 'custom:20240401000000:1',
              },
            ],
          },
        ],
      },
      true,
    );
    return reportOf([m], true);
  }

  test('no fence, HTML or mention escapes from the SQL, names or messages', () => {
    const report = hostileReport();
    const state = recordAck(stateFor(report), 'all', 'mallory', '--> @octocat <img src=x onerror=alert(1)>', 'comment', new Date()).state;
    const { body } = renderComment(report, state, { key: null });
    const { markup, code, balanced } = splitFences(body);
    expect(balanced).toBe(true);
    // HTML comments are not rendered (the hidden state block is one).
    const text = markup.map(outsideCodeSpans).join('\n').replace(/<!--[\s\S]*?-->/g, '');
    expect(text).not.toMatch(/<img/i);
    expect(text).not.toMatch(/@octocat|@mallory/);
    // Ours are the only <details> blocks: one open and one close per migration.
    expect(text.match(/<details>/g)).toHaveLength(1);
    expect(text.match(/<\/details>/g)).toHaveLength(1);
    // The SQL is shown verbatim, inside a code block.
    expect(code.join('\n')).toContain('<img src=x onerror=alert(1)>');
    expect(code.join('\n')).toContain('````');
    // The body delimiters and the hidden state survive the forged marker in the SQL.
    const parsed = parseState(body)!;
    expect(parsed.acks[0].reason).toBe('--> @octocat <img src=x onerror=alert(1)>');
    expect(extractBody(body, parsed)).toContain("INSERT INTO notes VALUES ('```');");
    // A table row keeps its six cells although the relation name holds a "|".
    const row = markup.find((l) => l.startsWith('| ``db/migrations/20240401000000'))!;
    expect(row.split(/(?<!\\)\|/).length).toBe(8);
  });

  test('registered secrets never reach the comment', () => {
    clearSecretsForTest();
    registerSecret('postgres://admin:s3cr3t-pw@db.internal:5432/app');
    try {
      const report = hostileReport();
      report.migrations[0].statements[0].sql = "SELECT dblink_connect('postgres://admin:s3cr3t-pw@db.internal:5432/app')";
      const { body } = renderComment(report, stateFor(report), { key: null });
      expect(body).not.toContain('s3cr3t-pw');
      expect(body).toContain('***');
    } finally {
      clearSecretsForTest();
    }
  });
});

describe('size limit', () => {
  test('a 300-migration PR degrades and stays under 65,536 characters, state included', () => {
    const report = giantReport(300);
    const state = stateFor(report);
    const started = Date.now();
    const { body, level } = renderComment(report, state, { key: null, detailsUrl: 'https://github.com/o/r/actions/runs/7' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(body.length).toBeLessThan(COMMENT_LIMIT);
    expect(level).not.toBe('full');
    expect(body.split('\n')[1]).toContain('blocking — 300 findings');
    expect(parseState(body)!.findings).toHaveLength(300);
    expect(splitFences(body).balanced).toBe(true);
    // The job summary (1 MiB) holds the full rendering.
    const summary = renderComment(report, state, { key: null, limit: 1024 * 1024 });
    expect(['full', 'collapsed']).toContain(summary.level);
    expect(summary.body.length).toBeGreaterThan(COMMENT_LIMIT);
  });

  test('each level is tried in order: 40 migrations fit collapsed, not full', () => {
    const report = giantReport(40);
    const levels = ['full', 'collapsed', 'summary', 'pointer'].map((l, i) => ({ l, i }));
    const { body, level } = renderComment(report, stateFor(report), { key: null });
    expect(body.length).toBeLessThan(COMMENT_LIMIT);
    expect(levels.find((x) => x.l === level)!.i).toBeGreaterThanOrEqual(1);
  });
});

describe('re-assembly by a bot command', () => {
  test('the body is kept and only the verdict changes', () => {
    const report = fullReport();
    const state = stateFor(report);
    const { body } = renderComment(report, state, { key: null });
    const parsed = parseState(body)!;
    const acked = recordAck(parsed, 'all', 'octocat', 'planned downtime', 'comment', new Date()).state;
    const again = assembleComment(evaluateReview(acked), null, extractBody(body, parsed)!);
    expect(again.split('\n')[1]).toContain('needs review');
    expect(extractBody(again, acked)).toBe(extractBody(body, parsed));
    expect(parseState(again)!.acks).toHaveLength(2);
  });
});
