/**
 * The load board: an Int32Array on a SharedArrayBuffer that the pool (main thread) and its workers
 * share. Each worker publishes, in a slot of its own, its thread id, how many tasks it holds
 * unstarted and since when it runs its current one; the main thread publishes a heartbeat while
 * tasks are in flight. An idle worker reads the board to decide whether to ask the others for
 * work (exec.worker.ts); the pool's balancer reads it to avoid a worker stuck on a slow task.
 */

/** Layout: the main thread's heartbeat, the next free worker slot, then the worker slots. */
export const BOARD_HEARTBEAT = 0;
export const BOARD_NEXT_SLOT = 1;
const FIRST_SLOT = 2;
/** Worker slots; a restarted worker takes the next one, wrapping around. */
export const BOARD_SLOTS = 64;
/** Per slot: thread id, unstarted tasks, start of the current task (boardClock() + 1; 0 when idle). */
const THREAD = 0;
const WAITING = 1;
const RUNNING_SINCE = 2;
const SLOT_SIZE = 3;
/** The main thread counts as responsive while its heartbeat is at most this old. */
export const HEARTBEAT_FRESH_MS = 50;

const CLOCK_WRAP = 0x40000000;

/** Milliseconds on a clock every thread shares, small enough for an Int32Array. */
export function boardClock(): number {
  return Date.now() % CLOCK_WRAP;
}

/** How long ago (ms) `stamp`, a `boardClock()` value, was taken. */
export function boardAge(stamp: number): number {
  return (boardClock() - stamp + CLOCK_WRAP) % CLOCK_WRAP;
}

/** A fresh board for a pool. */
export function createBoard(): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (FIRST_SLOT + SLOT_SIZE * BOARD_SLOTS));
}

/** Index of slot `slot`'s first field. */
function base(slot: number): number {
  return FIRST_SLOT + SLOT_SIZE * slot;
}

/** Takes the next slot for a worker. */
export function takeSlot(board: Int32Array): number {
  return Atomics.add(board, BOARD_NEXT_SLOT, 1) % BOARD_SLOTS;
}

/** A worker's state, written by that worker only. `runningSince`: a boardClock() value, or undefined when idle. */
export function publishSlot(board: Int32Array, slot: number, threadId: number, waiting: number, runningSince: number | undefined): void {
  Atomics.store(board, base(slot) + THREAD, threadId);
  Atomics.store(board, base(slot) + WAITING, waiting);
  Atomics.store(board, base(slot) + RUNNING_SINCE, runningSince === undefined ? 0 : runningSince + 1);
}

/** Clears the slot of a worker thread that ended, so that nobody waits for its tasks. */
export function clearThread(board: Int32Array, threadId: number): void {
  for (let slot = 0; slot < BOARD_SLOTS; slot++) {
    if (Atomics.load(board, base(slot) + THREAD) !== threadId) continue;
    Atomics.store(board, base(slot) + WAITING, 0);
    Atomics.store(board, base(slot) + RUNNING_SINCE, 0);
  }
}

/** Whether a slot other than `except` holds unstarted tasks. */
export function othersWaiting(board: Int32Array, except: number): boolean {
  for (let slot = 0; slot < BOARD_SLOTS; slot++) {
    if (slot !== except && Atomics.load(board, base(slot) + WAITING) > 0) return true;
  }
  return false;
}

/** How long (ms) the worker with thread id `threadId` has been running its current task; 0 when idle or unknown. */
export function runningFor(board: Int32Array, threadId: number): number {
  for (let slot = 0; slot < BOARD_SLOTS; slot++) {
    if (Atomics.load(board, base(slot) + THREAD) !== threadId) continue;
    const since = Atomics.load(board, base(slot) + RUNNING_SINCE);
    return since === 0 ? 0 : boardAge(since - 1);
  }
  return 0;
}

/** Whether the main thread's heartbeat is fresh. */
export function mainThreadResponsive(board: Int32Array): boolean {
  return boardAge(Atomics.load(board, BOARD_HEARTBEAT)) <= HEARTBEAT_FRESH_MS;
}
