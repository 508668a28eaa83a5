// A deploy in a child process, so a test can kill it with SIGKILL mid-backfill. Runs the compiled
// lib/ (npm test's pretest builds it), as the CLI does, so the child starts quickly even under load.
const { deploy } = require('../../../lib/deploy');

deploy({
  databaseUrl: process.env.DRYDOCK_CHILD_URL,
  cwd: process.env.DRYDOCK_CHILD_DIR,
  dirs: ['.'],
  backup: 'none',
  log: (line) => console.log(line),
}).then(
  (result) => process.exit(result.exitCode),
  (error) => {
    console.error(error);
    process.exit(3);
  },
);
