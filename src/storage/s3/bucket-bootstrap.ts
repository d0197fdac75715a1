/**
 * Creates the bucket when it is missing and, only when `S3_PUBLIC_URL` is set, makes the image
 * prefix `t/*\/img/*` (and nothing else) anonymously readable with a bucket policy. Providers
 * that refuse policies (AWS Block Public Access, R2, some MinIO setups) get the exact policy
 * JSON to apply by hand in the result instead of an error.
 *
 * @example
 *   const outcome = await ensureBucket(client, config.s3, { signal });
 *   for (const line of outcome.messages) console.log(line);
 *   if (outcome.manualPolicy) console.log(outcome.manualPolicy);
 */
import {
  CreateBucketCommand,
  GetBucketPolicyCommand,
  HeadBucketCommand,
  PutBucketPolicyCommand,
  type BucketLocationConstraint,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { S3Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { PUBLIC_IMAGE_PATTERN } from '../key-locator.js';
import { StorageError } from '../storage-error.js';
import { describeEndpoint } from './s3-client.js';
import { mapS3Error, s3ErrorName, type S3ErrorContext } from './map-s3-error.js';

export const PUBLIC_READ_SID = 'VitrinaPublicReadImages';

export interface EnsureBucketOptions {
  signal?: AbortSignal | undefined;
  logger?: Logger | undefined;
}

export type PolicyOutcome =
  /** S3_PUBLIC_URL is set and the policy was put on the bucket now. */
  | 'applied'
  /** S3_PUBLIC_URL is set and the bucket already had it. */
  | 'unchanged'
  /** S3_PUBLIC_URL is set but the provider refused the policy: apply `manualPolicy` by hand. */
  | 'manual'
  /** S3_PUBLIC_URL is unset and the bucket has no public-read statement. */
  | 'private'
  /** S3_PUBLIC_URL is unset but a public-read statement from earlier is still there (left alone). */
  | 'left-public';

export interface EnsureBucketResult {
  bucket: string;
  created: boolean;
  policy: PolicyOutcome;
  /** The exact policy JSON to apply by hand, when `policy` is `manual`. */
  manualPolicy?: string | undefined;
  /** One line per thing done or to do, for people. */
  messages: string[];
}

interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Resource?: string | string[];
}
interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

/** Read-only anonymous access to the image prefix only: listing and writing stay private. */
export function publicReadPolicy(bucket: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: PUBLIC_READ_SID,
        Effect: 'Allow',
        Principal: '*',
        Action: ['s3:GetObject'],
        Resource: [`arn:aws:s3:::${bucket}/${PUBLIC_IMAGE_PATTERN}`],
      },
    ],
  };
}

/** S3 answers that mean "this provider or account will not take a bucket policy". */
const POLICY_REFUSED = new Set([
  'NotImplemented',
  'AccessDenied',
  'MalformedPolicy',
  'MethodNotAllowed',
  'InvalidArgument',
  'InvalidRequest',
  'Forbidden',
]);

export async function ensureBucket(client: S3Client, s3: S3Config, options: EnsureBucketOptions = {}): Promise<EnsureBucketResult> {
  const { bucket } = s3;
  const errors: S3ErrorContext = { endpoint: describeEndpoint(s3), bucket, signal: options.signal };
  const abortSignal = options.signal;
  const messages: string[] = [];

  const created = await createIfMissing(client, s3, errors);
  messages.push(created ? `Bucket "${bucket}" did not exist and was created.` : `Bucket "${bucket}" exists.`);

  const current = await readPolicy(client, bucket, errors);
  if (s3.publicUrl === undefined) {
    const isPublic = current?.Statement.some(isPublicRead) ?? false;
    if (isPublic) {
      messages.push(
        `Bucket "${bucket}" still has a public-read policy from an earlier configuration, but S3_PUBLIC_URL is unset; ` +
          'it was left in place. Remove it (e.g. `aws s3api delete-bucket-policy`) if the objects should be private.',
      );
      options.logger?.warn({ bucket }, 'bucket has a public-read policy while S3_PUBLIC_URL is unset');
    }
    return { bucket, created, policy: isPublic ? 'left-public' : 'private', messages };
  }

  const wanted = publicReadPolicy(bucket);
  const ours = wanted.Statement[0]!;
  if (current?.Statement.some((s) => s.Sid === PUBLIC_READ_SID && sameStatement(s, ours))) {
    messages.push(`Bucket "${bucket}" already lets anyone read ${PUBLIC_IMAGE_PATTERN} (and nothing else).`);
    return { bucket, created, policy: 'unchanged', messages };
  }
  // Keep whatever else the bucket's policy says; replace only our own statement.
  const merged: PolicyDocument = current
    ? { ...current, Statement: [...current.Statement.filter((s) => s.Sid !== PUBLIC_READ_SID), ours] }
    : wanted;
  try {
    await client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(merged) }), { abortSignal });
  } catch (err) {
    const name = s3ErrorName(err);
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (!abortSignal?.aborted && (POLICY_REFUSED.has(name) || status === 501)) {
      const manualPolicy = JSON.stringify(merged, null, 2);
      messages.push(
        `The store refused the bucket policy (${name || `HTTP ${status}`}), so images under S3_PUBLIC_URL will not load. ` +
          `Apply this policy to bucket "${bucket}" by hand (on AWS, first allow public bucket policies in "Block Public Access"), ` +
          'or unset S3_PUBLIC_URL to serve images through signed URLs:',
      );
      options.logger?.warn({ bucket, code: name }, 'bucket policy refused; it must be applied by hand');
      return { bucket, created, policy: 'manual', manualPolicy, messages };
    }
    throw mapS3Error(err, errors);
  }
  messages.push(`Bucket "${bucket}" now lets anyone read ${PUBLIC_IMAGE_PATTERN} (and nothing else).`);
  return { bucket, created, policy: 'applied', messages };

  async function createIfMissing(c: S3Client, cfg: S3Config, ctx: S3ErrorContext): Promise<boolean> {
    try {
      await c.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal });
      return false;
    } catch (err) {
      const mapped = mapS3Error(err, ctx);
      // HEAD has no body: a missing bucket is a bare 404 ("NotFound"), mapped to ObjectNotFound.
      if (mapped.code !== 'BucketMissing' && mapped.code !== 'ObjectNotFound') throw mapped;
    }
    try {
      await c.send(
        new CreateBucketCommand({
          Bucket: bucket,
          // us-east-1 is the default location and must not be named (AWS answers InvalidLocationConstraint).
          CreateBucketConfiguration:
            cfg.region === 'us-east-1' ? undefined : { LocationConstraint: cfg.region as BucketLocationConstraint },
        }),
        { abortSignal },
      );
      return true;
    } catch (err) {
      // Another instance created it between our HEAD and CREATE.
      if (s3ErrorName(err) === 'BucketAlreadyOwnedByYou') return false;
      if (s3ErrorName(err) === 'BucketAlreadyExists') {
        throw new StorageError('AccessDenied', `Bucket name "${bucket}" is taken by another account; choose another S3_BUCKET.`, {
          cause: err,
        });
      }
      throw mapS3Error(err, ctx);
    }
  }
}

/** The bucket's policy, or undefined when it has none (or the provider cannot say). */
async function readPolicy(client: S3Client, bucket: string, errors: S3ErrorContext): Promise<PolicyDocument | undefined> {
  try {
    const out = await client.send(new GetBucketPolicyCommand({ Bucket: bucket }), { abortSignal: errors.signal });
    const doc = JSON.parse(out.Policy ?? '{}') as Partial<PolicyDocument>;
    const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
    return { ...doc, Version: doc.Version ?? '2012-10-17', Statement: statements };
  } catch (err) {
    if (errors.signal?.aborted) throw mapS3Error(err, errors);
    return undefined; // NoSuchBucketPolicy, or a provider without policies
  }
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function isPublicRead(s: PolicyStatement): boolean {
  const principal = s.Principal as string | { AWS?: string | string[] } | undefined;
  const anyone = principal === '*' || (typeof principal === 'object' && list(principal?.AWS).includes('*'));
  return s.Effect === 'Allow' && anyone && list(s.Action).some((a) => a === 's3:GetObject' || a === 's3:*' || a === '*');
}

function sameStatement(a: PolicyStatement, b: PolicyStatement): boolean {
  const norm = (s: PolicyStatement) => JSON.stringify([s.Effect, list(s.Action).sort(), list(s.Resource).sort()]);
  return isPublicRead(a) && norm(a) === norm(b);
}
