// Arranging the dashboard's "incidents by type and year" figures for a stacked bar chart.
// Pure, unit-tested in test/chart.test.ts.

export interface TypeYearCount {
  type: string;
  year: number;
  count: number;
}

export interface StackedChart {
  years: number[]; // every year from the first to the last, gaps included
  series: string[]; // type codes, most frequent first; OTHER last when types were folded
  values: number[][]; // values[yearIndex][seriesIndex]
  totals: number[]; // per year
  max: number;
}

export const OTHER = '__other__';

export function stackByYear(rows: TypeYearCount[], maxSeries = 7): StackedChart {
  const clean = rows.filter((r) => Number.isFinite(r.year) && r.count > 0);
  if (clean.length === 0) return { years: [], series: [], values: [], totals: [], max: 0 };
  const byType = new Map<string, number>();
  for (const r of clean) byType.set(r.type, (byType.get(r.type) ?? 0) + r.count);
  const ranked = [...byType.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
  const fold = ranked.length > maxSeries;
  const kept = fold ? ranked.slice(0, maxSeries - 1) : ranked;
  const series = fold ? [...kept, OTHER] : kept;
  const minYear = Math.min(...clean.map((r) => r.year));
  const maxYear = Math.max(...clean.map((r) => r.year));
  const years: number[] = [];
  for (let y = minYear; y <= maxYear; y++) years.push(y);
  const values = years.map(() => series.map(() => 0));
  for (const r of clean) {
    let s = series.indexOf(r.type);
    if (s < 0) s = series.length - 1; // folded into OTHER
    values[r.year - minYear][s] += r.count;
  }
  const totals = values.map((v) => v.reduce((a, b) => a + b, 0));
  return { years, series, values, totals, max: Math.max(...totals) };
}

// Round axis ticks: 0, step, 2·step, ... covering max, with step 1, 2 or 5 × 10^n.
export function niceTicks(max: number, wanted = 5): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / wanted;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const s = Math.max(1, step);
  const top = Math.ceil(max / s) * s;
  const ticks: number[] = [];
  for (let v = 0; v <= top + 1e-9; v += s) ticks.push(Math.round(v));
  return ticks;
}

// Which year labels to print so they do not overlap: every n-th.
export function labelEvery(count: number, room: number): number {
  return Math.max(1, Math.ceil(count / Math.max(1, room)));
}
