import { compareDigits, compareFlywayVersions, flywayVersionParts } from '../../src/discover/ordering';

const sortWith = (values: string[], compare: (a: string, b: string) => number) => [...values].sort(compare);

describe('version ordering', () => {
  it('compares leading digits as unbounded integers', () => {
    expect(sortWith(['10', '9', '0002', '1'], compareDigits)).toEqual(['1', '0002', '9', '10']);
    expect(compareDigits('007', '7')).toBe(0);
    expect(compareDigits('18446744073709551616', '18446744073709551615')).toBeGreaterThan(0);
  });

  it('orders Flyway versions numerically per part: V2 < V10 < V10.1, 1.9 < 1.10', () => {
    expect(sortWith(['10.1', '10', '2', '1.10', '1.9', '1'], compareFlywayVersions)).toEqual(['1', '1.9', '1.10', '2', '10', '10.1']);
  });

  it('treats "_" like "." and ignores trailing zero parts', () => {
    expect(compareFlywayVersions('1_1', '1.1')).toBe(0);
    expect(compareFlywayVersions('1.0', '1')).toBe(0);
    expect(compareFlywayVersions('01.002', '1.2')).toBe(0);
    expect(flywayVersionParts('2_0_1')).toEqual(['2', '0', '1']);
  });
});
