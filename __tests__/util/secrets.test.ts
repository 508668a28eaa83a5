import { clearSecretsForTest, describeUrl, redact, registerSecret } from '../../src/util/secrets';

afterEach(clearSecretsForTest);

describe('redact', () => {
  it('removes a registered URL, its password in every form, and its user:password pair', () => {
    registerSecret('postgres://deploy:p%40ss-w0rd@db.internal:5432/app');
    const text = 'url postgres://deploy:p%40ss-w0rd@db.internal:5432/app, pw p@ss-w0rd, enc p%40ss-w0rd, pair deploy:p%40ss-w0rd';
    const out = redact(text);
    expect(out).not.toMatch(/p@ss-w0rd|p%40ss-w0rd/);
    expect(out).toContain('url ***');
  });

  it('strips credentials from any URL and password-like key=value pairs', () => {
    expect(redact('connect postgres://a:b3@host/db failed')).toBe('connect postgres://a:***@host/db failed');
    expect(redact('host=db password=hunter2 user=x')).toBe('host=db password=*** user=x');
    expect(redact('token: "abc123"')).toBe('token: ***');
    expect(redact('Authorization: token ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaa')).not.toContain('ghp_');
  });

  it('hides role passwords in SQL but leaves columns named like secrets alone', () => {
    expect(redact("CREATE ROLE app LOGIN PASSWORD 'hunter2';")).toBe('CREATE ROLE app LOGIN PASSWORD ***;');
    expect(redact("UPDATE users SET password = 'hunter2'")).toBe('UPDATE users SET password = ***');
    expect(redact('UPDATE sessions SET token = NULL WHERE secret = secret_v2')).toBe('UPDATE sessions SET token = NULL WHERE secret = secret_v2');
  });

  it('picks up secrets registered after an earlier call', () => {
    expect(redact('abcd-canary')).toBe('abcd-canary');
    registerSecret('abcd-canary');
    expect(redact('x abcd-canary y')).toBe('x *** y');
  });
});

describe('describeUrl', () => {
  it('keeps host, port and database only', () => {
    expect(describeUrl('postgres://u:pw@db:5432/app?sslmode=require')).toBe('postgres://db:5432/app');
    expect(describeUrl('not a url')).toBe('(unparseable URL)');
  });
});
