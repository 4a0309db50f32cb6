/**
 * Where the live UI's panels go for a given terminal size and focus. Pure, so it is tested
 * without a terminal. The height budget matters: ink clears the whole screen on every frame
 * once its output is as tall as the terminal, which flickers, so the frame stays one row short.
 */

/** The panels that `tab` cycles through, in that order. */
export type PanelId = 'stages' | 'learning' | 'episodes';

export const PANEL_ORDER: readonly PanelId[] = ['stages', 'learning', 'episodes'];

/** The panel after (or, with `step = -1`, before) `panel` in tab order. */
export function nextPanel(panel: PanelId, step: 1 | -1 = 1): PanelId {
  const i = PANEL_ORDER.indexOf(panel);
  const n = PANEL_ORDER.length;
  return PANEL_ORDER[(((i + step) % n) + n) % n] ?? 'learning';
}

/** Rows of each part of the frame; panel heights include their one-row title. */
export const HEADER_ROWS = 2;
export const PROGRESS_ROWS = 2;
export const FOOTER_ROWS = 1;
export const STAGES_ROWS = { compact: 1 + 4, expanded: 1 + 6 } as const;
export const LEARNING_ROWS = { compact: 1 + 9, expanded: 1 + 13 } as const;
/** The episodes panel is worth showing only with room for one episode (title + 2 rows). */
export const EPISODES_MIN_ROWS = 1 + 2;

/** Narrowest layout drawn; narrower terminals get this width and ink truncates. */
export const MIN_COLUMNS = 40;
/** From this width the stages and learning panels sit side by side. */
export const SIDE_BY_SIDE_COLUMNS = 110;

export interface Layout {
  readonly columns: number;
  readonly sideBySide: boolean;
  readonly stagesWidth: number;
  readonly learningWidth: number;
  readonly show: { readonly [P in PanelId]: boolean };
  /** Content rows for the episodes panel (below its title); `Infinity` when the height is unknown. */
  readonly episodeRows: number;
}

export interface LayoutInput {
  readonly columns: number;
  /** Terminal height; `Infinity` when not a terminal (nothing scrolls away then). */
  readonly rows: number;
  readonly focus: PanelId;
}

/** Order in which unfocused panels give way when the terminal is too short. */
const HIDE_ORDER: readonly PanelId[] = ['episodes', 'stages', 'learning'];

/** Computes widths, which panels fit, and how many rows the episodes panel gets. */
export function computeLayout({ columns, rows, focus }: LayoutInput): Layout {
  const cols = Math.max(MIN_COLUMNS, Math.floor(Number.isFinite(columns) && columns > 0 ? columns : 80));
  const sideBySide = cols >= SIDE_BY_SIDE_COLUMNS;
  // Wide enough for the compact execution row (about 54 columns), at most 60.
  const stagesWidth = sideBySide ? Math.min(60, Math.max(54, Math.floor(cols * 0.45))) : cols;
  const learningWidth = sideBySide ? cols - stagesWidth - 1 : cols;
  const stagesRows = focus === 'stages' ? STAGES_ROWS.expanded : STAGES_ROWS.compact;
  const learningRows = focus === 'learning' ? LEARNING_ROWS.expanded : LEARNING_ROWS.compact;

  const show: Record<PanelId, boolean> = { learning: true, episodes: true, stages: true };
  const blockRows = (): number => {
    const s = show.stages ? stagesRows : 0;
    const l = show.learning ? learningRows : 0;
    return sideBySide ? Math.max(s, l) : s + l;
  };
  // One row short of the terminal: see the module comment.
  const available = rows - 1 - HEADER_ROWS - PROGRESS_ROWS - FOOTER_ROWS;
  const needed = (): number => blockRows() + (show.episodes ? EPISODES_MIN_ROWS : 0);
  for (const panel of HIDE_ORDER) {
    if (needed() <= available) break;
    if (panel !== focus) show[panel] = false;
  }
  const episodeRows = show.episodes ? Math.max(EPISODES_MIN_ROWS, available - blockRows()) - 1 : 0;
  return { columns: cols, sideBySide, stagesWidth, learningWidth, show, episodeRows };
}
