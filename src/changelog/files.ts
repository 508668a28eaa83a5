/** The changelog as files the workflow can upload or attach to a release (Action outputs changelog-json, changelog-markdown). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { redact } from '../util/secrets';
import type { DeployChangelog, RollbackChangelog } from './types';

export interface ChangelogFiles {
  json: string;
  markdown: string;
}

export function writeChangelogFiles(changelog: DeployChangelog | RollbackChangelog, markdown: string): ChangelogFiles {
  const dir = fs.mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'drydock-changelog-'));
  const files = { json: path.join(dir, 'changelog.json'), markdown: path.join(dir, 'changelog.md') };
  fs.writeFileSync(files.json, redact(JSON.stringify(changelog, null, 2)) + '\n');
  fs.writeFileSync(files.markdown, redact(markdown));
  return files;
}
