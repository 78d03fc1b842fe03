// Interface text for urgent cases, interventions and urgent-action alerts (docs/cases.md), in English and Korean.
// Keys start with "cases." so they never collide with another feature's.
export const en = {} as const;

export const ko: Record<keyof typeof en, string> = {};
