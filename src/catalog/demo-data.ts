/**
 * The demo catalog a newcomer finds on first start: a tenant, its user and a few products
 * with real images (drawn here as SVG and rendered to JPEG by sharp), every image going
 * through the same upload pipeline as a person's upload. Made once: only when the database
 * has no tenant at all.
 *
 * @example
 *   const demo = await seedDemoData(runtime.catalog);   // undefined when there were tenants
 *   if (demo) logger.info(`log in as ${demo.email} / ${demo.password}`);
 */
import sharp from 'sharp';
import { sql } from 'kysely';
import { inspected, inspectUpload } from '../media/inspect-upload.js';
import { signUp } from '../tenancy/tenancy.service.js';
import { createProduct, type CatalogDeps } from './catalog.service.js';

export const DEMO_LOGIN = { email: 'demo@vitrina.test', password: 'vitrina-demo' } as const;
const DEMO_TENANT = 'Demo Hardware';

interface DemoProduct {
  sku: string;
  name: string;
  description: string;
  uomId: number;
  salePrice: string;
  /** The picture's SVG body, drawn on a 1200×900 canvas. */
  art: string;
  background: [string, string];
}

const PRODUCTS: DemoProduct[] = [
  {
    sku: 'HAM-16',
    name: 'Claw hammer 16 oz',
    description: 'Forged steel head, fibreglass handle.',
    uomId: 1,
    salePrice: '24.90',
    background: ['#f4d9a6', '#e0a96d'],
    art: '<rect x="560" y="260" width="80" height="520" rx="30" fill="#3b3b3b"/><rect x="380" y="200" width="440" height="120" rx="24" fill="#8a9199"/><path d="M820 210 q120 30 140 130 l-60 -10 q-20 -60 -80 -70z" fill="#6d747b"/>',
  },
  {
    sku: 'SCR-PH2',
    name: 'Screwdriver PH2',
    description: 'Magnetic tip, soft grip.',
    uomId: 1,
    salePrice: '6.50',
    background: ['#cfe8f7', '#7fb7de'],
    art: '<rect x="300" y="410" width="330" height="90" rx="40" fill="#d9452b"/><rect x="630" y="440" width="300" height="30" fill="#b8bec4"/><path d="M930 440 l50 15 l-50 15z" fill="#8a9199"/>',
  },
  {
    sku: 'PNT-WHT-4L',
    name: 'Wall paint, white, 4 l',
    description: 'Washable matt finish for interiors.',
    uomId: 4,
    salePrice: '32.00',
    background: ['#e9f1e4', '#a9c79a'],
    art: '<ellipse cx="600" cy="330" rx="230" ry="60" fill="#d0d4d8"/><rect x="370" y="330" width="460" height="360" fill="#eef0f2"/><ellipse cx="600" cy="690" rx="230" ry="60" fill="#c3c8cc"/><rect x="370" y="440" width="460" height="140" fill="#4a7fc1"/>',
  },
  {
    sku: 'NAIL-50',
    name: 'Wire nails 50 mm',
    description: 'Bright steel, 1 kg box.',
    uomId: 2,
    salePrice: '4.75',
    background: ['#f1e3f3', '#c79bcc'],
    art: '<rect x="380" y="300" width="440" height="360" rx="18" fill="#c48a3f"/><g stroke="#7b8188" stroke-width="14" stroke-linecap="round"><line x1="440" y1="260" x2="520" y2="140"/><line x1="560" y1="250" x2="600" y2="120"/><line x1="680" y1="260" x2="660" y2="130"/><line x1="760" y1="270" x2="800" y2="150"/></g>',
  },
  {
    sku: 'TAPE-5M',
    name: 'Tape measure 5 m',
    description: 'Metric and imperial, belt clip.',
    uomId: 1,
    salePrice: '9.90',
    background: ['#fff3c4', '#f2c94c'],
    art: '<circle cx="560" cy="450" r="220" fill="#f2b705"/><circle cx="560" cy="450" r="90" fill="#3b3b3b"/><rect x="760" y="560" width="300" height="50" fill="#e8e8e8"/><rect x="1040" y="540" width="20" height="90" fill="#8a9199"/>',
  },
  {
    sku: 'WRN-ADJ-10',
    name: 'Adjustable wrench 10"',
    description: 'Chrome vanadium, 30 mm jaw.',
    uomId: 1,
    salePrice: '14.20',
    background: ['#dde3ea', '#9aa7b5'],
    art: '<rect x="330" y="420" width="520" height="80" rx="40" fill="#a7adb3" transform="rotate(-20 600 460)"/><circle cx="860" cy="340" r="110" fill="#a7adb3"/><rect x="840" y="260" width="70" height="90" fill="#9aa7b5"/>',
  },
  {
    sku: 'BULB-LED-9W',
    name: 'LED bulb E27 9 W',
    description: 'Warm white, 806 lm.',
    uomId: 1,
    salePrice: '3.20',
    background: ['#fdf6e3', '#f5d98b'],
    art: '<circle cx="600" cy="380" r="200" fill="#fff8d6" stroke="#e6c35c" stroke-width="10"/><rect x="520" y="560" width="160" height="130" rx="10" fill="#b0b6bc"/><rect x="545" y="690" width="110" height="50" rx="20" fill="#7b8188"/>',
  },
  {
    sku: 'BOX-TOOL-19',
    name: 'Toolbox 19"',
    description: 'Removable tray, metal latches.',
    uomId: 1,
    salePrice: '27.50',
    background: ['#fde2dc', '#ee8f7c'],
    art: '<rect x="300" y="380" width="600" height="320" rx="24" fill="#c0392b"/><rect x="300" y="380" width="600" height="70" fill="#a93226"/><rect x="500" y="290" width="200" height="110" rx="30" fill="none" stroke="#3b3b3b" stroke-width="26"/>',
  },
];

async function picture(p: DemoProduct): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900" viewBox="0 0 1200 900">
<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${p.background[0]}"/><stop offset="1" stop-color="${p.background[1]}"/></linearGradient></defs>
<rect width="1200" height="900" fill="url(#bg)"/><ellipse cx="600" cy="800" rx="380" ry="40" fill="#000" opacity="0.12"/>${p.art}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 88 }).toBuffer();
}

export interface DemoOutcome {
  tenantId: number;
  email: string;
  password: string;
  products: number;
}

export async function seedDemoData(deps: CatalogDeps, options: { maxPixels: number }): Promise<DemoOutcome | undefined> {
  const { db } = deps;
  const tenants = await db
    .selectFrom('tenants')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  if (tenants.n > 0) return undefined;
  const { tenant } = await signUp(db, { tenantName: DEMO_TENANT, email: DEMO_LOGIN.email, password: DEMO_LOGIN.password });
  for (const p of PRODUCTS) {
    const bytes = await picture(p);
    const checked = await inspectUpload(bytes, { allowedTypes: deps.media.allowedTypes, maxPixels: options.maxPixels });
    await createProduct(
      deps,
      tenant.id,
      { sku: p.sku, name: p.name, description: p.description, uomId: p.uomId, salePrice: p.salePrice },
      { bytes, fileName: `${p.sku.toLowerCase()}.jpg`, inspection: inspected(checked) },
    );
  }
  return { tenantId: tenant.id, ...DEMO_LOGIN, products: PRODUCTS.length };
}
