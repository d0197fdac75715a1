/**
 * Progress of a long command on stderr (stdout stays for the summary): a cli-progress bar with
 * items/s, MB/s and ETA on a terminal; elsewhere (a pipe, a log file, CI) one plain line every
 * few seconds and a last one at the end, so logs stay readable.
 *
 * Rates come from the work this run did (`work`), over the last few seconds; what was skipped
 * (already done by an earlier run) moves the bar but not the rates. The ETA divides the bytes
 * left by the byte rate, or the items left by the item rate when there are no byte counts.
 *
 * @example
 *   const display = progressDisplay({ label: 'storage migrate', unit: 'files' });
 *   display.update({ done: 10, total: 100, doneBytes, totalBytes, work: 8, workBytes });
 *   display.stop();
 */
import cliProgress from 'cli-progress';

export interface ProgressState {
  done: number;
  total: number;
  doneBytes: number;
  totalBytes: number;
  /** Items this run actually worked on (copied, imported), and their bytes: the rates' basis. */
  work: number;
  workBytes: number;
}

export interface ProgressDisplay {
  update(state: ProgressState): void;
  /** Draws the final state and releases the terminal line. */
  stop(): void;
}

export interface ProgressDisplayOptions {
  /** Starts each plain line, e.g. `storage migrate`. */
  label: string;
  /** What is counted, plural: `files`, `rows`. */
  unit: string;
  stream?: NodeJS.WriteStream | undefined;
  /** Force the bar (true) or plain lines (false); default: whether `stream` is a terminal. */
  tty?: boolean | undefined;
  /** Milliseconds between plain lines (default 2000). */
  intervalMs?: number | undefined;
}

const WINDOW_MS = 5000;

export function progressDisplay(options: ProgressDisplayOptions): ProgressDisplay {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? stream.isTTY === true;
  const rate = rateMeter();
  let last: ProgressState | undefined;
  const tokens = (s: ProgressState) => {
    const { perSecond, bytesPerSecond } = rate.rates();
    return { ...s, perSecond, bytesPerSecond, eta: eta(s, perSecond, bytesPerSecond) };
  };

  if (tty) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `{bar} {percentage}% | {value}/{total} ${options.unit} | {mb} MB | {rate} ${options.unit}/s | {mbps} MB/s | ETA {etaText}`,
        hideCursor: true,
        clearOnComplete: false,
        fps: 8,
        barsize: 28,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    let stopped = false;
    return {
      update(state) {
        rate.sample(state);
        last = state;
        const t = tokens(state);
        const payload = { mb: mbOf(state), rate: t.perSecond.toFixed(0), mbps: (t.bytesPerSecond / 1e6).toFixed(1), etaText: t.eta };
        if (!started) {
          bar.start(Math.max(state.total, 1), state.done, payload);
          started = true;
        } else {
          bar.setTotal(Math.max(state.total, 1));
          bar.update(state.done, payload);
        }
      },
      stop() {
        if (started && !stopped) bar.stop();
        stopped = true;
      },
    };
  }

  const intervalMs = options.intervalMs ?? 2000;
  let lastLine = 0;
  let stopped = false;
  const line = (s: ProgressState) => {
    const t = tokens(s);
    const percent = s.total === 0 ? 100 : Math.floor((s.done / s.total) * 100);
    stream.write(
      `${options.label}: ${s.done}/${s.total} ${options.unit} (${percent}%), ${mbOf(s)} MB, ` +
        `${t.perSecond.toFixed(0)} ${options.unit}/s, ${(t.bytesPerSecond / 1e6).toFixed(1)} MB/s, ETA ${t.eta}\n`,
    );
  };
  return {
    update(state) {
      rate.sample(state);
      last = state;
      const now = Date.now();
      if (now - lastLine >= intervalMs) {
        lastLine = now;
        line(state);
      }
    },
    stop() {
      if (last !== undefined && !stopped) line(last);
      stopped = true;
    },
  };
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/** `12.3/45.6`, or just `12.3` when the total is not known up front. */
function mbOf(s: ProgressState): string {
  return s.totalBytes > 0 ? `${mb(s.doneBytes)}/${mb(s.totalBytes)}` : mb(s.doneBytes);
}

function eta(s: ProgressState, perSecond: number, bytesPerSecond: number): string {
  const leftBytes = s.totalBytes - s.doneBytes;
  const seconds =
    s.totalBytes > 0 && bytesPerSecond > 0 ? leftBytes / bytesPerSecond : perSecond > 0 ? (s.total - s.done) / perSecond : undefined;
  if (s.done >= s.total) return '0s';
  if (seconds === undefined || !Number.isFinite(seconds)) return '…';
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

/** Items and bytes per second over the last few seconds of samples. */
function rateMeter() {
  const samples: { at: number; work: number; bytes: number }[] = [];
  return {
    sample(s: ProgressState) {
      const at = performance.now();
      samples.push({ at, work: s.work, bytes: s.workBytes });
      while (samples.length > 2 && at - samples[1]!.at > WINDOW_MS) samples.shift();
    },
    rates() {
      const first = samples[0];
      const latest = samples[samples.length - 1];
      if (first === undefined || latest === undefined || latest.at - first.at < 200) return { perSecond: 0, bytesPerSecond: 0 };
      const seconds = (latest.at - first.at) / 1000;
      return { perSecond: (latest.work - first.work) / seconds, bytesPerSecond: (latest.bytes - first.bytes) / seconds };
    },
  };
}
