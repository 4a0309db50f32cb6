/**
 * Names of the segment files of a run directory: `trajectories-000.arrow`, `-001.arrow`, …
 * Each resume of a run writes a new segment, so a file is only ever appended to by one writer.
 */

const SEGMENT_PATTERN = /^trajectories-(\d{3,})\.arrow$/;

/** The file name of segment `index` (zero-padded to at least three digits). */
export function segmentFileName(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`segment index ${index} is not a natural number`);
  return `trajectories-${String(index).padStart(3, '0')}.arrow`;
}

/** The segment index a file name stands for, or null when the name is not a segment's. */
export function parseSegmentIndex(fileName: string): number | null {
  const match = SEGMENT_PATTERN.exec(fileName);
  if (match?.[1] === undefined) return null;
  const index = Number(match[1]);
  // Reject non-canonical spellings (e.g. `0001`) so that name ↔ index is one-to-one.
  return segmentFileName(index) === fileName ? index : null;
}

/** Segment file names among `fileNames`, ordered by index. */
export function sortSegmentNames(fileNames: readonly string[]): string[] {
  return fileNames
    .map((name) => ({ name, index: parseSegmentIndex(name) }))
    .filter((entry): entry is { name: string; index: number } => entry.index !== null)
    .sort((a, b) => a.index - b.index)
    .map((entry) => entry.name);
}

/** The name of the segment to write next, after every segment in `fileNames`. */
export function nextSegmentName(fileNames: readonly string[]): string {
  let next = 0;
  for (const name of fileNames) {
    const index = parseSegmentIndex(name);
    if (index !== null && index >= next) next = index + 1;
  }
  return segmentFileName(next);
}
