import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { IdleGate } from '../../src/jobs/idle-gate.js';
import { RequestActivity } from '../../src/jobs/request-activity.js';

describe('RequestActivity', () => {
  it('says busy at the first request and quiet only after a lull of quietMs', async () => {
    const changes: boolean[] = [];
    const activity = new RequestActivity(40, (busy) => changes.push(busy));
    activity.begin();
    activity.begin();
    expect(changes).toEqual([true]);
    expect(activity.inFlight).toBe(2);
    activity.end();
    activity.end();
    expect(activity.inFlight).toBe(0);
    // Still busy: the lull has only begun.
    expect(activity.busy).toBe(true);
    await sleep(15);
    // A request within the lull (a redirect being followed) keeps the same busy spell.
    activity.begin();
    activity.end();
    await sleep(25);
    expect(changes).toEqual([true]);
    await sleep(40);
    expect(changes).toEqual([true, false]);
    expect(activity.busy).toBe(false);
  });

  it('never counts below zero requests', async () => {
    const changes: boolean[] = [];
    const activity = new RequestActivity(5, (busy) => changes.push(busy));
    activity.end();
    expect(activity.inFlight).toBe(0);
    await sleep(20);
    expect(changes).toEqual([]);
    activity.begin();
    expect(activity.inFlight).toBe(1);
  });
});

describe('IdleGate', () => {
  it('does not wait while the server is quiet', async () => {
    const gate = new IdleGate(5_000);
    expect(await gate.wait()).toBe(0);
  });

  it('waits while busy and opens when the lull comes', async () => {
    const gate = new IdleGate(5_000);
    gate.setBusy(true);
    let opened = false;
    const waiting = gate.wait().then((ms) => {
      opened = true;
      return ms;
    });
    await sleep(30);
    expect(opened).toBe(false);
    gate.setBusy(false);
    const waited = await waiting;
    expect(waited).toBeGreaterThanOrEqual(25);
    expect(waited).toBeLessThan(5_000);
  });

  it('goes ahead after maxWaitMs when the server never gets quiet', async () => {
    const gate = new IdleGate(60);
    gate.setBusy(true);
    const waited = await gate.wait();
    expect(waited).toBeGreaterThanOrEqual(55);
    expect(gate.isBusy).toBe(true);
  });

  it('stops waiting when the signal fires', async () => {
    const gate = new IdleGate(5_000);
    gate.setBusy(true);
    const controller = new AbortController();
    const waiting = gate.wait(controller.signal);
    controller.abort();
    expect(await waiting).toBeLessThan(1_000);
  });
});
