/**
 * The old apps' product export: a CSV with a header row naming at least `name`, `sku` and
 * `sale_price` (plus `uom` and `image_path`, and optionally `description`), in any order and
 * any case. Parsed with csv-parse (RFC 4180: quoted fields, doubled quotes, line breaks inside
 * quotes, CRLF, a UTF-8 BOM); `;` is taken as the delimiter when the header has no comma, as
 * spreadsheet exports in many locales write it.
 *
 * Every record keeps the line it starts on, so each problem can be reported as "line N".
 *
 * @example
 *   const { rows } = parseLegacyCsv(await readFile('products.csv', 'utf8'));
 *   rows[0];   // { line: 2, fields: { name: 'Martillo', sku: 'HAM-1', uom: 'unit', sale_price: '12.50', image_path: '…' } }
 * @throws LegacyCsvError for a missing column or a malformed file (e.g. a quote never closed)
 */
import { CsvError, parse } from 'csv-parse/sync';

/** `stock_quantity` (optional, empty: not tracked) is what Vitrina's own export adds; the old apps had none. */
export const LEGACY_COLUMNS = ['name', 'sku', 'uom', 'sale_price', 'image_path', 'description', 'stock_quantity'] as const;
export type LegacyColumn = (typeof LEGACY_COLUMNS)[number];
const REQUIRED: readonly LegacyColumn[] = ['name', 'sku', 'sale_price'];

export interface LegacyCsvRow {
  /** Line of the file the record starts on (the header is line 1). */
  line: number;
  fields: Partial<Record<LegacyColumn, string>>;
  /** Set when the record has a different number of fields than the header. */
  problem?: string | undefined;
}

export class LegacyCsvError extends Error {
  override readonly name = 'LegacyCsvError';
}

export function parseLegacyCsv(text: string): { rows: LegacyCsvRow[]; columns: LegacyColumn[] } {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';
  let records: { record: string[]; raw: string }[];
  try {
    records = parse(text, { bom: true, delimiter, raw: true, relax_column_count: true, skip_empty_lines: true }) as unknown as {
      record: string[];
      raw: string;
    }[];
  } catch (err) {
    if (err instanceof CsvError) throw new LegacyCsvError(`the CSV is malformed: ${err.message}`, { cause: err });
    throw err;
  }
  const [header, ...data] = records;
  if (header === undefined) throw new LegacyCsvError('the CSV is empty: expected a header row such as name,sku,uom,sale_price,image_path');
  const names = header.record.map((h) => h.trim().toLowerCase());
  const missing = REQUIRED.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    throw new LegacyCsvError(
      `the CSV header has no ${missing.join(', ')} column (expected name,sku,uom,sale_price,image_path; got ${header.record.join(delimiter)})`,
    );
  }
  const columns = LEGACY_COLUMNS.filter((c) => names.includes(c));
  // A record's raw text holds the empty lines skipped before it, and its own line breaks.
  let line = 1 + newlines(header.raw);
  const rows: LegacyCsvRow[] = [];
  for (const { record, raw } of data) {
    const start = line + leadingNewlines(raw);
    line += newlines(raw);
    const fields: LegacyCsvRow['fields'] = {};
    for (const column of columns) fields[column] = (record[names.indexOf(column)] ?? '').trim();
    const problem = record.length === names.length ? undefined : `has ${record.length} fields, the header ${names.length}`;
    rows.push({ line: start, fields, problem });
  }
  return { rows, columns };
}

/**
 * Line breaks in a record's raw text: CRLF, LF or a lone CR each count once. With CRLF records
 * (what Excel saves) csv-parse's raw text ends in the CR alone, the LF left out, so counting
 * LFs only put every record of such a file on line 1.
 */
function newlines(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) n++;
  }
  return n;
}

function leadingNewlines(text: string): number {
  let end = 0;
  while (end < text.length && (text[end] === '\r' || text[end] === '\n')) end++;
  return newlines(text.slice(0, end));
}
