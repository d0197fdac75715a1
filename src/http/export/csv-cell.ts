/**
 * One CSV cell (RFC 4180) that a spreadsheet opens as text, never as a formula.
 *
 * CSV injection: Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`,
 * `-` or `@` as a formula (`=HYPERLINK(…)`, `=cmd|' /C calc'!A0`), and a leading tab or
 * carriage return hides such a start from a naive check. Such a cell is prefixed with `'`,
 * OWASP's advice: the spreadsheet shows the text, and `vitrina import legacy` reads it back
 * with the quote (a name "'=1+1" stays a harmless name).
 *
 * @example
 *   csvCell('Hammer');        // 'Hammer'
 *   csvCell('Say "hi", Bob'); // '"Say ""hi"", Bob"'
 *   csvCell('=SUM(A1:A9)');   // "'=SUM(A1:A9)"
 */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

export function csvCell(value: string): string {
  const safe = value.length > 0 && FORMULA_START.has(value[0]!) ? `'${value}` : value;
  // Quote only when needed: a comma, a quote or a line break; a quote inside is doubled.
  if (!/[",\r\n]/.test(safe)) return safe;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** One record, CRLF-terminated (RFC 4180; both spreadsheets and csv-parse read it). */
export function csvRecord(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
