/**
 * A `vitrina serve` that cannot start leaves no process behind (issue 13, finding 10): on a
 * port already in use, with JOBS=process, it exits with one line saying what to change, and
 * no `vitrina work` child was started (none is left running). The port is taken before the
 * worker process starts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { vitrina } from '../support/run-cli.js';

/** PIDs of this user's processes whose environment holds `marker` (read from /proc). */
async function processesWith(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '');
    if (environ.includes(marker)) pids.push(Number(entry));
  }
  return pids;
}

describe('vitrina serve on a port already in use (JOBS=process)', () => {
  let database: TestDatabase;
  let dataDir: string;
  let occupier: net.Server;
  let port = 0;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    dataDir = await mkdtemp(path.join(tmpdir(), 'vitrina-busy-port-'));
    occupier = net.createServer();
    await new Promise<void>((resolve) => occupier.listen(0, '127.0.0.1', resolve));
    port = (occupier.address() as net.AddressInfo).port;
  }, 60_000);
  afterAll(async () => {
    await new Promise((resolve) => occupier?.close(resolve));
    await database?.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('exits with one line naming PORT, and leaves no worker process running', async () => {
    const marker = `VITRINA_TEST_MARKER=${randomUUID()}`;
    const run = await vitrina(['serve'], {
      DATABASE_URL: database.url!,
      DATA_DIR: dataDir,
      STORAGE_DRIVER: 'local',
      SECRET_KEY: 'busy-port-test-secret-key-0123456789abcdef',
      JOBS: 'process',
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_DATA: 'off',
      // The worker process logs as `vitrina-work` from its first moments: none may have started.
      LOG_LEVEL: 'info',
      VITRINA_TEST_MARKER: marker.split('=')[1],
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`vitrina: 127.0.0.1:${port} is already in use: stop what listens there, or set PORT`);
    expect(run.stdout).not.toContain('"name":"vitrina-work"');
    expect(await processesWith(marker)).toEqual([]);
  }, 60_000);
});
