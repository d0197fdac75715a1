/**
 * A legacy CSV row checked the way the product form checks its fields (parseProductInput),
 * with the unit given by code, name or id (`kg`, `Kilogram`, `2`; any case; empty means
 * `unit`), and SKUs compared case-insensitively across the file: a SKU seen on an earlier
 * line makes the later row a duplicate.
 *
 * @example
 *   const checked = checkLegacyRows(rows, units);
 *   checked[0];   // { line: 2, ok: true, input: { sku, name, … }, imagePath: 'martillo.jpg' }
 */
import type { Unit } from '../../db/schema.js';
import { parseProductInput, type ProductInput } from '../product-input.js';
import type { LegacyCsvRow } from './legacy-csv.js';

export type CheckedRow =
  | { line: number; ok: true; input: ProductInput; imagePath: string | undefined }
  | { line: number; ok: false; sku: string | undefined; reason: string };

export function unitResolver(units: readonly Unit[]): (text: string) => number | undefined {
  const byName = new Map<string, number>();
  for (const u of units) {
    byName.set(u.code.toLowerCase(), u.id);
    byName.set(u.name.toLowerCase(), u.id);
    byName.set(String(u.id), u.id);
  }
  return (text) => (text.trim() === '' ? 1 : byName.get(text.trim().toLowerCase()));
}

export function checkLegacyRows(rows: readonly LegacyCsvRow[], units: readonly Unit[]): CheckedRow[] {
  const unitId = unitResolver(units);
  const firstLine = new Map<string, number>();
  return rows.map((row): CheckedRow => {
    const f = row.fields;
    const sku = f.sku === undefined || f.sku === '' ? undefined : f.sku;
    const refuse = (reason: string): CheckedRow => ({ line: row.line, ok: false, sku, reason });
    if (row.problem !== undefined) return refuse(`the record ${row.problem}`);
    const uom = unitId(f.uom ?? '');
    // A quoted CSV field may span lines; a product name is one line, so its breaks become spaces.
    const name = f.name?.replace(/[\t\r\n]+/g, ' ');
    const parsed = parseProductInput({
      name,
      sku: f.sku,
      sale_price: f.sale_price,
      description: f.description,
      stock_quantity: f.stock_quantity,
      uom_id: uom === undefined ? undefined : String(uom),
    });
    const problems: string[] = [];
    if (uom === undefined) problems.push(`uom: unknown unit ${JSON.stringify(f.uom)} (use one of ${units.map((u) => u.code).join(', ')})`);
    if (!parsed.ok) for (const [field, message] of Object.entries(parsed.errors)) problems.push(`${field}: ${message}`);
    if (sku !== undefined) {
      const key = sku.toLowerCase();
      const first = firstLine.get(key);
      if (first !== undefined) problems.unshift(`duplicate SKU ${JSON.stringify(sku)} (first on line ${first})`);
      else firstLine.set(key, row.line);
    }
    if (problems.length > 0 || !parsed.ok) return refuse(problems.join('; '));
    return {
      line: row.line,
      ok: true,
      input: parsed.value,
      imagePath: f.image_path === undefined || f.image_path === '' ? undefined : f.image_path,
    };
  });
}
