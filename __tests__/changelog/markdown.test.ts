/**
 * The changelog as Markdown and the helpers that place it: escaping of what authors wrote, the
 * commit that added each migration, and appending to an existing CHANGELOG.md.
 */
import { appendSection, commitsAddingPaths, deployMarkdown, IRREVERSIBLE, pushCommits, type DeployChangelog } from '../../src/changelog';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const changelog: DeployChangelog = {
  kind: 'deploy',
  deployId: '4242',
  environment: 'production',
  outcome: 'applied',
  backup: 's3://backups/db/20250502T100000Z-4242.dump',
  entries: [
    {
      version: '3',
      date: '2025-05-02T10:00:00.000Z',
      changes: [
        { type: 'schema', table: 'public.orders', description: "add column status text NOT NULL DEFAULT 'pending' to public.orders", rollback: 'ALTER TABLE orders DROP COLUMN status' },
        { type: 'data', table: 'public.orders', description: "update public.orders set note where note = '<b>@octocat</b> `x`'", rollback: IRREVERSIBLE },
      ],
    },
    { version: '4', date: '2025-05-02T10:00:00.000Z', changes: [] },
  ],
};

test('one section per migration; SQL rollbacks as code, prose as text; author text made inert', () => {
  const md = deployMarkdown(changelog, { paths: new Map([['3', 'db/migrations/3_add_order_status.up.sql']]) });
  expect(md.split('\n').slice(0, 6)).toEqual([
    '## Deploy 4242 to production: applied (2025-05-02)',
    '',
    'Backup before the deploy: `s3://backups/db/20250502T100000Z-4242.dump`',
    '',
    '### 3 · `db/migrations/3_add_order_status.up.sql`',
    '',
  ]);
  expect(md).toContain("- **schema** `public.orders`: add column status text NOT NULL DEFAULT 'pending' to public.orders\n  - rollback: `ALTER TABLE orders DROP COLUMN status`");
  expect(md).toContain('- **data** `public.orders`: update public.orders set note where note = \'&lt;b&gt;@&#8203;octocat&lt;/b&gt; \\`x\\`\'');
  expect(md).toContain(`  - rollback: ${IRREVERSIBLE}`);
  expect(md).toContain('### 4\n\n- no schema or data change (session settings only)');
});

test('a deploy that applied nothing says so', () => {
  const md = deployMarkdown({ ...changelog, outcome: 'up-to-date', backup: null, entries: [] });
  expect(md).toBe('## Deploy 4242 to production: up-to-date\n\nNo migration was applied.\n');
});

test('the commit that added a migration: the latest one listing it, else the head commit', () => {
  const commits = [
    { id: 'a1', added: ['db/1.up.sql', 'db/2.up.sql'] },
    { id: 'b2', added: ['db/3.up.sql'] },
    { id: 'c3', added: ['db/2.up.sql'] },
  ];
  expect(commitsAddingPaths(['db/1.up.sql', 'db/2.up.sql', 'db/3.up.sql', 'db/9.up.sql'], commits, 'head')).toEqual(
    new Map([
      ['db/1.up.sql', 'a1'],
      ['db/2.up.sql', 'c3'],
      ['db/3.up.sql', 'b2'],
      ['db/9.up.sql', 'head'],
    ]),
  );
});

test('push commits come from the push payload only', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-push-')), 'event.json');
  fs.writeFileSync(file, JSON.stringify({ commits: [{ id: 'a1', added: ['x.sql', 7] }, { added: ['y.sql'] }] }));
  expect(pushCommits('push', file)).toEqual([{ id: 'a1', added: ['x.sql'] }]);
  expect(pushCommits('workflow_dispatch', file)).toEqual([]);
  expect(pushCommits('push', path.join(path.dirname(file), 'missing.json'))).toEqual([]);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test('the section is appended after the file, one blank line apart', () => {
  expect(appendSection('# Changelog\n\n## Deploy 1\n\n\n', '## Deploy 2\n- x\n')).toBe('# Changelog\n\n## Deploy 1\n\n## Deploy 2\n- x\n');
});
