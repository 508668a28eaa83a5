/**
 * Durations, sizes and counts as every output writes them (text, PR comment, estimates, deploy and
 * apply logs): one spelling, so the same hold time reads the same in the log and the comment.
 */

/** "<1 ms", "840 ms", "3.2 s", "45 s", "4 min 10 s", "2 h 5 min". */
export function formatMs(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const totalSeconds = Math.round(s);
  if (totalSeconds < 3600) {
    const sec = totalSeconds % 60;
    return `${Math.floor(totalSeconds / 60)} min${sec ? ` ${sec} s` : ''}`;
  }
  const totalMinutes = Math.round(totalSeconds / 60);
  const min = totalMinutes % 60;
  return `${Math.floor(totalMinutes / 60)} h${min ? ` ${min} min` : ''}`;
}

/** "512 B", "4.3 kB", "75 kB", "1.2 GB"; "—" when unknown. Binary multiples, as PostgreSQL's pg_size_pretty. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? Math.round(value) : value.toFixed(Math.abs(value) < 10 ? 1 : 0)} ${units[unit]}`;
}

/** "950", "1.5 k", "42 k", "3.1 M", "2.0 G". */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e4 ? 0 : 1)} k`;
  return String(Math.round(n));
}
