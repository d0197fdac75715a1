/** Messages of one area of the pages (issue 15); merged into the tables in ../messages.ts. */
export const en = {} as const;

export const es: Record<keyof typeof en, string> = {};
