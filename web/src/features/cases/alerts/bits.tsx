// Small pieces the alert pages share: paths, state labels and badges.
import { useI18n } from '../../../i18n';
import { recordPath } from '../../../lib/router';
import { codeLabel } from '../bits';
import type { AlertStatus } from './api';

export function alertPath(id: string, suffix = ''): string {
  return recordPath('alerts', id, suffix);
}

export function AlertStatusBadge({ status }: { status: AlertStatus }) {
  const { t } = useI18n();
  return <span className={`badge alert-status alert-status--${status}`}>{codeLabel(t, 'cases.alert_status_', status)}</span>;
}
