/**
 * What the contract suite uses to check a driver's work without going through the driver:
 * the raw AWS SDK for S3, the filesystem for the local driver, SQL for the database spool.
 */
export interface RawInspector {
  /** Bytes stored under `key`, or undefined when there is no such object. */
  read(key: string): Promise<Buffer | undefined>;
  /** Content type stored with the object, or undefined. */
  contentType(key: string): Promise<string | undefined>;
  /** Every key under `prefix`, ascending (includes anything a failed put may have left). */
  listKeys(prefix: string): Promise<string[]>;
  /** Writes an object directly, bypassing the driver. */
  write(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** Multipart uploads still open under `prefix` (S3) or temp files left behind (local). */
  leftovers(prefix: string): Promise<number>;
}
