/**
 * The serve↔work IPC parser: every message kind as sent is taken, with its bytes viewed as a
 * Buffer; a malformed or unknown message is ignored with a reason, never trusted.
 */
import { describe, expect, it } from 'vitest';
import { parseWorkerMessage, type WorkerMessage } from '../../src/cli/worker-messages.js';

describe('parseWorkerMessage', () => {
  it.each<WorkerMessage>([
    { type: 'kick', worker: 'process-images' },
    { type: 'busy', busy: true },
    { type: 'busy', busy: false },
    { type: 'ready' },
    { type: 'metric', event: { counter: 'uploads', labels: { outcome: 'stored' } } },
    { type: 'metric', event: { counter: 'storedBytes', labels: { location: 'spool' }, value: 1024 } },
  ])('takes $type as sent', (message) => {
    expect(parseWorkerMessage(message)).toEqual({ ok: true, message });
  });

  it('takes a hold, viewing the bytes that arrive as a Uint8Array as a Buffer without copying them', () => {
    const backing = new Uint8Array([9, 1, 2, 3, 9]);
    const bytes = backing.subarray(1, 4);
    const parsed = parseWorkerMessage({ type: 'hold', assetId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', bytes });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.message.type !== 'hold') throw new Error('not a hold');
    expect(Buffer.isBuffer(parsed.message.bytes)).toBe(true);
    expect([...parsed.message.bytes]).toEqual([1, 2, 3]);
    backing[1] = 7;
    expect(parsed.message.bytes[0]).toBe(7);
  });

  it.each([
    ['null', null],
    ['a string', 'kick'],
    ['no type', { kick: 'process-images' }],
    ['the old untyped shape', { busy: true }],
    ['a kick without a worker', { type: 'kick' }],
    ['a kick with an empty worker', { type: 'kick', worker: '' }],
    ['a kick with a huge worker name', { type: 'kick', worker: 'x'.repeat(10_000) }],
    ['busy as a string', { type: 'busy', busy: 'true' }],
    ['a hold without bytes', { type: 'hold', assetId: 'a' }],
    ['a hold with bytes as an array', { type: 'hold', assetId: 'a', bytes: [1, 2, 3] }],
    ['a metric of an unknown counter', { type: 'metric', event: { counter: 'nope' } }],
    ['a metric with a negative value', { type: 'metric', event: { counter: 'uploads', value: -1 } }],
    ['a metric with a NaN value', { type: 'metric', event: { counter: 'uploads', value: Number.NaN } }],
    ['a metric with a number label', { type: 'metric', event: { counter: 'uploads', labels: { outcome: 1 } } }],
    [
      'a metric with too many labels',
      { type: 'metric', event: { counter: 'uploads', labels: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`l${i}`, 'v'])) } },
    ],
  ])('ignores %s, saying why', (_name, value) => {
    const parsed = parseWorkerMessage(value);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reason).toMatch(/\w/);
  });

  it('ignores an unknown type, naming it (cut short)', () => {
    expect(parseWorkerMessage({ type: 'reboot' })).toEqual({ ok: false, reason: 'unknown type "reboot"' });
    const parsed = parseWorkerMessage({ type: 'y'.repeat(100_000) });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason.length).toBeLessThan(100);
  });
});
