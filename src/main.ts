/** The Action's entry point (dist/index.js): run it, turn the outcome into the step's result. */
import * as core from '@actions/core';
import { runAction } from './action/run';
import { httpStatus } from './github/client';
import { isDrydockError } from './util/errors';
import { redact } from './util/secrets';

runAction().then(
  (exitCode) => {
    if (exitCode !== 0) core.setFailed(`drydock exited with code ${exitCode}: see the job summary for the findings`);
  },
  (error: unknown) => {
    // User errors get their formatted message, and so does GitHub failing after the client's retries
    // (an outage, not a drydock bug); anything else is a bug and keeps its stack.
    const status = httpStatus(error);
    const message = isDrydockError(error)
      ? error.format()
      : status !== null
        ? `GitHub API request failed with HTTP ${status}: ${(error as Error).message} (server errors and rate limits were retried first)\n` +
          'fix: check the token and its permissions; for a GitHub outage, re-run the job later'
        : ((error as Error).stack ?? String(error));
    core.setFailed(redact(message));
  },
);
