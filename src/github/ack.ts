/**
 * Reviewer gating: `/drydock ack <finding-id|all> <reason>` and `/drydock rerun` comments, the
 * `drydock:accepted` label, and who may use them (write access, checked through the API).
 * An acknowledgement names the migration checksum it saw, so editing the SQL voids it.
 */
import type { Acknowledgement, ReviewState } from '../report/markdown/review';
import type { GitHubClient } from './client';

export const ACCEPT_LABEL = 'drydock:accepted';

export type BotCommand =
  | { kind: 'ack'; target: string; reason: string }
  | { kind: 'rerun' }
  | { kind: 'invalid'; line: string; problem: string };

/** Every `/drydock …` line of a comment, in order. Other lines are ignored. */
export function parseBotCommands(body: string): BotCommand[] {
  const commands: BotCommand[] = [];
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    const match = /^\/drydock(?:\s+(\S+))?(?:\s+(.*))?$/.exec(line);
    if (!match) continue;
    const verb = (match[1] ?? '').toLowerCase();
    const rest = (match[2] ?? '').trim();
    if (verb === 'rerun') {
      commands.push({ kind: 'rerun' });
    } else if (verb === 'ack') {
      const [target, ...reasonWords] = rest.split(/\s+/);
      const reason = reasonWords.join(' ').trim();
      if (!target) commands.push({ kind: 'invalid', line, problem: 'name a finding id or "all"' });
      else if (!reason) commands.push({ kind: 'invalid', line, problem: 'give a reason: /drydock ack <finding-id|all> <reason>' });
      else commands.push({ kind: 'ack', target, reason: reason.slice(0, 300) });
    } else {
      commands.push({ kind: 'invalid', line, problem: 'unknown command; use /drydock ack <finding-id|all> <reason> or /drydock rerun' });
    }
  }
  return commands;
}

/** Admin, maintain and write roles may acknowledge (the API reports maintain as "write"). */
export async function hasWriteAccess(client: GitHubClient, owner: string, repo: string, username: string): Promise<boolean> {
  try {
    const { data } = await client.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
    return data.permission === 'admin' || data.permission === 'write';
  } catch {
    // Not a collaborator (404) or not visible to this token: no access.
    return false;
  }
}

export interface AckOutcome {
  state: ReviewState;
  acknowledged: string[];
  unknown: string[];
}

/** Record an acknowledgement of one finding (or all blocking ones) at their current checksums. */
export function recordAck(
  state: ReviewState,
  target: string,
  actor: string,
  reason: string,
  via: Acknowledgement['via'],
  now: Date,
): AckOutcome {
  const chosen = target.toLowerCase() === 'all' ? state.findings : state.findings.filter((f) => f.id === target);
  if (chosen.length === 0) return { state, acknowledged: [], unknown: [target] };
  const ids = new Set(chosen.map((f) => f.id));
  const acks = state.acks.filter((a) => !ids.has(a.id));
  for (const f of chosen) acks.push({ id: f.id, checksum: f.checksum, actor, reason, at: now.toISOString(), via });
  return {
    state: { ...state, acks, voided: state.voided.filter((v) => !ids.has(v.id)) },
    acknowledged: [...ids],
    unknown: [],
  };
}
