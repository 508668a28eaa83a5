import { backupKey, databasePrefix, parseBackupKey } from '../../src/deploy/backup/keys';
import { nameWithSuffix } from '../../src/restore/databases';

describe('backup key layout', () => {
  const at = new Date(Date.UTC(2026, 10, 25, 10, 15, 0, 123));

  it('is prefix/db/timestamp-version.dump, sortable by age, and parses back', () => {
    const key = backupKey('/drydock/backups/', 'shop', at, '20240101_add_orders');
    expect(key).toBe('drydock/backups/shop/20261125T101500123Z-20240101_add_orders.dump');
    expect(parseBackupKey(key)).toEqual({ createdAt: at, version: '20240101_add_orders', database: 'shop' });
    expect(backupKey(undefined, 'shop', new Date(at.getTime() + 1), 'a') > backupKey(undefined, 'shop', at, 'z')).toBe(true);
  });

  it('keeps versions to safe characters and names unversioned backups "manual"', () => {
    expect(backupKey('', 'shop', at, 'V2__add users/orders')).toBe('shop/20261125T101500123Z-V2__add_users_orders.dump');
    expect(backupKey('', 'shop', at, undefined)).toBe('shop/20261125T101500123Z-manual.dump');
    expect(databasePrefix('', 'shop')).toBe('shop/');
  });

  it('ignores objects that do not follow the layout', () => {
    expect(parseBackupKey('drydock/shop/README.txt')).toBeNull();
    expect(parseBackupKey('drydock/shop/.drydock-write-probe-abc')).toBeNull();
    expect(parseBackupKey('2026-backup.dump')).toBeNull();
  });
});

describe('restore database names', () => {
  it('shortens the base so the name fits 63 bytes', () => {
    const name = nameWithSuffix('d'.repeat(80), '_restore_20261125T101500');
    expect(Buffer.byteLength(name)).toBe(63);
    expect(name.endsWith('_restore_20261125T101500')).toBe(true);
  });
});
