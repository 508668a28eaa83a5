/**
 * scanComments must find exactly the comments PostgreSQL's lexer finds (libpg-query's scanner is
 * the oracle here), including where a `--` or `/*` is not a comment.
 */
import { loadParser, scannerComments } from '../../src/parse/parser';
import { scanComments } from '../../src/parse/comments';

beforeAll(loadParser);

const CASES: [string, string][] = [
  ['a line comment', 'SELECT 1 -- note\n'],
  ['markers inside standard strings', "SELECT '--not', 'a''--b', '/* no */' /* yes */ -- tail"],
  ['backslash escapes in E strings', "SELECT E'it\\'s -- not', e'\\\\' -- yes"],
  ['a dollar-quoted body', 'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 -- inside $$; -- outside'],
  ['a tagged dollar quote holding other tags', 'DO $body$ BEGIN /* x */ PERFORM $a$ -- $a$; END $body$ /* after */'],
  ['$ inside identifiers is not a dollar quote', 'SELECT foo$bar$ -- c\n, x$ /* d */'],
  ['parameters', 'PREPARE p AS SELECT $1 -- c\n + $2'],
  ['quoted identifiers', 'SELECT "a--b", "x""--y" /* c */ FROM "t/*u*/"'],
  ['nested block comments', 'SELECT 1 /* a /* b */ c */ + 2'],
  ['a string continued on the next line, with a comment between', "SELECT 'a' -- c1\n'b' -- c2"],
  ['a continuation after blank lines and a comment line', "SELECT 'a'\n\n  -- c1\n  'b', 'x' 'y' -- c2"],
  ['no continuation without a newline', "SELECT 'a' /* c */ 'b'"],
  ['Unicode escapes', "SELECT U&'d\\0061t -- a', U&\"x--y\" -- c"],
  ['bit, hex and national strings', "SELECT B'01', X'1F', N'x--y' -- c"],
  ['comments cut operators short', 'SELECT 1--2\n, 2/*x*/*3, 4 +--5\n6'],
  ['non-ASCII text', "SELECT 'é' -- ü\n, \"ß--\" /* ✓ 𝄞 */, '𝄞--'"],
  ['semicolons are not code', 'SELECT 1; -- c\n;'],
  ['comments only', '-- a\n/* b */'],
  ['an identifier starting with e, b, x, n or u', "SELECT e1, b_c, x2 -- c\n FROM u, n"],
];

describe('scanComments agrees with the PostgreSQL scanner', () => {
  test.each(CASES)('%s', (_name, sql) => {
    expect(scanComments(sql)).toEqual(scannerComments(sql));
  });

  it('lexes a range of a larger text, with offsets into that text', () => {
    const text = "SELECT 1;\nSELECT '--' -- c\n;";
    const from = text.indexOf('\n') + 1;
    const expected = scannerComments(text.slice(from));
    const shift = (s: { start: number; end: number }) => ({ start: s.start + from, end: s.end + from });
    expect(scanComments(text, from, text.length)).toEqual({ comments: expected.comments.map(shift), code: shift(expected.code!) });
  });

  it('gives up (null) on text that ends inside a string, identifier, dollar quote or comment', () => {
    for (const sql of ["SELECT 'a", 'SELECT "a', 'SELECT $$ a', 'SELECT 1 /* a /* b */']) expect(scanComments(sql)).toBeNull();
  });
});
