// One case: its persons, status and the next steps the workflow allows, risk, officer, deadline,
// linked incidents and sources, and a single timeline of status changes and interventions by date
// with what is overdue marked.
import type { ReactNode } from 'react';
import type { Incident, Person, Source } from '../../api/types';
import { Facts, SourceCitations } from '../../components/RecordBits';
import { LoadError, Loading, Notice, PageTitle } from '../../components/ui';
import { useI18n } from '../../i18n';
import { incidentName } from '../../lib/display';
import { fetchRecords } from '../../lib/records';
import { Link, recordPath } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import { useTitle } from '../../lib/useTitle';
import { useReference } from '../../state/reference';
import { useSession } from '../../state/session';
import { canManageCases, canRecordInterventions, casesApi, type Intervention, type Timeline, type TimelineItem } from './api';
import { CasePersons, casePath, OverdueBadge, overdueText, RiskBadge, StatusBadge, statusLabel } from './bits';
import { overdueFor } from './logic';
import { CaseAlertsPanel } from './alerts/AlertList';

interface CaseView {
  timeline: Timeline;
  persons: Map<string, Person | null>;
  incidents: Map<string, Incident | null>;
  sources: Map<string, Source | null>;
}

async function loadCase(id: string): Promise<CaseView> {
  const timeline = await casesApi.timeline(id);
  const c = timeline.case;
  const sourceIds = [
    ...c.source_ids,
    ...timeline.items.flatMap((i) => (i.type === 'transition' ? i.transition.source_ids : i.intervention.source_ids)),
  ];
  const [persons, incidents, sources] = await Promise.all([
    fetchRecords('persons', c.person_ids),
    fetchRecords('incidents', c.incident_ids),
    fetchRecords('sources', sourceIds),
  ]);
  return { timeline, persons, incidents, sources };
}

function InterventionEntry({ caseId, i, view, editable }: { caseId: string; i: Intervention; view: CaseView; editable: boolean }) {
  const { t } = useI18n();
  const ref = useReference();
  const late = overdueFor(view.timeline.overdue, i.id ?? '');
  return (
    <div className="timeline__body">
      <h3>
        {ref.label('intervention_kinds', i.kind)}: {ref.label('organisations', i.actor)} → {ref.label('organisations', i.target)}
        {late.length > 0 && <> <OverdueBadge /></>}
      </h3>
      <p className="muted">{t('cases.intervention')} · {ref.label('intervention_tracks', i.track)}</p>
      <Facts rows={[
        [t('cases.response'), i.response ? <p className="prewrap">{i.response}</p> : null],
        [t('cases.follow_up'), i.follow_up ? (
          <span className={late.length > 0 ? 'case-overdue-text' : undefined}>
            {i.follow_up}{late.length > 0 && ` (${t('cases.follow_up_overdue')})`}
          </span>
        ) : null],
        [t('cases.outcome'), i.outcome ? <p className="prewrap">{i.outcome}</p> : null],
      ]} />
      <SourceCitations ids={i.source_ids} sources={view.sources} />
      {editable && i.id && (
        <p>
          <Link className="button button--small button--secondary" href={casePath(caseId, `/interventions/${encodeURIComponent(i.id)}/edit`)}>
            {t('cases.update_intervention')}
          </Link>
        </p>
      )}
    </div>
  );
}

function TimelineEntry({ caseId, item, view, editable }: { caseId: string; item: TimelineItem; view: CaseView; editable: boolean }) {
  const { t } = useI18n();
  let body: ReactNode;
  let late = false;
  if (item.type === 'transition') {
    const tr = item.transition;
    body = (
      <div className="timeline__body">
        <h3>{t('cases.status_changed', { from: statusLabel(t, tr.from), to: statusLabel(t, tr.to) })}</h3>
        {tr.note && <p className="prewrap">{tr.note}</p>}
        <SourceCitations ids={tr.source_ids} sources={view.sources} />
      </div>
    );
  } else {
    late = overdueFor(view.timeline.overdue, item.intervention.id ?? '').length > 0;
    body = <InterventionEntry caseId={caseId} i={item.intervention} view={view} editable={editable} />;
  }
  return (
    <li className={`timeline__item timeline__item--${item.type}${late ? ' timeline__item--overdue' : ''}`}>
      <p className="timeline__date">{item.date}</p>
      {body}
    </li>
  );
}

export function CaseDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const ref = useReference();
  const { user } = useSession();
  const { data, error, loading } = useAsync(() => loadCase(id), [id]);
  const c = data?.timeline.case;
  useTitle(c ? c.title || c.id : null);
  if (loading) return <Loading />;
  if (error || !data || !c) return <LoadError error={error} />;
  const manage = canManageCases(user?.role);
  const next = c.allowed_next ?? [];
  const deadlineLate = overdueFor(data.timeline.overdue, c.id).length > 0;
  return (
    <article aria-labelledby="record-title">
      <PageTitle>
        <span id="record-title">{c.title || c.id}</span>
      </PageTitle>
      <p className="record-meta">
        <StatusBadge status={c.status} /> <RiskBadge risk={c.risk} />
        {' · '}<span className="muted">{t('common.id')}: </span><span className="mono">{c.id}</span>
        {' · '}<span className="muted">{t('cases.opened')}: </span>{c.opened}
      </p>
      {c.redacted && <Notice>{t('cases.redacted_note')}</Notice>}
      {data.timeline.overdue.length > 0 && (
        <div className="alert alert--error case-overdue-summary" role="status">
          <p><strong>{t('cases.overdue_title')}</strong></p>
          <ul>{data.timeline.overdue.map((r, i) => <li key={i}>{overdueText(t, r)}</li>)}</ul>
        </div>
      )}
      <div className="record-actions">
        {manage && <Link className="button" href={casePath(c.id, '/edit')}>{t('common.edit')}</Link>}
        {manage && next.length > 0 && <Link className="button" href={casePath(c.id, '/transition')}>{t('cases.move')}</Link>}
        {canRecordInterventions(user?.role) && (
          <Link className="button button--secondary" href={casePath(c.id, '/interventions/new')}>{t('cases.add_intervention')}</Link>
        )}
      </div>
      <div className="detail-grid">
        <section className="panel" aria-labelledby="case-details">
          <h2 id="case-details">{t('common.details')}</h2>
          <Facts rows={[
            [t('cases.persons'), <CasePersons c={c} persons={data.persons} />],
            [t('cases.status'), <StatusBadge status={c.status} />],
            [t('cases.next_steps'), next.length > 0 ? next.map((s) => statusLabel(t, s)).join(', ') : t('cases.no_next_steps')],
            [t('cases.risk'), <RiskBadge risk={c.risk} />],
            [t('cases.officer'), c.officer || t('cases.unassigned')],
            [t('cases.opened'), c.opened],
            [t('cases.next_deadline'), c.next_deadline ? (
              <span className={deadlineLate ? 'case-overdue-text' : undefined}>
                {c.next_deadline}{deadlineLate && ` (${t('cases.deadline_passed')})`}
              </span>
            ) : t('common.none')],
            [t('cases.incidents'), c.incident_ids.length > 0 ? (
              <ul className="plain">
                {c.incident_ids.map((iid) => {
                  const inc = data.incidents.get(iid);
                  return (
                    <li key={iid}>
                      <Link href={recordPath('incidents', iid)}>{inc ? incidentName(inc, t, ref.label('incident_types', inc.type)) : iid}</Link>
                      {inc && <span className="muted"> ({inc.start})</span>}
                    </li>
                  );
                })}
              </ul>
            ) : t('common.none')],
            [t('common.notes'), c.notes ? <p className="prewrap">{c.notes}</p> : null],
          ]} />
          <h3>{t('common.sources')}</h3>
          <SourceCitations ids={c.source_ids} sources={data.sources} />
        </section>
        <section className="panel" aria-labelledby="case-timeline">
          <h2 id="case-timeline">{t('cases.timeline')}</h2>
          {data.timeline.items.length === 0 ? <p>{t('cases.timeline_empty')}</p> : (
            <ol className="timeline case-timeline">
              {data.timeline.items.map((item, i) => (
                <TimelineEntry key={i} caseId={c.id} item={item} view={data} editable={canRecordInterventions(user?.role)} />
              ))}
            </ol>
          )}
        </section>
      </div>
      <CaseAlertsPanel caseFile={c} />
    </article>
  );
}
