// Multiple systems estimation: choose the lists, strata and method, run the estimate on the server
// (a job polled until done), then read the documented count beside the estimate and its interval,
// the LCMCR posterior, the estimates by stratum, the diagnostics and the cautions.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/errors';
import { Field, FieldGroup, PageTitle, VocabSelect, errorText } from '../../components/ui';
import { useI18n, type T } from '../../i18n';
import type { MessageKey } from '../../i18n/messages';
import { useTitle } from '../../lib/useTitle';
import { useReference } from '../../state/reference';
import { useSession } from '../../state/session';
import { STRATA, estimateApi, type EstimateJob, type EstimateRequest, type Method, type StratumEstimate } from './api';
import { PosteriorChart, StratumIntervals, whole } from './charts';

const POLL_MS = 600;

export function mayEstimate(role: string | undefined): boolean {
  return role === 'administrator' || role === 'case_officer' || role === 'analyst';
}

// "year=2019,province=kp-nh" -> "2019 · North Hamgyong" in the reader's language.
function useStratumLabel(): (s: string) => string {
  const { t } = useI18n();
  const ref = useReference();
  return (s: string) => {
    if (s === 'all') return t('estimate.stratum_all');
    return s
      .split(',')
      .map((part) => {
        const [key, value] = part.split('=');
        if (value === undefined || value === 'unknown') return value ?? part;
        if (key === 'incident_type') return ref.label('incident_types', value);
        if (key === 'sex') return ref.label('sexes', value);
        if (key === 'province' || key === 'origin_province') return ref.placeLabel(value);
        return value;
      })
      .join(' · ');
  };
}

function cautionText(t: T, code: string, values: Record<string, string>, fallback: string): string {
  const key = `estimate.caution.${code}` as MessageKey;
  const text = t(key, values);
  return text === key ? fallback : text;
}

function intNumber(text: string): number | undefined {
  const n = Number(text);
  return text.trim() === '' || !Number.isInteger(n) ? undefined : n;
}

export function EstimatePage() {
  const { t } = useI18n();
  const { user } = useSession();
  useTitle(t('estimate.title'));
  const [from, setFrom] = useState<'database' | 'patterns'>('database');
  const [listBy, setListBy] = useState<'publisher' | 'source'>('publisher');
  const [incidentType, setIncidentType] = useState('');
  const [strata, setStrata] = useState<string[]>([]);
  const [csv, setCsv] = useState('');
  const [csvStrata, setCsvStrata] = useState('');
  const [method, setMethod] = useState<Method>('loglinear');
  const [select, setSelect] = useState<'bic' | 'aic'>('bic');
  const [sampler, setSampler] = useState({ seed: '1', classes: '10', chains: '4', burnin: '20000', samples: '2500', thin: '20' });
  const [job, setJob] = useState<EstimateJob | null>(null);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  const poll = (id: string) => {
    timer.current = window.setTimeout(async () => {
      try {
        const j = await estimateApi.get(id);
        setJob(j);
        if (j.status === 'running') poll(id);
      } catch (e) {
        setError(e);
      }
    }, POLL_MS);
  };

  const run = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const body: EstimateRequest = { from, method, strata: [] };
    if (from === 'database') {
      body.list_by = listBy;
      if (incidentType) body.incident_type = incidentType;
      body.strata = strata;
    } else {
      body.patterns_csv = csv;
      body.strata = csvStrata.split(',').map((s) => s.trim()).filter(Boolean);
    }
    if (method === 'loglinear') {
      body.select = select;
    } else {
      for (const k of ['seed', 'classes', 'chains', 'burnin', 'samples', 'thin'] as const) {
        const v = intNumber(sampler[k]);
        if (v !== undefined) body[k] = v;
      }
    }
    try {
      const j = await estimateApi.start(body);
      setJob(j);
      poll(j.id);
    } catch (err) {
      setError(err);
    }
  };

  const stop = async () => {
    if (!job) return;
    try {
      setJob(await estimateApi.stop(job.id));
    } catch (err) {
      setError(err);
    }
  };

  if (!mayEstimate(user?.role)) {
    return (
      <>
        <PageTitle>{t('estimate.title')}</PageTitle>
        <p>{t('estimate.intro')}</p>
        <div className="alert alert--info" role="status">{t('estimate.not_allowed')}</div>
      </>
    );
  }

  const running = job?.status === 'running';
  const busy = error instanceof ApiError && error.status === 429;
  return (
    <>
      <PageTitle>{t('estimate.title')}</PageTitle>
      <p>{t('estimate.intro')}</p>
      <form className="estimate-form" onSubmit={run} aria-labelledby="estimate-settings">
        <h2 id="estimate-settings">{t('estimate.settings')}</h2>
        <FieldGroup path="estimate.from" legend={t('estimate.from')}>
          <div className="radios">
            {(['database', 'patterns'] as const).map((v) => (
              <div className="radio" key={v}>
                <input type="radio" id={`estimate-from-${v}`} name="estimate-from" checked={from === v} onChange={() => setFrom(v)} />
                <label htmlFor={`estimate-from-${v}`}>{t(v === 'database' ? 'estimate.from_database' : 'estimate.from_patterns')}</label>
              </div>
            ))}
          </div>
        </FieldGroup>
        {from === 'database' ? (
          <>
            <FieldGroup path="estimate.list_by" legend={t('estimate.list_by')}>
              <div className="radios">
                {(['publisher', 'source'] as const).map((v) => (
                  <div className="radio" key={v}>
                    <input type="radio" id={`estimate-list-by-${v}`} name="estimate-list-by" checked={listBy === v} onChange={() => setListBy(v)} />
                    <label htmlFor={`estimate-list-by-${v}`}>{t(v === 'publisher' ? 'estimate.list_by_publisher' : 'estimate.list_by_source')}</label>
                  </div>
                ))}
              </div>
            </FieldGroup>
            <Field path="estimate.incident_type" label={t('estimate.incident_type')}>
              {(control) => (
                <VocabSelect vocabulary="incident_types" value={incidentType} onChange={setIncidentType} control={control}
                  allowEmpty emptyLabel={t('estimate.any_incident')} />
              )}
            </Field>
            <FieldGroup path="estimate.strata" legend={t('estimate.strata')} hint={t('estimate.strata_hint')}>
              <div className="checkboxes">
                {STRATA.map((s) => (
                  <div className="checkbox" key={s}>
                    <input type="checkbox" id={`estimate-stratum-${s}`} checked={strata.includes(s)}
                      onChange={(e) => setStrata(e.target.checked ? [...strata, s] : strata.filter((v) => v !== s))} />
                    <label htmlFor={`estimate-stratum-${s}`}>{t(`estimate.stratum.${s}` as MessageKey)}</label>
                  </div>
                ))}
              </div>
            </FieldGroup>
          </>
        ) : (
          <>
            <Field path="estimate.csv" label={t('estimate.csv')} hint={t('estimate.csv_hint')} required>
              {(control) => <textarea {...control} rows={8} className="estimate-csv" value={csv} onChange={(e) => setCsv(e.target.value)} />}
            </Field>
            <Field path="estimate.csv_strata" label={t('estimate.csv_strata')}>
              {(control) => <input {...control} type="text" value={csvStrata} onChange={(e) => setCsvStrata(e.target.value)} />}
            </Field>
          </>
        )}
        <FieldGroup path="estimate.method" legend={t('estimate.method')}>
          <div className="radios">
            {(['loglinear', 'lcmcr'] as const).map((v) => (
              <div className="radio" key={v}>
                <input type="radio" id={`estimate-method-${v}`} name="estimate-method" checked={method === v} onChange={() => setMethod(v)} />
                <label htmlFor={`estimate-method-${v}`}>{t(v === 'loglinear' ? 'estimate.method_loglinear' : 'estimate.method_lcmcr')}</label>
              </div>
            ))}
          </div>
        </FieldGroup>
        {method === 'loglinear' ? (
          <Field path="estimate.select" label={t('estimate.select')}>
            {(control) => (
              <select {...control} value={select} onChange={(e) => setSelect(e.target.value as 'bic' | 'aic')}>
                <option value="bic">BIC</option>
                <option value="aic">AIC</option>
              </select>
            )}
          </Field>
        ) : (
          <details className="estimate-sampler">
            <summary>{t('estimate.sampler')}</summary>
            <div className="estimate-sampler__fields">
              {(['seed', 'classes', 'chains', 'burnin', 'samples', 'thin'] as const).map((k) => (
                <Field key={k} path={`estimate.${k}`} label={t(`estimate.${k}` as MessageKey)}>
                  {(control) => (
                    <input {...control} type="number" min={0} step={1} inputMode="numeric" value={sampler[k]}
                      onChange={(e) => setSampler({ ...sampler, [k]: e.target.value })} />
                  )}
                </Field>
              ))}
            </div>
          </details>
        )}
        <div className="estimate-actions">
          <button type="submit" className="button" disabled={running}>{t('estimate.run')}</button>
          {running && <button type="button" className="button button--secondary" onClick={stop}>{t('estimate.stop')}</button>}
        </div>
      </form>
      <div role="status" aria-live="polite" className="estimate-status">
        {running && job && (
          <>
            <label htmlFor="estimate-progress">{t('estimate.running', { percent: Math.floor(job.progress * 100) })}</label>
            <progress id="estimate-progress" max={1} value={job.progress} />
          </>
        )}
        {job?.status === 'stopped' && <p>{t('estimate.stopped')}</p>}
      </div>
      {error !== null && (
        <div className="alert alert--error" role="alert">{busy ? t('estimate.busy') : errorText(t, error)}</div>
      )}
      {job?.status === 'failed' && (
        <div className="alert alert--error" role="alert">{t('estimate.failed', { message: job.error?.message ?? '' })}</div>
      )}
      {job?.status === 'done' && job.result && <Results job={job} />}
    </>
  );
}

function Results({ job }: { job: EstimateJob }) {
  const { t } = useI18n();
  const label = useStratumLabel();
  const result = job.result!;
  const strata = result.strata;
  const estimated = strata.filter((s) => !s.not_estimated);
  return (
    <section aria-labelledby="estimate-results" className="estimate-results">
      <h2 id="estimate-results" tabIndex={-1}>{t('estimate.results')}</h2>
      <p>{t('estimate.results_settings', { method: result.method === 'lcmcr' ? 'LCMCR' : t('estimate.method_loglinear'), started: job.started })}</p>
      {estimated.length > 1 && <StratumIntervals strata={estimated} label={label} />}
      {strata.map((s) => (
        <StratumResult key={s.stratum} s={s} title={label(s.stratum)} threshold={result.small_cell_threshold} heading={strata.length > 1} />
      ))}
    </section>
  );
}

function StratumResult({ s, title, threshold, heading }: { s: StratumEstimate; title: string; threshold: number; heading: boolean }) {
  const { t } = useI18n();
  const d = s.diagnostics;
  const upper = s.upper === null ? t('estimate.no_limit') : whole(s.upper);
  const fmt = (v: number | null | undefined, digits: number) => (v === null || v === undefined ? '—' : v.toFixed(digits));
  const diagnostics: [string, string][] =
    s.method === 'lcmcr'
      ? [
          [t('estimate.rhat'), fmt(d.rhat, 3)],
          [t('estimate.ess'), whole(d.ess)],
          [t('estimate.classes_used'), fmt(d.mean_occupied_classes, 1)],
        ]
      : [
          [t('estimate.std_error'), fmt(d.std_error, 1)],
          [t('estimate.bic'), fmt(d.bic, 2)],
          [t('estimate.aic'), fmt(d.aic, 2)],
          [t('estimate.deviance', { df: whole(d.df) }), fmt(d.deviance, 2)],
          [t('estimate.weight'), `${Math.round((d.weight ?? 0) * 100)}%`],
          [t('estimate.models_fitted'), whole(d.models_fitted)],
        ];
  return (
    <article className="card estimate-stratum" aria-label={title}>
      {heading && <h3>{title}</h3>}
      <dl className="estimate-figures">
        <div>
          <dt>{t('estimate.documented')}</dt>
          <dd><span className="estimate-figure" data-figure="documented">{whole(s.n_observed)}</span> <span className="estimate-note">{t('estimate.documented_hint')}</span></dd>
        </div>
        {!s.not_estimated && (
          <>
            <div>
              <dt>{t('estimate.estimated')}</dt>
              <dd>
                <span className="estimate-figure" data-figure="estimate">{whole(s.estimate)}</span>{' '}
                <span className="estimate-note">{s.method === 'lcmcr' ? t('estimate.estimated_lcmcr') : t('estimate.estimated_loglinear', { model: s.model ?? '' })}</span>
              </dd>
            </div>
            <div>
              <dt>{t('estimate.interval')}</dt>
              <dd><span className="estimate-figure" data-figure="interval">{t('estimate.interval_value', { lower: whole(s.lower), upper })}</span></dd>
            </div>
            <div>
              <dt>{t('estimate.unseen')}</dt>
              <dd><span className="estimate-figure">{s.estimate === null ? '—' : whole(s.estimate - s.n_observed)}</span></dd>
            </div>
          </>
        )}
      </dl>
      {s.not_estimated && <p className="alert alert--info">{t('estimate.not_estimated', { reason: s.not_estimated })}</p>}
      {!s.not_estimated && (
        <>
          {s.histogram && s.histogram.length > 0 && (
            <PosteriorChart bins={s.histogram} estimate={s.estimate} lower={s.lower} upper={s.upper} documented={s.n_observed} />
          )}
          <h4>{t('estimate.cautions')}</h4>
          {s.caution_codes.length === 0 ? (
            <p>{t('estimate.no_cautions')}</p>
          ) : (
            <ul className="estimate-cautions">
              {s.caution_codes.map((c, i) => (
                <li key={c.code}>{cautionText(t, c.code, c.values, s.cautions[i] ?? c.code)}</li>
              ))}
            </ul>
          )}
          <h4>{t('estimate.diagnostics')}</h4>
          <dl className="estimate-diagnostics">
            {diagnostics.map(([k, v]) => (
              <div key={k}><dt>{k}</dt><dd>{v}</dd></div>
            ))}
          </dl>
        </>
      )}
      {s.small_cells > 0 && <p className="alert alert--info">{t('estimate.small_cells', { count: s.small_cells, threshold })}</p>}
      <details className="chart__table">
        <summary>{t('estimate.cells')}</summary>
        <div className="table-wrap">
          <table>
            <thead>
              <tr><th scope="col">{t('estimate.cell_lists')}</th><th scope="col">{t('estimate.cell_count')}</th></tr>
            </thead>
            <tbody>
              {s.cells.map((c) => (
                <tr key={c.lists.join('|')}><th scope="row">{c.lists.join(' + ')}</th><td className="num">{c.count}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </article>
  );
}
