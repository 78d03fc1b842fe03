// Partial dates as the server writes them (src/domain/partial_date.h): "1985", "1985-03",
// "1985-03-08", with a trailing "~" when approximate. Mirrors the server's parser so a form can
// say what is wrong before saving; the server checks again.

export type DatePrecision = 'year' | 'month' | 'day';

export interface PartialDate {
  year: number;
  month: number; // 0 when precision is 'year'
  day: number; // 0 unless precision is 'day'
  precision: DatePrecision;
  approximate: boolean;
}

export type DateProblem =
  | 'year_digits' // the year must have four digits
  | 'after_year' // unexpected characters after the year
  | 'month_range' // the month must be 01 to 12
  | 'after_month' // unexpected characters after the month
  | 'no_such_day' // no such day in that month
  | 'before_1850'
  | 'in_future';

export type ParseResult = { ok: true; date: PartialDate } | { ok: false; problem: DateProblem };

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  const days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return m === 2 && isLeapYear(y) ? 29 : days[m - 1];
}

function digits(s: string, width: number): number | null {
  if (s.length !== width || !/^[0-9]+$/.test(s)) return null;
  return Number(s);
}

export function parsePartialDate(input: string): ParseResult {
  let text = input;
  let approximate = false;
  if (text.endsWith('~')) {
    approximate = true;
    text = text.slice(0, -1);
  }
  const year = digits(text.slice(0, 4), 4);
  if (year === null || year < 1) return { ok: false, problem: 'year_digits' };
  if (text.length === 4) return { ok: true, date: { year, month: 0, day: 0, precision: 'year', approximate } };
  if (text.length < 7 || text[4] !== '-') return { ok: false, problem: 'after_year' };
  const month = digits(text.slice(5, 7), 2);
  if (month === null || month < 1 || month > 12) return { ok: false, problem: 'month_range' };
  if (text.length === 7) return { ok: true, date: { year, month, day: 0, precision: 'month', approximate } };
  if (text.length !== 10 || text[7] !== '-') return { ok: false, problem: 'after_month' };
  const day = digits(text.slice(8, 10), 2);
  if (day === null || day < 1 || day > daysInMonth(year, month)) return { ok: false, problem: 'no_such_day' };
  return { ok: true, date: { year, month, day, precision: 'day', approximate } };
}

export function formatPartialDate(d: PartialDate): string {
  const p = (n: number, w: number) => String(n).padStart(w, '0');
  let s = p(d.year, 4);
  if (d.precision !== 'year') s += `-${p(d.month, 2)}`;
  if (d.precision === 'day') s += `-${p(d.day, 2)}`;
  return d.approximate ? `${s}~` : s;
}

// Days since 1970-01-01 (proleptic Gregorian): Howard Hinnant's days_from_civil, as the server.
export function daysFromCivil(year: number, m: number, d: number): number {
  const y = m <= 2 ? year - 1 : year;
  const era = Math.floor((y >= 0 ? y : y - 399) / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function earliestDay(d: PartialDate): number {
  return daysFromCivil(d.year, d.precision === 'year' ? 1 : d.month, d.precision === 'day' ? d.day : 1);
}

export function latestDay(d: PartialDate): number {
  if (d.precision === 'year') return daysFromCivil(d.year, 12, 31);
  if (d.precision === 'month') return daysFromCivil(d.year, d.month, daysInMonth(d.year, d.month));
  return daysFromCivil(d.year, d.month, d.day);
}

export function todayDays(now: Date = new Date()): number {
  return Math.floor(now.getTime() / 86400000);
}

// Parses and applies the server's rules for record dates: not before 1850, not in the future.
export function checkRecordDate(input: string, today: number = todayDays()): ParseResult {
  const r = parsePartialDate(input.trim());
  if (!r.ok) return r;
  if (r.date.year < 1850) return { ok: false, problem: 'before_1850' };
  if (earliestDay(r.date) > today) return { ok: false, problem: 'in_future' };
  return r;
}

// Orders dates as the server does: by earliest day, then latest day, exact before approximate.
export function comparePartialDates(a: PartialDate, b: PartialDate): number {
  return earliestDay(a) - earliestDay(b) || latestDay(a) - latestDay(b) || Number(a.approximate) - Number(b.approximate);
}

// Sort key for a date string; unparseable or missing dates sort last.
export function dateSortKey(text: string | null | undefined): number {
  if (!text) return Number.MAX_SAFE_INTEGER;
  const r = parsePartialDate(text);
  return r.ok ? earliestDay(r.date) : Number.MAX_SAFE_INTEGER;
}

export function yearOf(text: string | null | undefined): number | null {
  if (!text) return null;
  const r = parsePartialDate(text);
  return r.ok ? r.date.year : null;
}
