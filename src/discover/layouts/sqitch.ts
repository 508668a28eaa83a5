/**
 * sqitch: `sqitch.plan` lists changes in deploy order; each has `deploy/<change>.sql`, and
 * optionally `revert/<change>.sql` (the down script) and `verify/<change>.sql`. sqitch opens no
 * transaction itself: scripts carry their own BEGIN/COMMIT, so drydock must not wrap them.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DrydockError } from '../../util/errors';
import { readScript, repoPath } from '../context';
import { attached, childPath, type Layout, makeMigration } from './layout';
import { parseSqitchPlan } from './sqitch-plan';

const NATIVE_TRANSACTION = {
  transactional: false,
  transactionSource: 'sqitch: scripts manage their own transaction (BEGIN/COMMIT inside the script)',
};

export const sqitchLayout: Layout = {
  name: 'sqitch',
  detect(dir) {
    return dir.files.includes('sqitch.plan') ? 1 : 0;
  },
  load(dir, context) {
    const plan = readScript(context, childPath(dir, 'sqitch.plan'));
    const optional = (kind: string, scriptName: string) => {
      const absPath = path.join(dir.absPath, kind, `${scriptName}.sql`);
      return existsSync(absPath) ? attached(readScript(context, absPath)) : null;
    };
    return parseSqitchPlan(plan.text, plan.path).map((change) => {
      const deploy = path.join(dir.absPath, 'deploy', `${change.scriptName}.sql`);
      if (!existsSync(deploy)) {
        throw new DrydockError(`sqitch.plan names change "${change.name}" but ${repoPath(context.root, deploy)} does not exist`, {
          position: { path: plan.path, line: change.line },
          fix: 'add the deploy script (sqitch add creates all three) or remove the change from the plan',
        });
      }
      return makeMigration('sqitch', readScript(context, deploy), {
        id: change.scriptName,
        description: change.note,
        native: NATIVE_TRANSACTION,
        down: optional('revert', change.scriptName),
        verify: optional('verify', change.scriptName),
      });
    });
  },
};
