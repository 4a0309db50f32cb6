/**
 * Waits until `ready()` holds, checking after each turn of the event loop. React runs effects and
 * ink renders a little after the call that caused them; on a loaded machine that can take a
 * while, so this waits for the condition rather than a fixed time. Throws after `limitMs`.
 */
export async function waitFor(ready: () => boolean, what: string, limitMs = 5000): Promise<void> {
  const start = Date.now();
  while (!ready()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
