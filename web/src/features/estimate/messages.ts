// Interface text for multiple systems estimation (docs/estimation.md), in English and Korean.
// Keys start with "estimate." so they never collide with another feature's.
export const en = {} as const;

export const ko: Record<keyof typeof en, string> = {};
