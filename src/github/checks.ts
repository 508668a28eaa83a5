/**
 * The check run reviewers gate merges on. The Checks API takes at most 50 annotations per
 * request, so the first 50 go with the creation and the rest follow in PATCH requests.
 */
import type { GitHubClient } from './client';

export const ANNOTATIONS_PER_REQUEST = 50;
/** output.summary and output.text are limited to 65,535 characters each. */
export const CHECK_TEXT_LIMIT = 65535;

export type CheckConclusion = 'success' | 'neutral' | 'failure';

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  /** Only allowed when start_line equals end_line. */
  start_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  title: string;
  message: string;
  raw_details?: string;
}

export interface CheckRunRequest {
  owner: string;
  repo: string;
  headSha: string;
  name: string;
  conclusion: CheckConclusion;
  title: string;
  summary: string;
  text?: string;
  detailsUrl?: string | null;
  annotations: CheckAnnotation[];
}

export async function publishCheckRun(client: GitHubClient, request: CheckRunRequest): Promise<{ id: number; requests: number }> {
  const output = {
    title: request.title,
    summary: clip(request.summary),
    ...(request.text ? { text: clip(request.text) } : {}),
  };
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < request.annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    batches.push(request.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  }
  const { data } = await client.rest.checks.create({
    owner: request.owner,
    repo: request.repo,
    name: request.name,
    head_sha: request.headSha,
    status: 'completed',
    conclusion: request.conclusion,
    completed_at: new Date().toISOString(),
    ...(request.detailsUrl ? { details_url: request.detailsUrl } : {}),
    output: { ...output, annotations: batches[0] ?? [] },
  });
  for (const batch of batches.slice(1)) {
    // Each update appends its annotations; title and summary are required on every output.
    await client.rest.checks.update({
      owner: request.owner,
      repo: request.repo,
      check_run_id: data.id,
      output: { title: output.title, summary: output.summary, annotations: batch },
    });
  }
  return { id: data.id, requests: Math.max(1, batches.length) };
}

function clip(text: string): string {
  if (text.length <= CHECK_TEXT_LIMIT) return text;
  const note = '\n\n… (truncated: see the job summary)';
  return text.slice(0, CHECK_TEXT_LIMIT - note.length) + note;
}
