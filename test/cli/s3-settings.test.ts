/** The `--source-env`/`--to-env` file reader: KEY=value lines, parsed without a backtracking pattern. */
import { describe, expect, it } from 'vitest';
import { parseEnvFile, S3SettingsError } from '../../src/cli/s3-settings.js';

describe('parseEnvFile', () => {
  it('reads values, quoted or not, with comments and `export`', () => {
    const text = [
      '# the old app',
      'S3_BUCKET=shop',
      'export S3_REGION = eu-west-1   # where it is',
      "S3_ACCESS_KEY='key # not a comment'",
      'S3_SECRET_KEY="s3cret"',
      'S3_ENDPOINT=http://127.0.0.1:7480#frag',
      '',
      '  CDN_URL=   https://cdn.example  ',
    ].join('\r\n');
    expect(parseEnvFile(text, 'old.env')).toEqual({
      S3_BUCKET: 'shop',
      S3_REGION: 'eu-west-1',
      S3_ACCESS_KEY: 'key # not a comment',
      S3_SECRET_KEY: 's3cret',
      S3_ENDPOINT: 'http://127.0.0.1:7480#frag',
      CDN_URL: 'https://cdn.example',
    });
  });

  it('names the line that is not VARIABLE=value', () => {
    expect(() => parseEnvFile('A=1\nnot a setting', 'old.env')).toThrow(new S3SettingsError('old.env line 2 is not a VARIABLE=value line'));
  });

  it('reads a 64 KiB line of spaces, or of spaces before a #, in linear time', () => {
    const start = performance.now();
    expect(parseEnvFile(`A=x${' '.repeat(64 * 1024)}y`, 'f')).toEqual({ A: `x${' '.repeat(64 * 1024)}y` });
    expect(parseEnvFile(`A=x${' a'.repeat(32 * 1024)} #`, 'f')).toEqual({ A: `x${' a'.repeat(32 * 1024)}` });
    expect(() => parseEnvFile(`A${' '.repeat(64 * 1024)}!`, 'f')).toThrow(S3SettingsError);
    expect(performance.now() - start).toBeLessThan(100);
  });
});
