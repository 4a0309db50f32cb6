/** The list of CLI commands; each adds itself (options, help, action) to the commander program. */
import type { Command } from 'commander';
import { registerEval } from './eval.ts';
import { registerJudge } from './judge.ts';
import { registerReplay } from './replay.ts';
import { registerReport } from './report.ts';
import { registerSft } from './sft.ts';
import { registerStats } from './stats.ts';
import { registerTrain } from './train.ts';

export type RegisterCommand = (program: Command) => void;

export const commands: readonly RegisterCommand[] = [registerTrain, registerJudge, registerEval, registerReplay, registerStats, registerReport, registerSft];
