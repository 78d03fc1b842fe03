import { describe, expect, it } from 'vitest';
import {
  checkRecordDate, comparePartialDates, daysFromCivil, earliestDay, formatPartialDate, latestDay, parsePartialDate,
} from '../src/lib/dates';

describe('parsePartialDate', () => {
  it('reads year, month and day precision, with ~ for approximate', () => {
    expect(parsePartialDate('1985')).toEqual({ ok: true, date: { year: 1985, month: 0, day: 0, precision: 'year', approximate: false } });
    expect(parsePartialDate('1985-03')).toEqual({ ok: true, date: { year: 1985, month: 3, day: 0, precision: 'month', approximate: false } });
    expect(parsePartialDate('1985-03~')).toEqual({ ok: true, date: { year: 1985, month: 3, day: 0, precision: 'month', approximate: true } });
    expect(parsePartialDate('2012-02-08')).toEqual({ ok: true, date: { year: 2012, month: 2, day: 8, precision: 'day', approximate: false } });
    expect(parsePartialDate('1985~')).toMatchObject({ ok: true, date: { precision: 'year', approximate: true } });
  });

  it('names what is wrong, as the server does', () => {
    expect(parsePartialDate('85')).toEqual({ ok: false, problem: 'year_digits' });
    expect(parsePartialDate('')).toEqual({ ok: false, problem: 'year_digits' });
    expect(parsePartialDate('0000')).toEqual({ ok: false, problem: 'year_digits' });
    expect(parsePartialDate('198a')).toEqual({ ok: false, problem: 'year_digits' });
    expect(parsePartialDate('1985/03')).toEqual({ ok: false, problem: 'after_year' });
    expect(parsePartialDate('1985-3')).toEqual({ ok: false, problem: 'after_year' });
    expect(parsePartialDate('1985-13')).toEqual({ ok: false, problem: 'month_range' });
    expect(parsePartialDate('1985-00')).toEqual({ ok: false, problem: 'month_range' });
    expect(parsePartialDate('1985-03-1')).toEqual({ ok: false, problem: 'after_month' });
    expect(parsePartialDate('2011-02-29')).toEqual({ ok: false, problem: 'no_such_day' });
    expect(parsePartialDate('2011-04-31')).toEqual({ ok: false, problem: 'no_such_day' });
    expect(parsePartialDate('1985~~')).toEqual({ ok: false, problem: 'after_year' });
    expect(parsePartialDate(' 1985')).toEqual({ ok: false, problem: 'year_digits' });
  });

  it('knows leap years', () => {
    expect(parsePartialDate('2012-02-29').ok).toBe(true);
    expect(parsePartialDate('2000-02-29').ok).toBe(true);
    expect(parsePartialDate('1900-02-29').ok).toBe(false);
  });

  it('writes back what it read', () => {
    for (const s of ['1985', '1985-03', '1985-03~', '2012-02-08', '2012-02-08~', '0999']) {
      const r = parsePartialDate(s);
      expect(r.ok && formatPartialDate(r.date)).toBe(s);
    }
  });
});

describe('day arithmetic', () => {
  it('matches days_from_civil', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(11017);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
    expect(daysFromCivil(1850, 1, 1)).toBe(-43829);
  });

  it('spans the whole period a partial date can mean', () => {
    const y = parsePartialDate('2012');
    const m = parsePartialDate('2012-02');
    if (!y.ok || !m.ok) throw new Error('parse');
    expect(latestDay(y.date) - earliestDay(y.date)).toBe(365);
    expect(latestDay(m.date) - earliestDay(m.date)).toBe(28);
  });

  it('orders dates by earliest day, then latest, exact before approximate', () => {
    const d = (s: string) => {
      const r = parsePartialDate(s);
      if (!r.ok) throw new Error(s);
      return r.date;
    };
    expect(comparePartialDates(d('2012'), d('2012-01'))).toBeGreaterThan(0);
    expect(comparePartialDates(d('2011-12-31'), d('2012'))).toBeLessThan(0);
    expect(comparePartialDates(d('2012'), d('2012~'))).toBeLessThan(0);
    expect(comparePartialDates(d('2012-02'), d('2012-02'))).toBe(0);
  });
});

describe('checkRecordDate', () => {
  const today = daysFromCivil(2024, 6, 15);
  it('rejects dates before 1850 and in the future', () => {
    expect(checkRecordDate('1849', today)).toEqual({ ok: false, problem: 'before_1850' });
    expect(checkRecordDate('1850', today).ok).toBe(true);
    expect(checkRecordDate('2024-06-16', today)).toEqual({ ok: false, problem: 'in_future' });
    expect(checkRecordDate('2024-06-15', today).ok).toBe(true);
    // The year 2024 begins before today, so it may be given although it ends later.
    expect(checkRecordDate('2024', today).ok).toBe(true);
    expect(checkRecordDate('2025', today)).toEqual({ ok: false, problem: 'in_future' });
  });
  it('ignores surrounding spaces', () => {
    expect(checkRecordDate(' 1985-03~ ', today).ok).toBe(true);
  });
});
