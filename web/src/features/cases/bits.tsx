// Small pieces the case pages share: status and risk labels and badges, the persons of a case as
// the server lets the reader see them, the overdue marker.
import type { Person } from '../../api/types';
import { RestrictedBadge } from '../../components/ui';
import { useI18n, type T } from '../../i18n';
import type { MessageKey } from '../../i18n/messages';
import { countText, personName } from '../../lib/display';
import { Link, recordPath } from '../../lib/router';
import { useReference } from '../../state/reference';
import type { CaseFile, CaseStatus, OverdueReason, Risk } from './api';

// "cases.status_verified", "cases.alert_status_draft", ...: the code itself when no text exists.
export function codeLabel(t: T, prefix: string, code: string): string {
  const key = `${prefix}${code}` as MessageKey;
  const text = t(key);
  return text === key ? code : text;
}

export function statusLabel(t: T, s: CaseStatus | string): string {
  return codeLabel(t, 'cases.status_', s);
}

export function riskLabel(t: T, r: Risk | string): string {
  return codeLabel(t, 'cases.risk_', r);
}

export function casePath(id: string, suffix = ''): string {
  return recordPath('cases', id, suffix);
}

export function StatusBadge({ status }: { status: CaseStatus }) {
  const { t } = useI18n();
  return <span className={`badge case-status case-status--${status}`}>{statusLabel(t, status)}</span>;
}

export function RiskBadge({ risk }: { risk: Risk }) {
  const { t } = useI18n();
  return <span className={`badge case-risk case-risk--${risk}`}>{riskLabel(t, risk)}</span>;
}

// A marker that does not rely on colour: the word is always there.
export function OverdueBadge() {
  const { t } = useI18n();
  return <span className="badge case-overdue">{t('cases.overdue')}</span>;
}

// The persons of a case, named as the server returned them to this reader: the pseudonym with a
// badge for a restricted person the role may not see, else the name.
export function CasePersons({ c, persons }: { c: CaseFile; persons: Map<string, Person | null> | undefined }) {
  const { t } = useI18n();
  const ref = useReference();
  const items = c.person_ids.map((id) => {
    const p = persons?.get(id);
    const pseudonym = c.persons?.find((x) => x.id === id)?.pseudonym;
    return (
      <li key={id}>
        <Link href={recordPath('persons', id)}>{p ? personName(p, t) : pseudonym ?? id}</Link>
        {(p?.redacted || (!p && c.redacted)) && <> <RestrictedBadge /></>}
        {p && p.unit !== 'individual' && (
          <span className="muted">
            {' '}({[ref.label('counting_units', p.unit), countText(p.group_size, ref.label('count_qualifiers', p.group_size?.qualifier))]
              .filter(Boolean).join(', ')})
          </span>
        )}
      </li>
    );
  });
  return <ul className="plain">{items}</ul>;
}

export function overdueText(t: T, r: OverdueReason): string {
  return r.what === 'deadline'
    ? t('cases.overdue_deadline', { due: r.due })
    : t('cases.overdue_follow_up', { due: r.due });
}
