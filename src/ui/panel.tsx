/**
 * A titled panel: one title rule (`── Stages ────`) above its rows. Rules instead of boxes keep
 * every panel's height predictable and cheap; the focused panel's rule is heavy and coloured.
 */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';

export interface PanelProps {
  readonly title: string;
  readonly width: number;
  readonly focused: boolean;
  /** Short text at the right end of the rule (e.g. `5 shown`). */
  readonly note?: string;
  readonly children?: ReactNode;
}

/** The title rule of a panel, exactly `width` columns wide. */
export function titleRule(title: string, width: number, focused: boolean, note = ''): string {
  const line = focused ? '━' : '─';
  const head = `${line}${line} ${focused ? '▶ ' : ''}${title} `;
  const tail = note === '' ? '' : ` ${note} ${line}`;
  const fill = Math.max(1, width - [...head].length - [...tail].length);
  return head + line.repeat(fill) + tail;
}

/** A panel: title rule plus its children, each child expected to be one row. */
export function Panel({ title, width, focused, note = '', children }: PanelProps): ReactNode {
  return (
    <Box flexDirection="column" width={width}>
      <Text color={focused ? 'cyan' : 'gray'} bold={focused} wrap="truncate-end">
        {titleRule(title, width, focused, note)}
      </Text>
      {children}
    </Box>
  );
}

export interface RowProps {
  readonly children?: ReactNode;
}

/** One row of a panel: never wraps, so panel heights stay what the layout planned. */
export function Row({ children }: RowProps): ReactNode {
  return <Text wrap="truncate-end">{children}</Text>;
}
