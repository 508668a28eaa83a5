/**
 * CHANGELOG.md in the repository, updated through the contents API: read the file (and its blob
 * sha), append the new section, write it back with that sha. A concurrent commit to the file makes
 * GitHub answer 409 (or 422 for a stale sha): read it again and retry once.
 */
import { httpStatus, type GitHubClient } from '../github/client';
import { redact } from '../util/secrets';
import type { RepoTarget } from './pull-requests';

export interface ChangelogFileUpdate {
  path: string;
  /** The Markdown section to append. */
  section: string;
  /** The commit message; carries [skip ci] so the commit does not start another deploy. */
  message: string;
  /** The branch to commit to; the repository's default branch when absent. */
  branch?: string;
}

const NEW_FILE_HEADER = '# Changelog\n';

/** Returns the new commit's sha. */
export async function appendToChangelogFile(client: GitHubClient, target: RepoTarget, update: ChangelogFileUpdate): Promise<string | null> {
  try {
    return await writeOnce(client, target, update);
  } catch (error) {
    const status = httpStatus(error);
    if (status !== 409 && status !== 422) throw error;
    return writeOnce(client, target, update);
  }
}

async function writeOnce(client: GitHubClient, target: RepoTarget, update: ChangelogFileUpdate): Promise<string | null> {
  const current = await readFile(client, target, update);
  const content = appendSection(current?.text ?? NEW_FILE_HEADER, redact(update.section));
  const { data } = await client.rest.repos.createOrUpdateFileContents({
    ...target,
    path: update.path,
    message: update.message,
    content: Buffer.from(content, 'utf8').toString('base64'),
    ...(current ? { sha: current.sha } : {}),
    ...(update.branch ? { branch: update.branch } : {}),
    // A 409 means the file moved on: the retry plugin would resend the same stale sha; re-reading is the fix.
    request: { retries: 0 },
  });
  return data.commit.sha ?? null;
}

async function readFile(client: GitHubClient, target: RepoTarget, update: ChangelogFileUpdate): Promise<{ text: string; sha: string } | null> {
  try {
    const { data } = await client.rest.repos.getContent({ ...target, path: update.path, ...(update.branch ? { ref: update.branch } : {}) });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) {
      throw new Error(`${update.path} in the repository is not a file`);
    }
    return { text: Buffer.from(data.content, 'base64').toString('utf8'), sha: data.sha };
  } catch (error) {
    if (httpStatus(error) === 404) return null;
    throw error;
  }
}

/** The file, one blank line, the section: the newest entry is the last one. */
export function appendSection(file: string, section: string): string {
  return `${file.trimEnd()}\n\n${section.trim()}\n`;
}
