/** Types of source-stamp.js (plain JS: bin/ runs before anything is compiled). */
export declare const ROOT: string;
export declare const STAMP_FILE: string;
export declare function sourceStamp(): { files: number; newest: number };
export declare function buildIsCurrent(): boolean;
