const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$/;

/**
 * An RFC 3339 time as UTC with a `Z`, keeping the provider's fractional digits (GCP writes nanoseconds,
 * Azure 100-nanosecond ticks; a JS Date would cut both to milliseconds). Times without a zone are read
 * as UTC only when `assumeUtc` says the source documents them so (Log Analytics datetimes are UTC).
 * Returns undefined for anything else.
 */
export function toUtcTime(text: string, options: { assumeUtc?: boolean } = {}): string | undefined {
  const match = RFC3339.exec(text);
  if (match === null) return undefined;
  const [, date, clock, fraction = '', zone] = match;
  if (zone === undefined && options.assumeUtc !== true) return undefined;
  const wholeSeconds = Date.parse(`${date}T${clock}${zone === undefined || zone.toUpperCase() === 'Z' ? 'Z' : zone}`);
  if (Number.isNaN(wholeSeconds)) return undefined;
  return `${new Date(wholeSeconds).toISOString().slice(0, 19)}${fraction}Z`;
}

/** A UTC time with its fraction padded to nanoseconds, so that equal instants written with different precision compare equal. */
export function toNanosecondKey(utc: string): string {
  const dot = utc.indexOf('.');
  if (dot === -1) return `${utc.slice(0, -1)}.000000000Z`;
  const fraction = utc.slice(dot + 1, -1);
  return `${utc.slice(0, dot)}.${fraction.padEnd(9, '0').slice(0, 9)}Z`;
}
