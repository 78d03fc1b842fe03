// One candidate pair: the two records side by side, the score field by field, and the decision.
// After a decision the next pair of the same list takes its place (the decided pair leaves the
// pending list, so the same position holds the next one).
import { useEffect, useRef, useState } from 'react';
import type { Incident, Person, Source } from '../../api/types';
import { canEdit } from '../../api/types';
import { LoadError, Loading, Notice, PageTitle, RestrictedBadge, errorText } from '../../components/ui';
import { useI18n, type T } from '../../i18n';
import type { MessageKey } from '../../i18n/messages';
import { incidentName, personName, sourceName } from '../../lib/display';
import { fetchRecords, listAll } from '../../lib/records';
import { Link, navigate, recordPath, useLocation } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import { useTitle } from '../../lib/useTitle';
import { useReference } from '../../state/reference';
import { useSession } from '../../state/session';
import { reviewApi, rememberChange, type Candidate, type CandidateStatus, type Explanation } from './api';
import { pairPath, statusOf } from './QueuePage';

// A message key made at run time; unknown ones (a level the server added later) show as written.
export function labelOr(t: T, key: string, fallback: string): string {
  const text = t(key as MessageKey);
  return text === key ? fallback : text;
}

interface Side {
  person: Person;
  incidents: Incident[];
  sources: Map<string, Source | null>;
}

async function loadSide(p: Person | null): Promise<Side | null> {
  if (!p || (p as { deleted?: boolean }).deleted) return null;
  const acts = await listAll('acts', { person_id: p.id });
  const [incidents, sources] = await Promise.all([
    fetchRecords('incidents', acts.map((a) => a.incident_id)),
    fetchRecords('sources', p.source_ids),
  ]);
  return { person: p, incidents: [...incidents.values()].filter((i): i is Incident => !!i), sources };
}

async function loadPair(status: CandidateStatus, at: number) {
  const page = await reviewApi.candidates(status, 1, at);
  const c: Candidate | undefined = page.items[0];
  if (!c) return { total: page.total, candidate: null, a: null, b: null };
  const [a, b] = await Promise.all([loadSide(c.person_a), loadSide(c.person_b)]);
  return { total: page.total, candidate: c, a, b };
}

const SHORTCUTS = 'dossier.review.shortcuts';

function useShortcutsSetting(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => {
    try {
      return localStorage.getItem(SHORTCUTS) === 'on';
    } catch {
      return false;
    }
  });
  const set = (v: boolean) => {
    setOn(v);
    try {
      localStorage.setItem(SHORTCUTS, v ? 'on' : 'off');
    } catch {
      // storage unavailable: the choice lasts for this page only
    }
  };
  return [on, set];
}

function RecordColumn({ side, label, headingId }: { side: Side | null; label: string; headingId: string }) {
  const { t } = useI18n();
  const ref = useReference();
  if (!side) {
    return (
      <section className="panel review-record" aria-labelledby={headingId}>
        <h2 id={headingId}>{label}</h2>
        <p>{t('review.record_deleted')}</p>
      </section>
    );
  }
  const p = side.person;
  return (
    <section className="panel review-record" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {label}: <Link href={recordPath('persons', p.id)}>{personName(p, t)}</Link> {p.redacted && <RestrictedBadge />}
      </h2>
      <dl className="facts">
        <div className="facts__row">
          <dt>{t('review.names')}</dt>
          <dd>
            <ul className="plain">
              {p.names.map((n, i) => (
                <li key={i}>
                  <span lang={n.script === 'hangul' ? 'ko' : n.script === 'chinese' || n.script === 'hanja' ? 'zh' : undefined}>{n.value}</span>
                  {' '}<span className="muted small">({ref.label('scripts', n.script)})</span>
                </li>
              ))}
            </ul>
          </dd>
        </div>
        <div className="facts__row"><dt>{t('person.birth_date')}</dt><dd>{p.birth_date ?? '—'}</dd></div>
        <div className="facts__row"><dt>{t('person.sex')}</dt><dd>{ref.label('sexes', p.sex)}</dd></div>
        <div className="facts__row"><dt>{t('person.origin')}</dt><dd>{p.origin ? ref.placeLabel(p.origin) : '—'}</dd></div>
        <div className="facts__row">
          <dt>{t('common.sources')}</dt>
          <dd>
            {p.source_ids.length === 0 ? t('common.none_cited') : (
              <ul className="plain">
                {p.source_ids.map((id) => {
                  const s = side.sources.get(id);
                  return <li key={id}><Link href={recordPath('sources', id)}>{s ? sourceName(s) : id}</Link></li>;
                })}
              </ul>
            )}
          </dd>
        </div>
        <div className="facts__row">
          <dt>{t('review.incidents')}</dt>
          <dd>
            {side.incidents.length === 0 ? t('review.no_incidents') : (
              <ul className="plain">
                {side.incidents.map((i) => (
                  <li key={i.id}>
                    <Link href={recordPath('incidents', i.id)}>{incidentName(i, t, ref.label('incident_types', i.type))}</Link>
                    {' '}<span className="muted small">{i.start}{i.place ? ` · ${ref.placeLabel(i.place)}` : ''}</span>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}

function ExplanationTable({ e }: { e: Explanation }) {
  const { t } = useI18n();
  const weights = e.fields.map((f) => f.weight + f.tf_adjustment);
  const scale = Math.max(1, ...weights.map(Math.abs), Math.abs(e.prior_weight));
  const bar = (w: number, label: string) => (
    <meter className={w >= 0 ? 'review-bar review-bar--for' : 'review-bar review-bar--against'} min={0} max={scale}
      value={Math.abs(w)} aria-label={`${label}: ${w >= 0 ? t('review.for') : t('review.against')} ${w.toFixed(2)}`} />
  );
  return (
    <section className="panel" aria-labelledby="review-explanation">
      <h2 id="review-explanation">{t('review.explanation')}</h2>
      <div className="table-wrap">
        <table className="records review-explanation">
          <caption>{t('review.explanation_caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('review.field')}</th>
              <th scope="col">{t('review.level')}</th>
              <th scope="col">{t('review.value_a')}</th>
              <th scope="col">{t('review.value_b')}</th>
              <th scope="col" className="num">{t('review.weight')}</th>
              <th scope="col">{t('review.bar')}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{t('review.prior')}</th><td /><td /><td />
              <td className="num">{e.prior_weight.toFixed(2)}</td>
              <td>{bar(e.prior_weight, t('review.prior'))}</td>
            </tr>
            {e.fields.map((f, i) => {
              const name = labelOr(t, `review.comparison.${f.comparison}`, f.comparison);
              return (
                <tr key={f.comparison}>
                  <th scope="row">{name}</th>
                  <td>{labelOr(t, `review.level.${f.level}`, f.level)}</td>
                  <td className="mono">{f.value_a}</td>
                  <td className="mono">{f.value_b}</td>
                  <td className="num">{f.level === 'null' ? '0' : weights[i].toFixed(2)}</td>
                  <td>{f.level === 'null' ? null : bar(weights[i], name)}</td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('review.total')}</th><td colSpan={3}>{t('review.probability', { p: e.probability.toFixed(3) })}</td>
              <td className="num">{e.total.toFixed(2)}</td><td />
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

export function PairPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const loc = useLocation();
  const status = statusOf(loc.query.get('status'));
  const at = Math.max(0, Number(loc.query.get('at')) || 0);
  const { data, error, loading, reload } = useAsync(() => loadPair(status, at), [status, at]);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [shortcuts, setShortcuts] = useShortcutsSetting();
  const c = data?.candidate ?? null;
  const mayDecide = canEdit(user?.role) && !!c && c.status === 'pending' && !c.withheld;
  useTitle(data ? t('review.pair_title', { n: at + 1, total: data.total }) : t('review.queue_title'));

  const decide = async (decision: 'confirm' | 'reject') => {
    if (!c || busy) return;
    setBusy(true);
    setActionError(null);
    try {
      const r = await reviewApi.decide(c.id, decision);
      if (r.change) rememberChange(r.change);
      setMessage(decision === 'confirm' ? t('review.confirmed_msg') : t('review.rejected_msg'));
      reload();  // the next pending pair now sits at this position
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };
  const next = () => {
    setMessage(null);
    navigate(pairPath(status, at + 1));
  };

  // Shortcuts, only when switched on and never while typing in a field.
  const handler = useRef<(e: KeyboardEvent) => void>(() => {});
  handler.current = (e: KeyboardEvent) => {
    if (!shortcuts || e.ctrlKey || e.metaKey || e.altKey) return;
    const el = e.target as HTMLElement | null;
    if (el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))) return;
    const key = e.key.toLowerCase();
    if (key === 'c' && mayDecide) { e.preventDefault(); void decide('confirm'); }
    if (key === 'r' && mayDecide) { e.preventDefault(); void decide('reject'); }
    if (key === 'n' && c) { e.preventDefault(); next(); }
  };
  useEffect(() => {
    const listen = (e: KeyboardEvent) => handler.current(e);
    window.addEventListener('keydown', listen);
    return () => window.removeEventListener('keydown', listen);
  }, []);

  if (loading && !data) return <Loading />;
  if (error || !data) return <LoadError error={error} />;
  return (
    <article aria-labelledby="pair-title">
      <PageTitle actions={<Link className="button button--secondary" href={`/review?status=${status}`}>{t('review.back_to_queue')}</Link>}>
        <span id="pair-title">{c ? t('review.pair_title', { n: at + 1, total: data.total }) : t('review.queue_title')}</span>
      </PageTitle>
      <div role="status" aria-live="polite">{message && <Notice>{message}</Notice>}</div>
      {actionError !== null && <div className="alert alert--error" role="alert">{errorText(t, actionError)}</div>}
      {!c ? <p>{t('review.no_more')}</p> : c.withheld ? <Notice>{t('review.withheld_note')}</Notice> : (
        <>
          <h2 className="review-question">{t('review.pair_heading')} <span className="muted">{t('review.probability', { p: c.probability.toFixed(3) })}</span></h2>
          <div className="review-actions">
            {mayDecide && (
              <>
                <button type="button" className="button" onClick={() => decide('confirm')} disabled={busy}
                  aria-keyshortcuts={shortcuts ? 'c' : undefined}>
                  {t('review.confirm')}{shortcuts && <kbd className="review-key" aria-hidden="true">C</kbd>}
                </button>
                <button type="button" className="button button--danger" onClick={() => decide('reject')} disabled={busy}
                  aria-keyshortcuts={shortcuts ? 'r' : undefined}>
                  {t('review.reject')}{shortcuts && <kbd className="review-key" aria-hidden="true">R</kbd>}
                </button>
              </>
            )}
            <button type="button" className="button button--secondary" onClick={next} disabled={busy}
              aria-keyshortcuts={shortcuts ? 'n' : undefined}>
              {t('review.skip')}{shortcuts && <kbd className="review-key" aria-hidden="true">N</kbd>}
            </button>
            {c.status === 'confirmed' && c.person_a && (
              <Link className="button button--secondary" href={recordPath('persons', c.person_a.id, '/cluster')}>{t('review.view_cluster')}</Link>
            )}
          </div>
          {!canEdit(user?.role) && <p className="muted">{t('review.only_writers')}</p>}
          <div className="checkbox review-shortcuts">
            <input type="checkbox" id="review-shortcuts" checked={shortcuts} onChange={(e) => setShortcuts(e.target.checked)}
              aria-describedby="review-shortcuts-help" />
            <label htmlFor="review-shortcuts">{t('review.shortcuts_on')}</label>
            <p id="review-shortcuts-help" className="field__hint">{t('review.shortcuts_help')}</p>
          </div>
          <div className="detail-grid review-pair">
            <RecordColumn side={data.a} label={t('review.record_a')} headingId="record-a" />
            <RecordColumn side={data.b} label={t('review.record_b')} headingId="record-b" />
          </div>
          {c.explanation && <ExplanationTable e={c.explanation} />}
        </>
      )}
    </article>
  );
}
