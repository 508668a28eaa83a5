/**
 * Reads the changes of a `sqitch.plan` in deploy order. A reworked change appears more than once;
 * its earlier versions live in scripts named `<change>@<tag>.sql` after the first tag that follows
 * them in the plan, the latest in `<change>.sql`.
 */
import { DrydockError } from '../../util/errors';

export interface PlannedChange {
  name: string;
  /** Script file stem: "users", or "users@v1.0" for a reworked change's earlier version. */
  scriptName: string;
  note: string;
  line: number;
}

export function parseSqitchPlan(text: string, path: string): PlannedChange[] {
  const changes: (PlannedChange & { tagAfter: string | null })[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith('%')) continue;
    if (line.startsWith('@')) {
      const tag = line.slice(1).split(/\s/, 1)[0];
      for (const change of changes) change.tagAfter ??= tag;
      continue;
    }
    const name = line.split(/[\s[]/, 1)[0].replace(/^\+/, '');
    if (name.startsWith('-')) {
      throw new DrydockError(`plan reverts change "${name.slice(1)}": drydock does not support revert entries in sqitch.plan`, {
        position: { path, line: i + 1 },
        fix: 'remove the change from the plan (sqitch rework or a new change) instead of reverting it in place',
      });
    }
    const hash = line.indexOf(' #');
    changes.push({ name, scriptName: name, note: hash === -1 ? '' : line.slice(hash + 2).trim(), line: i + 1, tagAfter: null });
  }
  const lastIndex = new Map(changes.map((c, i) => [c.name, i]));
  return changes.map((c, i) => {
    if (lastIndex.get(c.name) === i) return { name: c.name, scriptName: c.name, note: c.note, line: c.line };
    if (!c.tagAfter) {
      throw new DrydockError(`change "${c.name}" is planned twice without a tag between the two`, {
        position: { path, line: c.line },
        fix: 'tag the plan before reworking a change (sqitch tag, then sqitch rework)',
      });
    }
    return { name: c.name, scriptName: `${c.name}@${c.tagAfter}`, note: c.note, line: c.line };
  });
}
