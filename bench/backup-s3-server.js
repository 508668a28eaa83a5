'use strict';
/**
 * s3rver in its own process for bench/backup.js, so the S3 server does not share the benchmark's
 * event loop with the upload it measures. Prints the port on stdout, serves until killed.
 */
const S3rver = require('s3rver');

const [directory] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: 'backups' }] });
server.run().then((address) => process.stdout.write(`${address.port}\n`));
