/**
 * The instance's Prometheus metrics, one registry per runtime (tests build many). Counters
 * and the latency histogram are this instance's; the backlog gauges are read from the
 * database at scrape time, so every instance reports the same shared backlog.
 *
 * @example
 *   metrics.uploads.inc({ outcome: 'spooled' });
 *   const text = await metrics.registry.metrics();   // GET /metrics
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type UploadOutcome = 'stored' | 'spooled' | 'refused' | 'failed';

const COUNTER_NAMES = ['uploads', 'storedBytes', 's3Errors', 'images', 'replicated', 'purged'] as const;
/** The counters, by name, as `count` takes them. */
export type CounterName = (typeof COUNTER_NAMES)[number];

/**
 * One increment of a counter. A worker process (JOBS=process) sends these to its web process,
 * whose /metrics then reports the work done on its behalf.
 */
export interface CounterEvent {
  counter: CounterName;
  labels?: Record<string, string> | undefined;
  value?: number | undefined;
}

export function isCounterEvent(value: unknown): value is CounterEvent {
  const e = value as CounterEvent | null;
  return typeof e === 'object' && e !== null && (COUNTER_NAMES as readonly string[]).includes(e.counter);
}

export interface MetricsSources {
  /** 0 closed, 1 half-open, 2 open; undefined when there is no breaker (local driver). */
  breakerState(): number | undefined;
  spoolBacklog(): Promise<{ assets: number; bytes: number }>;
  purgeBacklog(): Promise<{ total: number; due: number }>;
  processingBacklog(): Promise<number>;
}

export class Metrics {
  readonly registry = new Registry();
  readonly uploads = new Counter({
    name: 'vitrina_uploads_total',
    help: 'Image uploads by outcome: stored (object store), spooled (fallback spool), refused (bad file), failed (could not be stored).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly storedBytes = new Counter({
    name: 'vitrina_stored_bytes_total',
    help: 'Bytes of uploads and processed images written, by where they went.',
    labelNames: ['location'] as const,
    registers: [this.registry],
  });
  readonly uploadSeconds = new Histogram({
    name: 'vitrina_upload_duration_seconds',
    help: 'Time to answer an upload request (the image is processed afterwards).',
    buckets: [0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12],
    registers: [this.registry],
  });
  readonly s3Errors = new Counter({
    name: 'vitrina_s3_errors_total',
    help: 'Failed object-store calls by kind (StoreUnreachable, StoreError, CircuitOpen, ObjectNotFound, …).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly images = new Counter({
    name: 'vitrina_images_processed_total',
    help: 'Images processed after upload, by outcome (ready, broken, retry, gone).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly replicated = new Counter({
    name: 'vitrina_spool_replicated_total',
    help: 'Assets copied from the fallback spool to the object store and verified.',
    registers: [this.registry],
  });
  readonly purged = new Counter({
    name: 'vitrina_purged_total',
    help: 'Purge jobs by outcome (purged, kept: still referenced, retry).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** @param forward where to send every increment too (a worker process sends them to its web process). */
  constructor(
    sources: MetricsSources,
    private readonly forward?: (event: CounterEvent) => void,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'vitrina_process_' });
    new Gauge({
      name: 'vitrina_s3_breaker_state',
      help: 'Object-store circuit breaker: 0 closed, 1 half-open, 2 open.',
      registers: [this.registry],
      collect() {
        const state = sources.breakerState();
        if (state !== undefined) this.set(state);
      },
    });
    new Gauge({
      name: 'vitrina_spool_backlog_assets',
      help: 'Assets whose objects wait in the fallback spool for replication (all instances).',
      registers: [this.registry],
      async collect() {
        this.set((await sources.spoolBacklog()).assets);
      },
    });
    new Gauge({
      name: 'vitrina_spool_bytes',
      help: 'Bytes held in the fallback spool.',
      registers: [this.registry],
      async collect() {
        this.set((await sources.spoolBacklog()).bytes);
      },
    });
    new Gauge({
      name: 'vitrina_purge_backlog',
      help: 'Objects queued for purge (all instances), by state (queued: all, due: ready to run).',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const { total, due } = await sources.purgeBacklog();
        this.set({ state: 'queued' }, total);
        this.set({ state: 'due' }, due);
      },
    });
    new Gauge({
      name: 'vitrina_processing_backlog',
      help: 'Uploads waiting to be processed (all instances).',
      registers: [this.registry],
      async collect() {
        this.set(await sources.processingBacklog());
      },
    });
  }

  /** Adds to a counter (and forwards the increment, in a worker process). */
  count(counter: CounterName, labels: Record<string, string> = {}, value = 1): void {
    (this[counter] as Counter<string>).inc(labels, value);
    this.forward?.({ counter, labels, value });
  }
}
