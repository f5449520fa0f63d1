/**
 * The two time arguments of --reset-offsets, read exactly as Kafka reads them: --to-datetime with
 * Utils.getDateTime (yyyy-MM-dd'T'HH:mm:ss.SSS, UTC unless a zone follows: Z, +hh, +hhmm, +hh:mm)
 * and --by-duration with java.time.Duration.parse (PnDTnHnMn.nS, signs allowed on each part).
 */

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{1,3})(?:Z|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** Epoch milliseconds of a --to-datetime value; throws Java's messages for what it cannot read. */
export function parseDateTime(text: string): number {
  const parts = text.split('T');
  if (parts.length < 2) throw new Error("Error parsing timestamp. It does not contain a 'T' according to ISO8601 format");
  // Without a zone the time is UTC, as Kafka appends "Z" when the time part has no +, - or Z.
  const zoned = /[+\-Z]/.test(parts[1]!) ? text : `${text}Z`;
  const m = DATETIME.exec(zoned);
  const unparseable = new Error(`Unparseable date: "${zoned}"`);
  if (!m) throw unparseable;
  const [year, month, day, hour, minute, second, millis] = m.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // SimpleDateFormat is strict here (setLenient(false)): February 30th is an error, not March 2nd.
  const d = new Date(utc);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw unparseable;
  }
  const offsetMinutes = m[8] ? (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10] ?? 0)) : 0;
  return utc - offsetMinutes * 60_000;
}

const DURATION = /^([-+]?)P(?:([-+]?\d+)D)?(T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i;

/** Milliseconds in a --by-duration value (ISO-8601 PnDTnHnMn.nS, as java.time.Duration reads it). */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text);
  const invalid = new Error('Text cannot be parsed to a Duration');
  // Java wants at least one amount, and no "T" without an amount after it.
  if (!m || (m[2] === undefined && m[3] === undefined) || m[3]?.toUpperCase() === 'T') throw invalid;
  const n = (s: string | undefined) => (s === undefined ? 0 : Number(s));
  const seconds = n(m[6]);
  const fraction = m[7] ? Number(`0.${m[7]}`) * 1000 * (m[6]?.startsWith('-') ? -1 : 1) : 0;
  const ms = n(m[2]) * 86_400_000 + n(m[4]) * 3_600_000 + n(m[5]) * 60_000 + seconds * 1000 + fraction;
  return Math.trunc(m[1] === '-' ? -ms : ms);
}
