/** Java's printf number formats and SimpleDateFormat patterns, for tools whose output Kafka fixed. */

/** `%.Nf`: Java rounds half-up on the decimal value; toFixed is within an ulp of that. */
export function fixed(n: number, digits: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
  return n.toFixed(digits);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * A SimpleDateFormat subset in local time: y, M, d, H, h, m, s, S, a, and 'quoted' literals.
 * Enough for kafka-consumer-perf-test.sh's --date-format (default yyyy-MM-dd HH:mm:ss:SSS).
 */
export function formatDate(ms: number, pattern: string): string {
  const d = new Date(ms);
  let out = '';
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      const literal = end < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      out += literal === '' ? "'" : literal;
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) {
      out += ch;
      i++;
      continue;
    }
    let run = 1;
    while (pattern[i + run] === ch) run++;
    i += run;
    switch (ch) {
      case 'y':
        out += run === 2 ? pad(d.getFullYear() % 100, 2) : pad(d.getFullYear(), run);
        break;
      case 'M':
        out += pad(d.getMonth() + 1, run);
        break;
      case 'd':
        out += pad(d.getDate(), run);
        break;
      case 'H':
        out += pad(d.getHours(), run);
        break;
      case 'h':
        out += pad(d.getHours() % 12 || 12, run);
        break;
      case 'm':
        out += pad(d.getMinutes(), run);
        break;
      case 's':
        out += pad(d.getSeconds(), run);
        break;
      case 'S':
        out += pad(d.getMilliseconds(), run);
        break;
      case 'a':
        out += d.getHours() < 12 ? 'AM' : 'PM';
        break;
      default:
        throw new Error(`Illegal pattern character '${ch}'`);
    }
  }
  return out;
}
