// Reports and submissions: pick a mechanism and a selection (type, place, years, cases), preview the
// redacted document with its charts and map, then download it as PDF; HXL exports for partners.
// The Shenyang 2012 example fills everything in for the most common first task.
import { useEffect, useState, type FormEvent } from 'react';
import { Field, LoadError, Loading, Notice, PageTitle, PlaceSelect, VocabSelect, errorText } from '../../components/ui';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useTitle } from '../../lib/useTitle';
import { useReference } from '../../state/reference';
import { useSession } from '../../state/session';
import { reportsApi, saveBlob, type MatchingCase, type Preview, type ReportRequest, type Selection } from './api';

interface FormState {
  mechanism: string;
  lang: 'en' | 'ko';
  incident_type: string;
  place: string;
  year_from: string;
  year_to: string;
  organisation: string;
  joint: boolean;
  estimates: boolean;
  threshold: string;
  unredact: boolean;
  reason: string;
}

const EMPTY: FormState = {
  mechanism: 'sr_dprk', lang: 'en', incident_type: '', place: '', year_from: '', year_to: '', organisation: '',
  joint: false, estimates: true, threshold: '5', unredact: false, reason: '',
};

export const SHENYANG_2012: Partial<FormState> = {
  mechanism: 'sr_dprk', incident_type: 'forced_return', place: 'cn-ln-shenyang', year_from: '2012', year_to: '2012',
};

function year(text: string): number | null {
  const n = Number(text);
  return text.trim() && Number.isInteger(n) ? n : null;
}

export function selectionOf(f: FormState, caseIds: string[]): Selection {
  return { incident_type: f.incident_type, place: f.place, year_from: year(f.year_from), year_to: year(f.year_to), case_ids: caseIds };
}

export function ReportsPage() {
  const { t, lang } = useI18n();
  const ref = useReference();
  const { user } = useSession();
  useTitle(t('reports.title'));
  const templates = useAsync(() => reportsApi.templates(), []);
  const [form, setForm] = useState<FormState>({ ...EMPTY, lang: lang === 'ko' ? 'ko' : 'en' });
  const [cases, setCases] = useState<MatchingCase[] | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [busy, setBusy] = useState<'' | 'cases' | 'preview' | 'pdf' | 'hxl'>('');
  const [error, setError] = useState<unknown>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [pending, setPending] = useState<'' | 'example'>('');
  const mayUnredact = user?.role === 'administrator' || user?.role === 'case_officer';
  const template = templates.data?.items.find((x) => x.mechanism === form.mechanism);
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setForm((f) => ({ ...f, [k]: v }));

  const request = (f: FormState, caseIds: string[]): ReportRequest => ({
    mechanism: f.mechanism,
    lang: f.lang,
    organisation: f.organisation,
    joint: f.joint,
    estimates: f.estimates,
    threshold: Math.max(1, Number(f.threshold) || 5),
    redact: !(mayUnredact && f.unredact),
    ...(mayUnredact && f.unredact ? { unredact_reason: f.reason } : {}),
    selection: selectionOf(f, caseIds),
  });

  const findCases = async (f: FormState): Promise<string[]> => {
    setBusy('cases');
    setError(null);
    try {
      const r = await reportsApi.cases({ incident_type: f.incident_type, place: f.place, year_from: year(f.year_from), year_to: year(f.year_to) });
      setCases(r.items);
      const ids = r.items.map((c) => c.id);
      setChosen(ids);
      return ids;
    } catch (e) {
      setError(e);
      return [];
    } finally {
      setBusy('');
    }
  };

  const runPreview = async (f: FormState, caseIds: string[]) => {
    setBusy('preview');
    setError(null);
    try {
      setPreview(await reportsApi.preview(request(f, caseIds)));
    } catch (e) {
      setPreview(null);
      setError(e);
    } finally {
      setBusy('');
    }
  };

  // The example: fill the form, find the matching case, preview at once.
  useEffect(() => {
    if (pending !== 'example') return;
    setPending('');
    (async () => {
      const ids = await findCases(form);
      await runPreview(form, ids);
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pending]);

  const example = () => {
    setForm((f) => ({ ...f, ...SHENYANG_2012, unredact: false, reason: '' }));
    setPending('example');
  };

  const onPreview = (e: FormEvent) => {
    e.preventDefault();
    runPreview(form, chosen);
  };

  const onPdf = async () => {
    setBusy('pdf');
    setError(null);
    try {
      const { blob, name } = await reportsApi.pdf(request(form, chosen));
      saveBlob(blob, name);
    } catch (e) {
      setError(e);
    } finally {
      setBusy('');
    }
  };

  const onHxl = async () => {
    setBusy('hxl');
    setError(null);
    try {
      const { blob, name } = await reportsApi.hxl(selectionOf(form, []), form.organisation, 'csv');
      saveBlob(blob, name);
    } catch (e) {
      setError(e);
    } finally {
      setBusy('');
    }
  };

  return (
    <>
      <PageTitle>{t('reports.title')}</PageTitle>
      <p>{t('reports.intro')}</p>
      <section className="panel reports-quick" aria-labelledby="reports-quick">
        <h2 id="reports-quick">{t('reports.quick_title')}</h2>
        <p>{t('reports.quick_text')}</p>
        <button type="button" className="button" onClick={example} disabled={!!busy}>{t('reports.quick_button')}</button>
      </section>
      {templates.loading && <Loading />}
      {!!templates.error && <LoadError error={templates.error} />}
      <form className="panel reports-form" onSubmit={onPreview} aria-labelledby="reports-form-title" noValidate>
        <h2 id="reports-form-title">{t('reports.form_title')}</h2>
        <div className="reports-form__grid">
          <Field path="mechanism" label={t('reports.mechanism')}>
            {(c) => (
              <select {...c} value={form.mechanism} onChange={(e) => set('mechanism', e.target.value)}>
                {(templates.data?.items ?? []).map((x) => (
                  <option key={x.mechanism} value={x.mechanism}>{lang === 'ko' ? x.name.ko : x.name.en}</option>
                ))}
              </select>
            )}
          </Field>
          <Field path="lang" label={t('reports.language')}>
            {(c) => (
              <select {...c} value={form.lang} onChange={(e) => set('lang', e.target.value as 'en' | 'ko')}>
                <option value="en">English</option>
                <option value="ko">한국어</option>
              </select>
            )}
          </Field>
          <Field path="incident_type" label={t('reports.incident_type')}>
            {(c) => <VocabSelect vocabulary="incident_types" value={form.incident_type} onChange={(v) => set('incident_type', v)} control={c} allowEmpty emptyLabel={t('reports.any')} />}
          </Field>
          <Field path="place" label={t('reports.place')} hint={t('reports.place_hint')}>
            {(c) => <PlaceSelect value={form.place} onChange={(v) => set('place', v)} control={c} emptyLabel={t('reports.any')} />}
          </Field>
          <Field path="year_from" label={t('reports.year_from')}>
            {(c) => <input {...c} type="number" inputMode="numeric" min={1900} max={2200} value={form.year_from} onChange={(e) => set('year_from', e.target.value)} />}
          </Field>
          <Field path="year_to" label={t('reports.year_to')}>
            {(c) => <input {...c} type="number" inputMode="numeric" min={1900} max={2200} value={form.year_to} onChange={(e) => set('year_to', e.target.value)} />}
          </Field>
          <Field path="organisation" label={t('reports.organisation')}>
            {(c) => <input {...c} type="text" value={form.organisation} onChange={(e) => set('organisation', e.target.value)} />}
          </Field>
          <Field path="threshold" label={t('reports.threshold')} hint={t('reports.threshold_hint')}>
            {(c) => <input {...c} type="number" min={1} max={100} value={form.threshold} onChange={(e) => set('threshold', e.target.value)} />}
          </Field>
        </div>
        <div className="checkbox">
          <input id="reports-estimates" type="checkbox" checked={form.estimates} onChange={(e) => set('estimates', e.target.checked)} />
          <label htmlFor="reports-estimates">{t('reports.estimates')}</label>
        </div>
        {template?.word_limit != null && (
          <div className="checkbox">
            <input id="reports-joint" type="checkbox" checked={form.joint} onChange={(e) => set('joint', e.target.checked)} />
            <label htmlFor="reports-joint">{t('reports.joint', { individual: template.word_limit, joint: template.joint_word_limit ?? template.word_limit })}</label>
          </div>
        )}
        <fieldset className="reports-cases">
          <legend>{t('reports.cases')}</legend>
          <p className="field__hint">{template?.needs_cases ? t('reports.cases_needed') : t('reports.cases_optional')}</p>
          <button type="button" className="button button--secondary" onClick={() => findCases(form)} disabled={!!busy}>{t('reports.find_cases')}</button>
          {cases && cases.length === 0 && <p>{t('reports.no_cases')}</p>}
          {cases && cases.length > 0 && (
            <ul className="reports-cases__list">
              {cases.map((k) => (
                <li key={k.id} className="checkbox">
                  <input id={`case-${k.id}`} type="checkbox" checked={chosen.includes(k.id)}
                    onChange={(e) => setChosen((ids) => (e.target.checked ? [...ids, k.id] : ids.filter((x) => x !== k.id)))} />
                  <label htmlFor={`case-${k.id}`}>
                    <strong>{k.title}</strong> <span className="muted">({k.id} · {k.persons} · {k.incidents.map((i) => `${ref.label('incident_types', i.type)} ${i.start}`).join(', ')})</span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        {mayUnredact && (
          <fieldset className="reports-unredact">
            <legend>{t('reports.redaction')}</legend>
            <div className="checkbox">
              <input id="reports-unredact" type="checkbox" checked={form.unredact} onChange={(e) => set('unredact', e.target.checked)} />
              <label htmlFor="reports-unredact">{t('reports.unredact')}</label>
            </div>
            {form.unredact && (
              <Field path="unredact_reason" label={t('reports.unredact_reason')} hint={t('reports.unredact_hint')} required>
                {(c) => <textarea {...c} rows={2} value={form.reason} onChange={(e) => set('reason', e.target.value)} />}
              </Field>
            )}
          </fieldset>
        )}
        <div className="form-actions">
          <button type="submit" className="button" disabled={!!busy}>{t('reports.preview')}</button>
          <button type="button" className="button" onClick={onPdf} disabled={!!busy}>{t('reports.download_pdf')}</button>
          <button type="button" className="button button--secondary" onClick={onHxl} disabled={!!busy}>{t('reports.download_hxl')}</button>
        </div>
        <div role="status" aria-live="polite" className="reports-busy">
          {busy === 'preview' && t('reports.working_preview')}
          {busy === 'pdf' && t('reports.working_pdf')}
          {busy === 'cases' && t('common.loading')}
        </div>
        {!!error && <div className="alert alert--error" role="alert">{errorText(t, error)}</div>}
      </form>
      {preview && (
        <section className="panel reports-preview" aria-labelledby="reports-preview-title">
          <h2 id="reports-preview-title">{t('reports.preview_title')}</h2>
          <p className="reports-preview__meta">
            {preview.redacted ? t('reports.is_redacted') : t('reports.is_unredacted')}{' · '}
            {preview.word_limit != null ? t('reports.words_of', { words: preview.words, limit: preview.word_limit }) : t('reports.words', { words: preview.words })}
            {preview.case_ids.length > 0 && ` · ${t('reports.case_count', { n: preview.case_ids.length })}`}
          </p>
          {preview.trimmed.length > 0 && <Notice>{t('reports.trimmed', { sections: preview.trimmed.join(', ') })}</Notice>}
          {preview.warnings.map((w) => <Notice key={w}>{w}</Notice>)}
          {preview.redaction.length > 0 && (
            <details>
              <summary>{t('reports.generalised')}</summary>
              <ul>{preview.redaction.map((n) => <li key={n}>{n}</li>)}</ul>
            </details>
          )}
          <div className="form-actions">
            <button type="button" className="button" onClick={onPdf} disabled={!!busy}>{t('reports.download_pdf')}</button>
          </div>
          {/* The server builds the document from escaped text and its own SVG; no script can be in it. */}
          <div className="report-preview" dangerouslySetInnerHTML={{ __html: preview.article }} />
        </section>
      )}
    </>
  );
}
