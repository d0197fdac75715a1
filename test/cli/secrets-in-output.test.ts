/**
 * No secret in any error or log line (issue 13, finding 7; README, "Configuration"). Every
 * secret-bearing variable's bad value is checked in-process, through the same `loadConfig`
 * the CLI uses; then the real `vitrina` prints a configuration error, a failed start-up and a
 * store that refuses the keys, and none of the secrets shows in any line it writes.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { freePort } from '../../src/free-port.js';
import { vitrina } from '../support/run-cli.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

const SECRET = 'Hunter2-s3cr3t';

describe('configuration errors', () => {
  it.each([
    // [env, variable named, what the line shows of the value (undefined: nothing)]
    [{ DATABASE_URL: `postgress://user:${SECRET}@db/x` }, 'DATABASE_URL', '"postgress://user:***@db/x"'],
    [{ DATABASE_URL: `postgres://user:${SECRET}@db:port/x` }, 'DATABASE_URL', '"postgres://user:***@db:port/x"'],
    [
      { DATABASE_URL: `postgress://db/x?sslmode=require&password=${SECRET}` },
      'DATABASE_URL',
      '"postgress://db/x?sslmode=require&password=***"',
    ],
    [{ DATABASE_URL: `user:${SECRET}@db/x` }, 'DATABASE_URL', '"user:***@db/x"'],
    [{ SECRET_KEY: SECRET }, 'SECRET_KEY', undefined],
    [{ S3_SECRET_KEY: SECRET }, 'S3_ACCESS_KEY', undefined],
    // The missing half of the pair is named by its primary name.
    [{ AWS_SECRET_ACCESS_KEY: SECRET }, 'S3_ACCESS_KEY', undefined],
    [{ S3_ACCESS_KEY: SECRET }, 'S3_SECRET_KEY', undefined],
    [{ AWS_ACCESS_KEY_ID: SECRET }, 'S3_SECRET_KEY', undefined],
    [{ S3_ENDPOINT: `http://AKID:${SECRET}@127.0.0.1:9000` }, 'S3_ENDPOINT', '"http://AKID:***@127.0.0.1:9000"'],
    [{ S3_ENDPOINT: `ftp://${SECRET}@store` }, 'S3_ENDPOINT', '"ftp://***@store"'],
    [{ S3_PUBLIC_URL: `https://cdn:${SECRET}@cdn.example.com` }, 'S3_PUBLIC_URL', '"https://cdn:***@cdn.example.com"'],
    [{ CDN_URL: `ftp://cdn.example.com/?token=${SECRET}` }, 'CDN_URL', '"ftp://cdn.example.com/?token=***"'],
    [{ APP_URL: `https://admin:${SECRET}@shop.example.com` }, 'APP_URL', '"https://admin:***@shop.example.com"'],
    [{ METRICS_TOKEN: SECRET }, 'METRICS_TOKEN', undefined],
    [{ METRICS_TOKEN: `${SECRET} with spaces` }, 'METRICS_TOKEN', undefined],
  ] as const)('%j names %s and shows no secret', (env, variable, shown) => {
    const err = configError(env as Record<string, string>);
    expect(err.variable).toBe(variable);
    expect(err.message.startsWith(`${variable} `)).toBe(true);
    expect(err.message).not.toContain('\n');
    expect(err.message).not.toContain(SECRET);
    if (shown !== undefined) expect(err.message).toContain(`(got ${shown})`);
  });

  it('says what is expected of a URL with credentials where none belong', () => {
    expect(configError({ S3_ENDPOINT: `http://AKID:${SECRET}@127.0.0.1:9000` }).message).toBe(
      'S3_ENDPOINT must not contain a user name or password (the S3 keys go in S3_ACCESS_KEY and S3_SECRET_KEY) (got "http://AKID:***@127.0.0.1:9000")',
    );
    // A password in DATABASE_URL is how PostgreSQL is told it.
    expect(loadConfig({ DATABASE_URL: `postgres://user:${SECRET}@db/x` }).databaseUrl).toBe(`postgres://user:${SECRET}@db/x`);
  });
});

describe('the vitrina command', () => {
  it('prints no secret in a configuration error, a failed start-up or a refused S3 key', async () => {
    const secrets = {
      password: 'pw-Hunter2-db',
      sslPassword: 'ssl-Hunter2-db',
      endpointPassword: 'pw-Hunter2-endpoint',
      secretKey: 'sk-Hunter2-0123456789abcdef0123456789abcdef',
      s3Access: 'AKID-Hunter2-access',
      s3Secret: 'S3-Hunter2-secret-key',
      metricsToken: 'mt-Hunter2-0123456789abcdef',
    };
    const closedPort = await freePort();
    const [typo, endpoint, refused, unreachable] = await Promise.all([
      vitrina(['serve'], { DATABASE_URL: `postgress://user:${secrets.password}@db/x` }, { timeoutMs: 30_000 }),
      vitrina(
        ['doctor'],
        { S3_BUCKET: 'uploads', S3_ENDPOINT: `http://user:${secrets.endpointPassword}@127.0.0.1:${closedPort}` },
        { timeoutMs: 30_000 },
      ),
      // The real store, with keys it does not know.
      vitrina(
        ['doctor'],
        {
          S3_BUCKET: 'uploads',
          S3_ENDPOINT: process.env.S3_ENDPOINT,
          S3_REGION: process.env.S3_REGION,
          S3_ACCESS_KEY: secrets.s3Access,
          S3_SECRET_KEY: secrets.s3Secret,
          SECRET_KEY: secrets.secretKey,
          METRICS_TOKEN: secrets.metricsToken,
        },
        { timeoutMs: 30_000 },
      ),
      // A database that refuses the connection, named with a password in the URL and in its query.
      vitrina(
        ['serve'],
        {
          DATABASE_URL: `postgres://vitrina:${secrets.password}@127.0.0.1:${closedPort}/x?sslpassword=${secrets.sslPassword}`,
          JOBS: 'off',
          PORT: '0',
          SECRET_KEY: secrets.secretKey,
          METRICS_TOKEN: secrets.metricsToken,
          LOG_LEVEL: 'debug',
        },
        { timeoutMs: 30_000 },
      ),
    ]);

    expect([typo.code, typo.stderr]).toEqual([
      2,
      'vitrina: configuration error: DATABASE_URL must start with postgres: or postgresql: (got "postgress://user:***@db/x")\n',
    ]);
    expect(endpoint.code).toBe(1);
    expect(endpoint.stdout).toContain('S3_ENDPOINT must not contain a user name or password');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/credentials .*access key/);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/ECONNREFUSED/);

    for (const run of [typo, endpoint, refused, unreachable]) {
      const output = `${run.stdout}\n${run.stderr}`;
      for (const secret of Object.values(secrets)) expect(output).not.toContain(secret);
    }
  });
});
