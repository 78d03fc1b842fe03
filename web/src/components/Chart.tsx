// Stacked bar chart of incidents by year and type, drawn as SVG; the same figures follow as a table
// for screen readers and for anyone who prefers numbers.
import { useId } from 'react';
import { useI18n } from '../i18n';
import { labelEvery, niceTicks, OTHER, stackByYear, type TypeYearCount } from '../lib/chart';
import { useReference } from '../state/reference';

const W = 760;
const H = 300;
const M = { top: 12, right: 12, bottom: 34, left: 44 };

export function IncidentChart({ rows }: { rows: TypeYearCount[] }) {
  const { t } = useI18n();
  const ref = useReference();
  const uid = useId();
  const chart = stackByYear(rows);
  if (chart.years.length === 0) return <p>{t('dash.chart_empty')}</p>;
  const seriesLabel = (s: string) => (s === OTHER ? t('dash.other_types') : ref.label('incident_types', s));
  const ticks = niceTicks(chart.max);
  const top = ticks[ticks.length - 1];
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const band = plotW / chart.years.length;
  const barW = Math.max(2, Math.min(48, band * 0.72));
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  const every = labelEvery(chart.years.length, Math.floor(plotW / 44));
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${uid}-t ${uid}-d`} className="chart__svg">
        <title id={`${uid}-t`}>{t('dash.chart_title')}</title>
        <desc id={`${uid}-d`}>{t('dash.chart_desc')}</desc>
        {ticks.map((v) => (
          <g key={v} className="chart__tick">
            <line x1={M.left} x2={W - M.right} y1={y(v)} y2={y(v)} className="chart__grid" />
            <text x={M.left - 6} y={y(v)} dy="0.32em" textAnchor="end">{v}</text>
          </g>
        ))}
        {chart.years.map((year, i) => {
          const x = M.left + i * band + (band - barW) / 2;
          let acc = 0;
          return (
            <g key={year}>
              {chart.values[i].map((v, s) => {
                if (v === 0) return null;
                const y0 = y(acc);
                acc += v;
                const y1 = y(acc);
                return (
                  <rect key={s} x={x} y={y1} width={barW} height={Math.max(0, y0 - y1)} className={`series-${s}`}>
                    <title>{`${year} · ${seriesLabel(chart.series[s])}: ${v}`}</title>
                  </rect>
                );
              })}
              {i % every === 0 && (
                <text x={x + barW / 2} y={H - M.bottom + 16} textAnchor="middle" className="chart__year">{year}</text>
              )}
            </g>
          );
        })}
        <line x1={M.left} x2={W - M.right} y1={y(0)} y2={y(0)} className="chart__axis" />
      </svg>
      <figcaption>
        <ul className="chart__legend">
          {chart.series.map((s, i) => (
            <li key={s}>
              <svg width="12" height="12" aria-hidden="true" focusable="false"><rect width="12" height="12" rx="2" className={`series-${i}`} /></svg>
              {seriesLabel(s)}
            </li>
          ))}
        </ul>
      </figcaption>
      <details className="chart__table">
        <summary>{t('dash.as_table')}</summary>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('dash.chart_title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dash.year')}</th>
                {chart.series.map((s) => <th scope="col" key={s}>{seriesLabel(s)}</th>)}
                <th scope="col">{t('dash.total')}</th>
              </tr>
            </thead>
            <tbody>
              {chart.years.map((year, i) => (
                <tr key={year}>
                  <th scope="row">{year}</th>
                  {chart.values[i].map((v, s) => <td key={s} className="num">{v}</td>)}
                  <td className="num">{chart.totals[i]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
