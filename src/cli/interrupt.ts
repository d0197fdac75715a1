const REPEAT_MS = 300;

/**
 * Ctrl-C (or SIGTERM) for a long CLI command: the first one says `message` and aborts
 * `controller`, so the command stops what is in flight and reports; a second one quits at once
 * (exit 130). A repeat within REPEAT_MS is the same Ctrl-C arriving twice — at a terminal it
 * reaches a launcher that passes signals on (npm, a wrapper script) as well — and counts once.
 * The returned function removes the handlers.
 *
 * @example
 *   const release = onInterrupt(controller, `\nvitrina import legacy: stopping… (Ctrl-C again to quit at once)\n`);
 *   try { … } finally { release(); }
 */
export function onInterrupt(controller: AbortController, message: string): () => void {
  let interrupts = 0;
  let last = -Infinity;
  const onSignal = () => {
    const now = performance.now();
    if (now - last < REPEAT_MS) return;
    last = now;
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(message);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
