/** The Action's entry point (dist/index.js): run it, turn the outcome into the step's result. */
import * as core from '@actions/core';
import { runAction } from './action/run';
import { isDrydockError } from './util/errors';
import { redact } from './util/secrets';

runAction().then(
  (exitCode) => {
    if (exitCode !== 0) core.setFailed(`drydock exited with code ${exitCode}: see the job summary for the findings`);
  },
  (error: unknown) => {
    // User errors get their formatted message; anything else is a bug and keeps its stack.
    const message = isDrydockError(error) ? error.format() : ((error as Error).stack ?? String(error));
    core.setFailed(redact(message));
  },
);
