// Interface text for the record-linkage review queue and clusters (docs/linkage.md), in English and Korean.
// Keys start with "review." so they never collide with another feature's.
export const en = {} as const;

export const ko: Record<keyof typeof en, string> = {};
