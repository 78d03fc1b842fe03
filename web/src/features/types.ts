// What a feature folder contributes to the application: pages under a path pattern, entries in
// the main navigation, and interface text (its messages.ts, merged into i18n/messages.ts).
import type { ReactNode } from 'react';
import type { MessageKey } from '../i18n/messages';

// A path pattern such as "/cases/:id" and the page it renders from the matched parameters.
export type FeatureRoute = [string, (params: Record<string, string>) => ReactNode];

export interface FeatureNav {
  href: string;
  key: MessageKey;
}
