// The review queue: candidate pairs by status, most probable first, each opening the pair view.
import { useState } from 'react';
import { canEdit, canSeeHistory } from '../../api/types';
import { LoadError, Loading, Notice, PageTitle, Pagination, errorText } from '../../components/ui';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/messages';
import { personName } from '../../lib/display';
import { Link, navigate, useLocation } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import { useTitle } from '../../lib/useTitle';
import { useSession } from '../../state/session';
import { reviewApi, type CandidateStatus, type LinkSummary } from './api';

const STATUSES: CandidateStatus[] = ['pending', 'confirmed', 'rejected'];
const LIMIT = 20;

export function statusOf(value: string | null): CandidateStatus {
  return STATUSES.includes(value as CandidateStatus) ? (value as CandidateStatus) : 'pending';
}

export function pairPath(status: CandidateStatus, at: number): string {
  return `/review/pair?status=${status}&at=${at}`;
}

export function QueuePage() {
  const { t } = useI18n();
  const { user } = useSession();
  const loc = useLocation();
  const status = statusOf(loc.query.get('status'));
  const offset = Math.max(0, Number(loc.query.get('offset')) || 0);
  const { data, error, loading, reload } = useAsync(() => reviewApi.candidates(status, LIMIT, offset), [status, offset]);
  const [running, setRunning] = useState(false);
  const [summary, setSummary] = useState<LinkSummary | null>(null);
  const [runError, setRunError] = useState<unknown>(null);
  useTitle(t('review.queue_title'));

  const go = (s: CandidateStatus, o: number) => navigate(`/review?status=${s}${o ? `&offset=${o}` : ''}`);
  const run = async () => {
    setRunning(true);
    setRunError(null);
    setSummary(null);
    try {
      setSummary(await reviewApi.run());
      reload();
    } catch (e) {
      setRunError(e);
    } finally {
      setRunning(false);
    }
  };

  return (
    <>
      <PageTitle actions={canSeeHistory(user?.role) && (
        <button type="button" className="button button--secondary" onClick={run} disabled={running}>{t('review.run')}</button>
      )}>
        {t('review.queue_title')}
      </PageTitle>
      <p>{t('review.queue_intro')}</p>
      <div role="status" aria-live="polite">
        {running && <p>{t('review.running')}</p>}
        {summary && (
          <Notice>
            {t('review.run_done', { records: summary.records, compared: summary.candidate_pairs, queued: summary.queued })}
          </Notice>
        )}
      </div>
      {runError !== null && <div className="alert alert--error" role="alert">{errorText(t, runError)}</div>}
      {!canEdit(user?.role) && <p className="muted">{t('review.only_writers')}</p>}
      <nav className="review-tabs" aria-label={t('review.status')}>
        <ul>
          {STATUSES.map((s) => (
            <li key={s}>
              <Link href={`/review?status=${s}`} aria-current={s === status ? 'page' : undefined}
                className={s === status ? 'review-tab review-tab--current' : 'review-tab'}>
                {t(`review.status.${s}` as MessageKey)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {loading && <Loading />}
      {!loading && error !== null && <LoadError error={error} />}
      {!loading && data && (
        data.items.length === 0 ? <p>{status === 'pending' ? t('review.empty_pending') : t('review.empty')}</p> : (
          <>
            <div className="table-wrap">
              <table className="records">
                <caption className="visually-hidden">{t(`review.status.${status}` as MessageKey)}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('review.col_pair')}</th>
                    <th scope="col">{t('review.col_probability')}</th>
                    <th scope="col">{t('review.col_records')}</th>
                    {status !== 'pending' && <th scope="col">{t('review.col_decided')}</th>}
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((c, i) => {
                    const n = offset + i + 1;
                    return (
                      <tr key={c.id}>
                        <td><Link href={pairPath(status, offset + i)}>{t('review.open_pair', { n })}</Link></td>
                        <td>{c.probability.toFixed(3)}</td>
                        <td>
                          {c.withheld || !c.person_a || !c.person_b ? <span className="muted">{t('review.withheld')}</span> : (
                            <>{personName(c.person_a, t)} ↔ {personName(c.person_b, t)}</>
                          )}
                        </td>
                        {status !== 'pending' && <td>{c.decided_by} <span className="muted small">{c.decided_at}</span></td>}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <Pagination total={data.total} limit={LIMIT} offset={offset} onPage={(o) => go(status, o)} />
          </>
        )
      )}
    </>
  );
}
