import { parseRestoreArgs } from '../../src/restore/cli';
import { DrydockError } from '../../src/util/errors';

const target = 'postgres://app:hunter2-secret@db.internal:5432/shop';

describe('parseRestoreArgs', () => {
  it('takes the bucket from an s3:// backup and restores into a new database by default', () => {
    const options = parseRestoreArgs(['--backup', 's3://backups/drydock/shop/20260101T000000000Z-v1.dump', '--target-url', target]);
    expect(options).toMatchObject({ backup: 's3://backups/drydock/shop/20260101T000000000Z-v1.dump', targetUrl: target, overwrite: false });
    expect(options.s3).toEqual({ bucket: 'backups', prefix: undefined, endpoint: undefined, region: undefined, forcePathStyle: false });
  });

  it('needs --bucket for latest, and refuses --overwrite with --new-database', () => {
    expect(() => parseRestoreArgs(['--backup', 'latest', '--target-url', target])).toThrow(/--backup latest needs --bucket/);
    expect(() => parseRestoreArgs(['--backup', 'latest', '--bucket', 'b', '--target-url', target, '--overwrite', '--new-database', 'x'])).toThrow(
      /exclude each other/,
    );
    expect(parseRestoreArgs(['--backup', 'latest', '--bucket', 'b', '--prefix', 'p', '--target-url', target, '--overwrite']).overwrite).toBe(true);
  });

  it('reports bad arguments as DrydockErrors without echoing the URL password', () => {
    const error = (() => {
      try {
        parseRestoreArgs(['--target-url', target, '--bogus']);
      } catch (e) {
        return e as DrydockError;
      }
    })();
    expect(error).toBeInstanceOf(DrydockError);
    expect(error!.format()).toMatch(/Unknown option '--bogus'/);
    expect(error!.format()).not.toContain('hunter2-secret');
    expect(() => parseRestoreArgs(['--backup', 'https://x/y', '--target-url', target])).toThrow(/not an S3 object URL/);
  });
});
