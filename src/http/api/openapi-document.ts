/**
 * The OpenAPI 3.1 description of /api/v1, served at GET /api/v1/openapi.json. A plain object,
 * written by hand next to the routes it describes (src/http/routes/api-*.ts); the tests check
 * that it names every route and every field of the product the API sends.
 *
 * Built from the config so the documented upload limit and image types are the real ones.
 *
 * @example
 *   const doc = openApiDocument({ maxUploadSize: 2097152, allowedTypes: ['image/jpeg', 'image/png'] });
 *   doc.paths['/api/v1/products'].get.operationId;   // 'listProducts'
 */
import { formatMegabytes } from '../../media/size-limit.js';

export interface OpenApiOptions {
  maxUploadSize: number;
  allowedTypes: readonly string[];
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const response = (name: string) => ({ $ref: `#/components/responses/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });

const productId = {
  name: 'id',
  in: 'path',
  required: true,
  description: "The product's id. Another tenant's id is answered exactly like an id that does not exist (404).",
  schema: { type: 'integer', minimum: 1, maximum: 2147483647 },
};

const productOk = (description: string) => ({ description, content: json(ref('Product')) });

/** Fields shared by the create and update bodies. */
const writable = {
  sku: {
    type: 'string',
    pattern: '^[\\p{L}\\p{N}][\\p{L}\\p{N}._\\-/]{0,63}$',
    description: 'Unique within the tenant: up to 64 letters, digits and . _ - /.',
    examples: ['TEA-1'],
  },
  name: { type: 'string', minLength: 1, maxLength: 200, examples: ['Green tea'] },
  description: { type: ['string', 'null'], maxLength: 5000, description: 'Empty (or null) for none.' },
  uom_id: { type: 'integer', minimum: 1, description: 'A unit of measure: 1 unit, 2 kg, 3 g, 4 l, 5 ml, 6 m, 7 box, …' },
  sale_price: {
    oneOf: [
      { type: 'string', pattern: '^\\d{1,10}([.,]\\d{1,2})?$' },
      { type: 'number', minimum: 0 },
    ],
    description:
      'Not negative, at most 2 decimals. A string ("19.90") is exact; a number is accepted when its shortest form has at most 2 decimals.',
    examples: ['19.90'],
  },
  stock_quantity: {
    type: ['integer', 'null'],
    minimum: 0,
    maximum: 2147483647,
    description: 'Stock on hand, a whole number; null (or left out of a create) when not tracked.',
    examples: [12],
  },
};

export function openApiDocument(options: OpenApiOptions) {
  const limit = `${options.maxUploadSize} bytes (${formatMegabytes(options.maxUploadSize)})`;
  const types = options.allowedTypes.join(', ');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vitrina API',
      version: '1.0.0',
      description: [
        "A tenant's product catalog. Authenticate with a per-tenant API key, made with",
        '`vitrina apikey create --tenant ID --name NAME`, sent as `Authorization: Bearer vk_…`.',
        '',
        'Every error is `{"error":{"code","message"}}` (plus `fields` for per-field problems), with the',
        'HTTP status: 400 malformed request or JSON, 401 missing or bad key, 404 no such product',
        "(or another tenant's), 409 duplicate SKU, 413 file too large, 415 file or body type not allowed,",
        '422 invalid fields or a damaged image, 503 storage temporarily unavailable.',
        '',
        'Image URLs are computed for each response (public, CDN or signed with an expiry): fetch them',
        'soon, and ask the API again rather than storing them.',
      ].join('\n'),
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    paths: {
      '/api/v1/products': {
        get: {
          operationId: 'listProducts',
          summary: "A page of the tenant's products, newest first",
          parameters: [
            {
              name: 'q',
              in: 'query',
              schema: { type: 'string', maxLength: 200 },
              description: 'Matches name or SKU, case-insensitively, anywhere in the text.',
            },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
            { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
          ],
          responses: {
            200: { description: 'The page, and how many products match in all.', content: json(ref('ProductList')) },
            400: response('BadRequest'),
            401: response('Unauthorized'),
          },
        },
        post: {
          operationId: 'createProduct',
          summary: 'Create a product',
          requestBody: { required: true, content: json(ref('ProductCreate')) },
          responses: {
            201: {
              description: "Created. `Location` is the new product's URL.",
              headers: { Location: { schema: { type: 'string' }, description: '/api/v1/products/{id}' } },
              content: json(ref('Product')),
            },
            400: response('BadRequest'),
            401: response('Unauthorized'),
            409: response('Conflict'),
            415: response('UnsupportedMediaType'),
            422: response('Unprocessable'),
          },
        },
      },
      '/api/v1/products.csv': {
        get: {
          operationId: 'exportProductsCsv',
          summary: 'Every product of the tenant as CSV (the columns `vitrina import legacy` reads, plus stock and image URLs)',
          description: [
            'Columns: name, sku, uom, sale_price, image_path, description, stock_quantity, image_urls. UTF-8 with a BOM,',
            "CRLF records; a cell starting with = + - @, a tab or a carriage return is prefixed with `'` (CSV injection).",
            'image_path is the normalised original; image_urls every rendition, space-separated. Signed URLs expire',
            'after SIGNED_URL_TTL seconds (default 3600; at least half of it is left when sent). Streamed: products in the trash are left out.',
          ].join('\n'),
          parameters: [
            {
              name: 'q',
              in: 'query',
              schema: { type: 'string', maxLength: 200 },
              description: 'Matches name or SKU, case-insensitively, anywhere in the text.',
            },
            {
              name: 'stock',
              in: 'query',
              schema: { type: 'string', enum: ['low'] },
              description: 'Only products whose stock is tracked and at most 5.',
            },
          ],
          responses: {
            200: {
              description: 'The CSV, as an attachment.',
              headers: {
                'Content-Disposition': {
                  schema: { type: 'string' },
                  description: 'attachment; filename="vitrina-products-YYYY-MM-DD.csv"',
                },
              },
              content: { 'text/csv': { schema: { type: 'string' } } },
            },
            400: response('BadRequest'),
            401: response('Unauthorized'),
          },
        },
      },
      '/api/v1/products/{id}': {
        parameters: [productId],
        get: {
          operationId: 'getProduct',
          summary: 'One product',
          responses: { 200: productOk('The product.'), 401: response('Unauthorized'), 404: response('NotFound') },
        },
        patch: {
          operationId: 'updateProduct',
          summary: 'Change some fields of a product',
          requestBody: { required: true, content: json(ref('ProductPatch')) },
          responses: {
            200: productOk('The product as changed.'),
            400: response('BadRequest'),
            401: response('Unauthorized'),
            404: response('NotFound'),
            409: response('Conflict'),
            415: response('UnsupportedMediaType'),
            422: response('Unprocessable'),
          },
        },
        delete: {
          operationId: 'deleteProduct',
          summary: 'Move a product to the trash',
          description: [
            'The product goes to the trash with its image: from then on it is a 404 everywhere (get, update, image, list)',
            'but keeps its SKU. It can be restored until `purge_at` (30 days), when it and its image are deleted for good.',
          ].join(' '),
          responses: {
            200: { description: 'In the trash.', content: json(ref('Trashed')) },
            401: response('Unauthorized'),
            404: response('NotFound'),
          },
        },
      },
      '/api/v1/products/{id}/restore': {
        parameters: [productId],
        post: {
          operationId: 'restoreProduct',
          summary: 'Take a product back out of the trash',
          description: 'Never conflicts: a trashed product keeps its SKU. 404 when the product is not in the trash.',
          responses: { 200: productOk('The product, back in the catalog.'), 401: response('Unauthorized'), 404: response('NotFound') },
        },
      },
      '/api/v1/products/{id}/image': {
        parameters: [productId],
        put: {
          operationId: 'putProductImage',
          summary: "Upload or replace a product's image",
          description: [
            `At most ${limit}; the type is read from the bytes (allowed: ${types}), never from a header or a file name.`,
            'The image is processed after the response: it is `processing` until its variants are made, then `ready`',
            "(or `broken` if it could not be decoded). A replaced image's objects are removed from storage shortly after.",
          ].join(' '),
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  properties: {
                    image: { type: 'string', format: 'binary', description: 'The image (the field may also be named `file`).' },
                  },
                  required: ['image'],
                },
              },
              'image/*': { schema: { type: 'string', format: 'binary' } },
              'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
            },
          },
          responses: {
            200: productOk('The product, its new image `processing`.'),
            400: response('BadRequest'),
            401: response('Unauthorized'),
            404: response('NotFound'),
            413: response('TooLarge'),
            415: response('UnsupportedMediaType'),
            422: response('Unprocessable'),
            503: response('Unavailable'),
          },
        },
        delete: {
          operationId: 'deleteProductImage',
          summary: "Remove a product's image",
          responses: { 200: productOk('The product, without an image.'), 401: response('Unauthorized'), 404: response('NotFound') },
        },
      },
      '/api/v1/openapi.json': {
        get: {
          operationId: 'openApiDocument',
          summary: 'This document',
          security: [],
          responses: { 200: { description: 'The OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'vk_<prefix>_<secret>',
          description: 'A per-tenant API key: `vitrina apikey create --tenant ID --name NAME`.',
        },
      },
      schemas: {
        Product: {
          type: 'object',
          required: ['id', 'sku', 'name', 'description', 'uom', 'sale_price', 'stock_quantity', 'image', 'created_at', 'updated_at'],
          properties: {
            id: { type: 'integer' },
            sku: { type: 'string' },
            name: { type: 'string' },
            description: { type: 'string' },
            uom: ref('Unit'),
            sale_price: {
              type: 'string',
              pattern: '^\\d{1,10}\\.\\d{2}$',
              description: 'An exact decimal, always with 2 decimals.',
              examples: ['19.90'],
            },
            stock_quantity: { type: ['integer', 'null'], minimum: 0, description: 'Stock on hand; null when not tracked.' },
            image: { oneOf: [{ type: 'null' }, ref('Image')] },
            created_at: { type: 'string', format: 'date-time' },
            updated_at: { type: 'string', format: 'date-time' },
          },
        },
        Trashed: {
          type: 'object',
          required: ['id', 'trashed', 'deleted_at', 'purge_at'],
          properties: {
            id: { type: 'integer' },
            trashed: { const: true },
            deleted_at: { type: 'string', format: 'date-time' },
            purge_at: { type: 'string', format: 'date-time', description: 'When it is deleted for good unless restored.' },
          },
        },
        Unit: {
          type: 'object',
          required: ['id', 'code'],
          properties: { id: { type: 'integer' }, code: { type: 'string', examples: ['kg'] } },
        },
        Image: {
          type: 'object',
          required: ['status', 'width', 'height', 'variants'],
          properties: {
            status: { enum: ['processing', 'ready', 'broken'] },
            width: { type: 'integer', description: 'Pixels, after orientation.' },
            height: { type: 'integer' },
            variants: { type: 'array', items: ref('Variant'), description: 'Empty until the image is ready.' },
          },
        },
        Variant: {
          type: 'object',
          required: ['name', 'width', 'height', 'bytes', 'content_type', 'url'],
          properties: {
            name: { type: 'string', description: '`original` (normalised, metadata stripped) or a width such as `w480`.' },
            width: { type: 'integer' },
            height: { type: 'integer' },
            bytes: { type: 'integer' },
            content_type: { type: 'string', examples: ['image/webp'] },
            url: { type: 'string', format: 'uri', description: 'Computed for this response; signed URLs expire.' },
          },
        },
        ProductList: {
          type: 'object',
          required: ['items', 'total', 'limit', 'offset'],
          properties: {
            items: { type: 'array', items: ref('Product') },
            total: { type: 'integer', description: 'How many products match, in all pages.' },
            limit: { type: 'integer' },
            offset: { type: 'integer' },
          },
        },
        ProductCreate: {
          type: 'object',
          required: ['sku', 'name', 'sale_price'],
          additionalProperties: false,
          properties: { ...writable, uom_id: { ...writable.uom_id, default: 1 } },
        },
        ProductPatch: {
          type: 'object',
          additionalProperties: false,
          description: 'Only the fields given are changed.',
          properties: writable,
        },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: {
                  type: 'string',
                  description:
                    'Stable, for programs: BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable, Unavailable, Internal, …',
                  examples: ['Unprocessable'],
                },
                message: { type: 'string', description: 'For people.' },
                fields: {
                  type: 'object',
                  additionalProperties: { type: 'string' },
                  description: 'What is wrong with each field, when the problem is in the fields.',
                  examples: [{ sale_price: 'Enter a price such as 19.99 (no more than 2 decimals, not negative).' }],
                },
              },
            },
          },
        },
      },
      responses: {
        BadRequest: {
          description: 'The request is malformed (bad JSON, a bad query parameter, a form without a file).',
          content: json(ref('Error')),
        },
        Unauthorized: {
          description: 'No API key, or one that is not valid or was revoked.',
          headers: { 'WWW-Authenticate': { schema: { type: 'string' }, description: 'Bearer realm="vitrina"' } },
          content: json(ref('Error')),
        },
        NotFound: { description: "No such product in this tenant (another tenant's id included).", content: json(ref('Error')) },
        Conflict: { description: 'Another product of the tenant has this SKU.', content: json(ref('Error')) },
        TooLarge: { description: `The file is larger than ${limit}; nothing was stored.`, content: json(ref('Error')) },
        UnsupportedMediaType: {
          description: `The file is not one of ${types} (judged from its bytes), or the body is not of a type this endpoint takes.`,
          content: json(ref('Error')),
        },
        Unprocessable: { description: 'Invalid fields (see `fields`), or an empty or damaged image.', content: json(ref('Error')) },
        Unavailable: { description: 'Storage is temporarily unavailable; try again shortly.', content: json(ref('Error')) },
      },
    },
  };
}
