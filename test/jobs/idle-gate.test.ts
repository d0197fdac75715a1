/**
 * The lull detector and the gate image processing waits at, on a clock the tests move by hand
 * (no sleeping against real timers).
 */
import { describe, expect, it } from 'vitest';
import { IdleGate } from '../../src/jobs/idle-gate.js';
import { MIN_BYTES_PER_STALL, RequestActivity, type RequestProbe } from '../../src/jobs/request-activity.js';
import { ManualClock } from '../support/manual-clock.js';

const QUIET_MS = 40;
const STALL_MS = 400;

function setup() {
  const clock = new ManualClock();
  const changes: boolean[] = [];
  const activity = new RequestActivity({ quietMs: QUIET_MS, stallMs: STALL_MS, clock }, (busy) => changes.push(busy));
  return { clock, changes, activity };
}

/** A request on a connection: `bytes` moved so far, and whose turn it is. */
function probe(state: { bytes: number; waitsOnClient: boolean }): RequestProbe {
  return { bytesMoved: () => state.bytes, waitsOnClient: () => state.waitsOnClient };
}

describe('RequestActivity', () => {
  it('says busy at the first request and quiet only after a lull of quietMs', () => {
    const { clock, changes, activity } = setup();
    const endA = activity.begin();
    const endB = activity.begin();
    expect(changes).toEqual([true]);
    expect(activity.inFlight).toBe(2);
    endA();
    endB();
    expect(activity.inFlight).toBe(0);
    // Still busy: the lull has only begun.
    expect(activity.busy).toBe(true);
    clock.advance(15);
    // A request within the lull (a redirect being followed) keeps the same busy spell.
    activity.begin()();
    clock.advance(QUIET_MS - 1);
    expect(changes).toEqual([true]);
    clock.advance(1);
    expect(changes).toEqual([true, false]);
    expect(activity.busy).toBe(false);
  });

  it('counts an ended request once, however often its end is called', () => {
    const { clock, changes, activity } = setup();
    const end = activity.begin();
    const other = activity.begin();
    end();
    end();
    expect(activity.inFlight).toBe(1);
    clock.advance(QUIET_MS * 10);
    expect(changes).toEqual([true]);
    other();
    expect(activity.inFlight).toBe(0);
  });

  it('stops counting a request that waits on a client that sends nothing', () => {
    const { clock, changes, activity } = setup();
    // Headers and half a body in, the rest never comes.
    const stalled = { bytes: 900, waitsOnClient: true };
    const end = activity.begin(probe(stalled));
    expect(changes).toEqual([true]);
    clock.advance(STALL_MS - 1);
    expect(activity.busy).toBe(true);
    clock.advance(STALL_MS / 4 + QUIET_MS);
    expect(changes).toEqual([true, false]);
    // Still in flight (its socket is open), only not busy.
    expect(activity.inFlight).toBe(1);
    // Its bytes move again: busy again at the next look.
    stalled.bytes += 8192;
    clock.advance(STALL_MS / 4);
    expect(changes).toEqual([true, false, true]);
    end();
    clock.advance(QUIET_MS);
    expect(changes).toEqual([true, false, true, false]);
    // Nothing probed is left: after one last look, nothing keeps looking.
    clock.advance(STALL_MS / 4);
    expect(clock.pending).toBe(0);
  });

  it('keeps counting a request whose bytes keep moving at a useful rate', () => {
    const { clock, changes, activity } = setup();
    // 1 KiB every 100 ms: 4 KiB per stall window, a slow phone sending its upload.
    const slowPhone = { bytes: 0, waitsOnClient: true };
    activity.begin(probe(slowPhone));
    for (let i = 0; i < 80; i++) {
      slowPhone.bytes += MIN_BYTES_PER_STALL / 4;
      clock.advance(STALL_MS / 4);
    }
    expect(changes).toEqual([true]);
  });

  it('stops counting a request whose body trickles in (1 byte every 300 ms to POST /login)', () => {
    const { clock, changes, activity } = setup();
    // Content-Length 100000, then a byte at a time: every byte moves the counter, none makes progress.
    const trickle = { bytes: 300, waitsOnClient: true };
    const end = activity.begin(probe(trickle));
    for (let i = 0; i < 33; i++) {
      clock.advance((STALL_MS * 3) / 4);
      trickle.bytes += 1;
    }
    // Quiet within the first window and a lull, and quiet for the rest of the 10 s.
    expect(changes).toEqual([true, false]);
    expect(activity.busy).toBe(false);
    // A trickle of answer the client barely reads counts the same.
    trickle.waitsOnClient = true;
    for (let i = 0; i < 8; i++) {
      trickle.bytes += 512;
      clock.advance(STALL_MS / 4);
    }
    expect(changes).toEqual([true, false]);
    end();
  });

  it('keeps counting a request the server works on, even with no byte moving', () => {
    const { clock, changes, activity } = setup();
    const working = { bytes: 5000, waitsOnClient: false };
    activity.begin(probe(working));
    clock.advance(STALL_MS * 20);
    expect(changes).toEqual([true]);
    // The answer is written and the client does not take it: now the client's turn.
    working.waitsOnClient = true;
    clock.advance(STALL_MS / 4 + QUIET_MS);
    expect(changes).toEqual([true, false]);
  });

  it('is quiet while every request in flight is stalled, and busy as soon as another begins', () => {
    const { clock, changes, activity } = setup();
    activity.begin(probe({ bytes: 1, waitsOnClient: true }));
    clock.advance(STALL_MS * 2);
    expect(changes).toEqual([true, false]);
    const end = activity.begin();
    expect(changes).toEqual([true, false, true]);
    end();
    clock.advance(QUIET_MS);
    expect(changes).toEqual([true, false, true, false]);
  });
});

describe('IdleGate', () => {
  it('does not wait while the server is quiet', async () => {
    const gate = new IdleGate(5_000, new ManualClock());
    expect(await gate.wait()).toBe(0);
  });

  it('waits while busy and opens when the lull comes', async () => {
    const clock = new ManualClock();
    const gate = new IdleGate(5_000, clock);
    gate.setBusy(true);
    let opened = false;
    const waiting = gate.wait().then((ms) => {
      opened = true;
      return ms;
    });
    expect(gate.waiting).toBe(1);
    clock.advance(30);
    await Promise.resolve();
    expect(opened).toBe(false);
    gate.setBusy(false);
    expect(await waiting).toBe(30);
    expect(gate.waiting).toBe(0);
  });

  it('keeps waiting through a quiet spell that is over before the waiter runs', async () => {
    const clock = new ManualClock();
    const gate = new IdleGate(5_000, clock);
    gate.setBusy(true);
    let opened = false;
    const waiting = gate.wait().then((ms) => {
      opened = true;
      return ms;
    });
    clock.advance(10);
    // A backlog of busy/quiet messages read in one go: the quiet one is stale by the time it counts.
    gate.setBusy(false);
    gate.setBusy(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toBe(false);
    // The limit still counts from the start of the wait.
    clock.advance(4_990);
    expect(await waiting).toBe(5_000);
  });

  it('goes ahead after maxWaitMs when the server never gets quiet', async () => {
    const clock = new ManualClock();
    const gate = new IdleGate(60, clock);
    gate.setBusy(true);
    const waiting = gate.wait();
    clock.advance(60);
    expect(await waiting).toBe(60);
    expect(gate.isBusy).toBe(true);
  });

  it('stops waiting when the signal fires', async () => {
    const clock = new ManualClock();
    const gate = new IdleGate(5_000, clock);
    gate.setBusy(true);
    const controller = new AbortController();
    const waiting = gate.wait(controller.signal);
    clock.advance(7);
    controller.abort();
    expect(await waiting).toBe(7);
    // Its timer is cancelled, not left behind.
    expect(clock.pending).toBe(0);
  });
});
