// Ingestion in the browser: paste or upload an article, then confirm or reject each proposed fact
// beside the text where it was found, and turn the confirmed facts into an incident on request.
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { Incident } from '../../api/types';
import { errorText, Field, LoadError, Loading, Notice, PageTitle, SensitivityBadge } from '../../components/ui';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/messages';
import { Link, navigate, recordPath } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import { useTitle } from '../../lib/useTitle';
import { useReference } from '../../state/reference';
import { useSession } from '../../state/session';
import {
  canIngest, ingestApi, segments, toBase64, type Candidate, type IncidentDraft, type IngestDocument, type SourceView,
} from './ingestApi';
import './ingest.css';

function kindLabel(t: (k: MessageKey) => string, kind: string): string {
  return t(`evidence.ingest_kind_${kind}` as MessageKey);
}

export function IngestPage() {
  const { t } = useI18n();
  const { user } = useSession();
  useTitle(t('evidence.ingest_title'));
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState('news_article');
  const [published, setPublished] = useState('');
  const [publisher, setPublisher] = useState('');
  const [title, setTitle] = useState('');
  const [url, setUrl] = useState('');
  const [language, setLanguage] = useState('');
  const [encoding, setEncoding] = useState('');
  const [sensitivity, setSensitivity] = useState('internal');
  const [error, setError] = useState('');
  const [saving, setSaving] = useState(false);

  if (!canIngest(user?.role)) return <Notice>{t('evidence.ingest_not_allowed')}</Notice>;

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setError('');
    if (!text.trim() && !file) {
      setError(t('evidence.ingest_need_text'));
      return;
    }
    const doc: IngestDocument = { kind, sensitivity };
    if (file) {
      doc.content_base64 = toBase64(new Uint8Array(await file.arrayBuffer()));
      doc.filename = file.name;
      if (encoding) doc.encoding = encoding;
    } else {
      doc.text = text;
    }
    if (published) doc.published = published;
    if (publisher) doc.publisher = publisher;
    if (title) doc.title = title;
    if (url) doc.url = url;
    if (language) doc.language = language;
    setSaving(true);
    try {
      const view = await ingestApi.ingest(doc);
      navigate(`/ingest/sources/${encodeURIComponent(view.source.id)}`);
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="ingest">
      <PageTitle>{t('evidence.ingest_title')}</PageTitle>
      <p>{t('evidence.ingest_intro')}</p>
      {error && <div className="alert alert--error" role="alert">{error}</div>}
      <form onSubmit={submit} noValidate>
        <Field path="ingest-text" label={t('evidence.ingest_text')}>
          {(c) => <textarea {...c} rows={12} value={text} onChange={(e) => setText(e.target.value)} />}
        </Field>
        <div className="row">
          <Field path="ingest-file" label={t('evidence.ingest_file')}>
            {(c) => (
              <input {...c} type="file" accept=".txt,.text,.html,.htm,text/plain,text/html"
                onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            )}
          </Field>
          <Field path="ingest-encoding" label={t('evidence.ingest_encoding')}>
            {(c) => (
              <select {...c} value={encoding} onChange={(e) => setEncoding(e.target.value)}>
                <option value="">UTF-8</option>
                <option value="euc-kr">EUC-KR</option>
              </select>
            )}
          </Field>
        </div>
        <div className="row">
          <Field path="ingest-kind" label={t('evidence.ingest_kind')}>
            {(c) => (
              <select {...c} value={kind} onChange={(e) => setKind(e.target.value)}>
                <option value="news_article">{t('evidence.ingest_kind_news')}</option>
                <option value="ngo_report">{t('evidence.ingest_kind_ngo')}</option>
              </select>
            )}
          </Field>
          <Field path="ingest-published" label={t('evidence.ingest_published')} hint={t('evidence.ingest_published_hint')}>
            {(c) => <input {...c} className="input--date mono" value={published} autoComplete="off" onChange={(e) => setPublished(e.target.value)} />}
          </Field>
          <Field path="ingest-language" label={t('evidence.ingest_language')}>
            {(c) => (
              <select {...c} value={language} onChange={(e) => setLanguage(e.target.value)}>
                <option value="">{t('evidence.ingest_language_auto')}</option>
                <option value="en">English</option>
                <option value="ko">한국어</option>
              </select>
            )}
          </Field>
        </div>
        <Field path="ingest-title" label={t('evidence.ingest_title_field')}>
          {(c) => <input {...c} value={title} onChange={(e) => setTitle(e.target.value)} />}
        </Field>
        <div className="row">
          <Field path="ingest-publisher" label={t('evidence.ingest_publisher')}>
            {(c) => <input {...c} value={publisher} onChange={(e) => setPublisher(e.target.value)} />}
          </Field>
          <Field path="ingest-url" label={t('evidence.ingest_url')}>
            {(c) => <input {...c} value={url} onChange={(e) => setUrl(e.target.value)} />}
          </Field>
          <Field path="ingest-sensitivity" label={t('evidence.ingest_sensitivity')}>
            {(c) => (
              <select {...c} value={sensitivity} onChange={(e) => setSensitivity(e.target.value)}>
                <option value="public">public</option>
                <option value="internal">internal</option>
                <option value="restricted">restricted</option>
              </select>
            )}
          </Field>
        </div>
        <button type="submit" className="button button--primary" disabled={saving}>{t('evidence.ingest_submit')}</button>
      </form>
    </section>
  );
}

function valueText(c: Candidate, lang: string): string {
  const label = lang === 'ko' ? c.labels.ko : c.labels.en;
  if (c.kind === 'date') return c.value.replace('/', ' – ');
  return label ? `${label} (${c.value})` : c.value;
}

function DraftPanel({ draft }: { draft: IncidentDraft }) {
  const { t } = useI18n();
  const ref = useReference();
  const [error, setError] = useState('');
  const usable = Boolean(draft.type && draft.start);
  const create = async () => {
    setError('');
    const incident: Incident = {
      id: '', type: draft.type ?? '', title: '', start: draft.start ?? '', end: draft.end ?? null, place: draft.place ?? '',
      description: '', perpetrator_orgs: draft.perpetrator_orgs ?? [], victim_count: draft.victim_count ?? null,
      sensitivity: draft.sensitivity, source_ids: draft.source_ids,
    } as Incident;
    try {
      const created = await api.create('incidents', incident);
      navigate(recordPath('incidents', created.id, '/edit'));
    } catch (e) {
      setError(errorText(t, e));
    }
  };
  return (
    <section className="ingest-draft" aria-labelledby="ingest-draft-heading">
      <h2 id="ingest-draft-heading">{t('evidence.ingest_draft')}</h2>
      <p>{t('evidence.ingest_draft_intro')}</p>
      {!usable && <p>{t('evidence.ingest_draft_empty')}</p>}
      <dl className="ingest-draft__fields">
        {draft.type && (<><dt>{t('evidence.ingest_kind_incident_type')}</dt><dd data-draft="type">{ref.label('incident_types', draft.type)}</dd></>)}
        {draft.start && (<><dt>{t('evidence.ingest_kind_date')}</dt><dd data-draft="start">{draft.start}{draft.end ? ` – ${draft.end}` : ''}</dd></>)}
        {draft.place && (<><dt>{t('evidence.ingest_kind_place')}</dt><dd data-draft="place">{ref.placeLabel(draft.place)}</dd></>)}
        {draft.victim_count && (
          <><dt>{t('evidence.ingest_kind_count')}</dt>
            <dd data-draft="count">{ref.label('count_qualifiers', draft.victim_count.qualifier)} {draft.victim_count.value}</dd></>
        )}
        {draft.perpetrator_orgs && (
          <><dt>{t('evidence.ingest_kind_organisation')}</dt>
            <dd>{draft.perpetrator_orgs.map((o) => ref.label('organisations', o)).join(', ')}</dd></>
        )}
      </dl>
      {error && <div className="alert alert--error" role="alert">{error}</div>}
      <button type="button" className="button" disabled={!usable} onClick={() => void create()}>
        {t('evidence.ingest_draft_create')}
      </button>
    </section>
  );
}

export function IngestSourcePage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const state = useAsync(() => ingestApi.source(id), [id]);
  const [view, setView] = useState<SourceView | undefined>(undefined);
  const [announce, setAnnounce] = useState('');
  const [error, setError] = useState('');
  const current = view ?? state.data;
  useTitle(current ? t('evidence.ingest_source_title', { title: current.source.title }) : t('evidence.ingest_title'));
  if (!canIngest(user?.role)) return <Notice>{t('evidence.ingest_not_allowed')}</Notice>;
  if (state.error) return <LoadError error={state.error} />;
  if (!current) return <Loading />;

  const decide = async (c: Candidate, confirm: boolean) => {
    setError('');
    try {
      const r = await ingestApi.decide(c.id, confirm);
      setView({
        ...current,
        candidates: current.candidates.map((x) => (x.id === c.id ? r.candidate : x)),
        draft: r.draft,
      });
      const status = confirm ? t('evidence.ingest_status_confirmed', { who: r.candidate.decided_by })
        : t('evidence.ingest_status_rejected', { who: r.candidate.decided_by });
      setAnnounce(t('evidence.ingest_decided', { kind: kindLabel(t, c.kind), quote: c.quote, status }));
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  const src = current.source;
  return (
    <section className="ingest">
      <PageTitle actions={<Link className="button" href={recordPath('sources', src.id)}>{t('evidence.ingest_open_source')}</Link>}>
        {t('evidence.ingest_source_title', { title: src.title })}
      </PageTitle>
      <p className="ingest__meta">
        {src.publisher && <span>{src.publisher} · </span>}
        {src.date && <span>{src.date} · </span>}
        <SensitivityBadge value={src.sensitivity} />
      </p>
      <p className="visually-hidden" role="status" aria-live="polite">{announce}</p>
      {error && <div className="alert alert--error" role="alert">{error}</div>}
      <div className="ingest__layout">
        <section aria-labelledby="ingest-text-heading" className="ingest__text">
          <h2 id="ingest-text-heading">{t('evidence.ingest_text_heading')}</h2>
          <div className="ingest__body" lang={src.language || undefined}>
            {segments(src.text, current.candidates).map((s, i) =>
              s.candidate ? (
                <mark key={i} id={`cand-${s.candidate.id}`}
                  className={`ingest-mark ingest-mark--${s.candidate.kind} ingest-mark--${s.candidate.status}`}
                  title={`${kindLabel(t, s.candidate.kind)}: ${valueText(s.candidate, lang)}`}>
                  {s.text}
                </mark>
              ) : (
                <span key={i}>{s.text}</span>
              ))}
          </div>
        </section>
        <section aria-labelledby="ingest-cands-heading" className="ingest__candidates">
          <h2 id="ingest-cands-heading">{t('evidence.ingest_candidates')}</h2>
          {current.candidates.length === 0 ? <p>{t('evidence.ingest_none')}</p> : (
            <div className="table-wrap">
              <table className="records ingest-table">
                <thead>
                  <tr>
                    <th scope="col">{t('evidence.ingest_col_kind')}</th>
                    <th scope="col">{t('evidence.ingest_col_quote')}</th>
                    <th scope="col">{t('evidence.ingest_col_value')}</th>
                    <th scope="col">{t('evidence.ingest_col_confidence')}</th>
                    <th scope="col">{t('evidence.ingest_col_status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {current.candidates.map((c) => (
                    <tr key={c.id} data-candidate={c.id} className={`ingest-row ingest-row--${c.status}`}>
                      <td>{kindLabel(t, c.kind)}</td>
                      <td><a href={`#cand-${c.id}`}>{c.quote}</a></td>
                      <td>
                        {valueText(c, lang)}
                        {c.note && <div className="field__hint">{c.note}</div>}
                      </td>
                      <td>{Math.round(c.confidence * 100)}%</td>
                      <td>
                        {c.status === 'pending' ? (
                          <span className="ingest-actions">
                            <button type="button" className="button button--small"
                              aria-label={t('evidence.ingest_confirm_label', { kind: kindLabel(t, c.kind), quote: c.quote })}
                              onClick={() => void decide(c, true)}>{t('evidence.ingest_confirm')}</button>
                            <button type="button" className="button button--small"
                              aria-label={t('evidence.ingest_reject_label', { kind: kindLabel(t, c.kind), quote: c.quote })}
                              onClick={() => void decide(c, false)}>{t('evidence.ingest_reject')}</button>
                          </span>
                        ) : (
                          <span className={`badge badge--${c.status}`}>
                            {c.status === 'confirmed' ? t('evidence.ingest_status_confirmed', { who: c.decided_by })
                              : t('evidence.ingest_status_rejected', { who: c.decided_by })}
                          </span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
      <DraftPanel draft={current.draft} />
    </section>
  );
}
