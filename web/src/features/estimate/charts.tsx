// The two estimate charts, drawn as SVG with the same figures as a table beside them for screen
// readers: the LCMCR posterior of the total as a histogram, and each stratum's interval as a bar.
import { useId } from 'react';
import { niceTicks } from '../../lib/chart';
import { useI18n } from '../../i18n';
import type { HistogramBin, StratumEstimate } from './api';

const W = 760;
const H = 280;
const M = { top: 12, right: 16, bottom: 40, left: 52 };

export const whole = (v: number | null | undefined) => (v === null || v === undefined ? '—' : Math.round(v).toLocaleString());

// Ticks for an axis from lo to hi (not from 0).
function rangeTicks(lo: number, hi: number, wanted = 6): number[] {
  const span = Math.max(1, hi - lo);
  const step = niceTicks(span, wanted)[1] ?? 1;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) ticks.push(v);
  return ticks;
}

export function PosteriorChart({ bins, estimate, lower, upper, documented }: {
  bins: HistogramBin[];
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  documented: number;
}) {
  const { t } = useI18n();
  const uid = useId();
  if (bins.length === 0) return null;
  const lo = Math.min(bins[0].lo, documented);
  const hi = bins[bins.length - 1].hi + 1;
  const maxCount = Math.max(...bins.map((b) => b.count));
  const yTicks = niceTicks(maxCount, 4);
  const top = yTicks[yTicks.length - 1];
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (v: number) => M.left + ((v - lo) / Math.max(1, hi - lo)) * plotW;
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  const band = lower !== null ? { x0: x(lower), x1: x(upper ?? hi) } : null;
  return (
    <figure className="chart estimate-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${uid}-t ${uid}-d`} className="chart__svg">
        <title id={`${uid}-t`}>{t('estimate.posterior')}</title>
        <desc id={`${uid}-d`}>{t('estimate.posterior_desc')}</desc>
        {band && <rect x={band.x0} y={M.top} width={Math.max(1, band.x1 - band.x0)} height={plotH} className="estimate-chart__band" />}
        {yTicks.map((v) => (
          <g key={v} className="chart__tick">
            <line x1={M.left} x2={W - M.right} y1={y(v)} y2={y(v)} className="chart__grid" />
            <text x={M.left - 6} y={y(v)} dy="0.32em" textAnchor="end">{v}</text>
          </g>
        ))}
        {bins.map((b) => (
          <rect key={b.lo} x={x(b.lo)} y={y(b.count)} width={Math.max(1, x(b.hi + 1) - x(b.lo) - 1)}
            height={Math.max(0, y(0) - y(b.count))} className="series-0">
            <title>{`${t('estimate.bin', { lo: b.lo, hi: b.hi })}: ${b.count}`}</title>
          </rect>
        ))}
        {rangeTicks(lo, hi).map((v) => (
          <text key={v} x={x(v)} y={H - M.bottom + 16} textAnchor="middle" className="chart__year">{v.toLocaleString()}</text>
        ))}
        <line x1={x(documented)} x2={x(documented)} y1={M.top} y2={y(0)} className="estimate-chart__documented" />
        {estimate !== null && <line x1={x(estimate)} x2={x(estimate)} y1={M.top} y2={y(0)} className="estimate-chart__median" />}
        <line x1={M.left} x2={W - M.right} y1={y(0)} y2={y(0)} className="chart__axis" />
      </svg>
      <figcaption className="estimate-chart__legend">
        <span><svg width="14" height="12" aria-hidden="true" focusable="false"><rect width="14" height="12" className="estimate-chart__band" /></svg>{t('estimate.interval')}</span>
        <span><svg width="14" height="12" aria-hidden="true" focusable="false"><line x1="7" x2="7" y1="0" y2="12" className="estimate-chart__median" /></svg>{t('estimate.estimated_lcmcr')}</span>
        <span><svg width="14" height="12" aria-hidden="true" focusable="false"><line x1="7" x2="7" y1="0" y2="12" className="estimate-chart__documented" /></svg>{t('estimate.documented')}</span>
      </figcaption>
      <details className="chart__table">
        <summary>{t('estimate.as_table')}</summary>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('estimate.posterior')}</caption>
            <thead>
              <tr><th scope="col">{t('estimate.estimated')}</th><th scope="col">{t('estimate.draws')}</th></tr>
            </thead>
            <tbody>
              {bins.map((b) => (
                <tr key={b.lo}><th scope="row">{b.lo === b.hi ? b.lo : `${b.lo}–${b.hi}`}</th><td className="num">{b.count}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

const ROW = 30;

export function StratumIntervals({ strata, label }: { strata: StratumEstimate[]; label: (s: string) => string }) {
  const { t } = useI18n();
  const uid = useId();
  const left = 150;
  const h = M.top + strata.length * ROW + M.bottom;
  const values = strata.flatMap((s) => [s.n_observed, s.lower ?? s.n_observed, s.upper ?? s.estimate ?? s.n_observed, s.estimate ?? 0]);
  const hi = Math.max(1, ...values) * 1.05;
  const plotW = W - left - M.right;
  const x = (v: number) => left + (v / hi) * plotW;
  return (
    <figure className="chart estimate-chart">
      <svg viewBox={`0 0 ${W} ${h}`} role="img" aria-labelledby={`${uid}-t ${uid}-d`} className="chart__svg">
        <title id={`${uid}-t`}>{t('estimate.by_stratum')}</title>
        <desc id={`${uid}-d`}>{t('estimate.by_stratum_desc')}</desc>
        {niceTicks(hi, 6).filter((v) => v <= hi).map((v) => (
          <g key={v} className="chart__tick">
            <line x1={x(v)} x2={x(v)} y1={M.top} y2={h - M.bottom} className="chart__grid" />
            <text x={x(v)} y={h - M.bottom + 16} textAnchor="middle">{v.toLocaleString()}</text>
          </g>
        ))}
        {strata.map((s, i) => {
          const cy = M.top + i * ROW + ROW / 2;
          const upper = s.upper ?? hi;
          return (
            <g key={s.stratum}>
              <text x={left - 8} y={cy} dy="0.32em" textAnchor="end" className="estimate-chart__label">{label(s.stratum)}</text>
              {s.lower !== null && (
                <rect x={x(s.lower)} y={cy - 6} width={Math.max(2, x(upper) - x(s.lower))} height={12}
                  className={s.upper === null ? 'estimate-chart__bar estimate-chart__bar--open' : 'estimate-chart__bar'}>
                  <title>{`${label(s.stratum)}: ${t('estimate.interval')} ${whole(s.lower)} – ${s.upper === null ? t('estimate.no_limit') : whole(s.upper)}`}</title>
                </rect>
              )}
              <line x1={x(s.n_observed)} x2={x(s.n_observed)} y1={cy - 10} y2={cy + 10} className="estimate-chart__documented" />
              {s.estimate !== null && <circle cx={x(s.estimate)} cy={cy} r={5} className="estimate-chart__dot" />}
            </g>
          );
        })}
      </svg>
      <details className="chart__table">
        <summary>{t('estimate.as_table')}</summary>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('estimate.by_stratum')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('estimate.stratum')}</th>
                <th scope="col">{t('estimate.documented')}</th>
                <th scope="col">{t('estimate.estimated')}</th>
                <th scope="col">{t('estimate.interval')}</th>
              </tr>
            </thead>
            <tbody>
              {strata.map((s) => (
                <tr key={s.stratum}>
                  <th scope="row">{label(s.stratum)}</th>
                  <td className="num">{whole(s.n_observed)}</td>
                  <td className="num">{whole(s.estimate)}</td>
                  <td className="num">{t('estimate.interval_value', { lower: whole(s.lower), upper: s.upper === null ? t('estimate.no_limit') : whole(s.upper) })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
