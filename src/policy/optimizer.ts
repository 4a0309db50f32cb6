/**
 * AdamW (decoupled weight decay, as PyTorch's `torch.optim.AdamW`) over named tf.Variables, with
 * a warm-up-then-decay learning-rate schedule and global gradient-norm clipping. Its state (step
 * count, first and second moments) exports as named float32 arrays, so a checkpoint resumes bit for
 * bit.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedTensor } from './safetensors.ts';

/** Learning rate over steps: linear warm-up from 0, then `decay` down to `minRatio` · peak at `totalSteps`. */
export interface Schedule {
  readonly warmupSteps: number;
  readonly totalSteps: number;
  readonly decay: 'linear' | 'cosine' | 'constant';
  /** Floor of the decay as a share of the peak rate (default 0). */
  readonly minRatio?: number;
}

/** Options for {@link AdamW}. */
export interface AdamWOptions {
  /** Peak learning rate. */
  readonly lr: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  /** Decoupled weight decay (RLEF uses 0.1). */
  readonly weightDecay?: number;
  /** Which weights decay; default: all but 1-D ones (norm gains and biases). */
  readonly decays?: (name: string, shape: readonly number[]) => boolean;
  /** Clip the global gradient norm to this (default: no clipping). */
  readonly maxGradNorm?: number;
  /** Default: constant rate, no warm-up. */
  readonly schedule?: Schedule;
}

/** What one update did. */
export interface StepResult {
  /** Sum of the losses of the step's micro-batches. */
  readonly loss: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  readonly lr: number;
}

/** The optimizer's state as plain data: `m.<weight>` and `v.<weight>` moments and the step count. */
export interface OptimizerState {
  readonly step: number;
  readonly tensors: Map<string, NamedTensor>;
}

/** The learning rate at 1-based `step`. */
export function learningRate(peak: number, schedule: Schedule | undefined, step: number): number {
  if (schedule === undefined) return peak;
  const { warmupSteps, totalSteps, decay } = schedule;
  if (step <= warmupSteps) return (peak * step) / Math.max(1, warmupSteps);
  if (decay === 'constant') return peak;
  const floor = peak * (schedule.minRatio ?? 0);
  const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
  const shape = decay === 'linear' ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
  return floor + (peak - floor) * shape;
}

/** Gradients summed over the micro-batches of one step so far, and their losses. */
interface Accumulated {
  grads: Record<string, tf.Tensor>;
  loss: number;
}

/** Resolves on the next macrotask: pending I/O callbacks and messages run first. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class AdamW {
  private readonly params: Map<string, tf.Variable>;
  private readonly byTfName = new Map<string, string>();
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private t = 0;

  constructor(
    params: ReadonlyMap<string, tf.Variable>,
    private readonly options: AdamWOptions,
  ) {
    this.params = new Map([...params].filter(([, v]) => v.trainable));
    for (const [name, variable] of this.params) {
      this.byTfName.set(variable.name, name);
      const zeros = tf.zerosLike(variable);
      this.m.set(name, tf.variable(zeros, false));
      this.v.set(name, tf.variable(zeros, false));
      zeros.dispose();
    }
  }

  /** Updates taken so far. */
  get step(): number {
    return this.t;
  }

  /**
   * One update from the gradients of `loss` (or of the sum of several micro-batch losses, whose
   * gradients accumulate). Each loss function runs inside its own tidy scope.
   */
  update(loss: (() => tf.Scalar) | readonly (() => tf.Scalar)[]): StepResult {
    const fns = typeof loss === 'function' ? [loss] : loss;
    const sums: Accumulated = { grads: {}, loss: 0 };
    for (const f of fns) this.accumulate(sums, f);
    return this.apply(sums);
  }

  /**
   * {@link update}, handing the event loop a turn (a macrotask) before each micro-batch and before
   * the weight update, so that a learner sharing its thread with the pipeline does not stall the
   * I/O, the execution pool and the generation worker for the whole step. Same arithmetic, same
   * result as `update`.
   */
  async updateYielding(losses: readonly (() => tf.Scalar)[], pause: () => Promise<void> = yieldToEventLoop): Promise<StepResult> {
    const sums: Accumulated = { grads: {}, loss: 0 };
    try {
      for (const f of losses) {
        await pause();
        this.accumulate(sums, f);
      }
      await pause();
    } catch (error) {
      tf.dispose(Object.values(sums.grads));
      throw error;
    }
    return this.apply(sums);
  }

  /** Adds the gradients of `f` (and its value) to `sums`. */
  private accumulate(sums: Accumulated, f: () => tf.Scalar): void {
    const previous = sums.grads;
    sums.grads = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(f, [...this.params.values()]);
      sums.loss += value.dataSync()[0] ?? NaN;
      const next: Record<string, tf.Tensor> = {};
      for (const [tfName, g] of Object.entries(grads)) {
        const name = this.byTfName.get(tfName);
        if (name === undefined) continue;
        const before = previous[name];
        next[name] = before === undefined ? g : tf.add(before, g);
      }
      return next;
    });
    tf.dispose(Object.values(previous));
  }

  /** One AdamW step from accumulated gradients (disposed here). */
  private apply(sums: Accumulated): StepResult {
    const acc = sums.grads;
    this.t++;
    const lr = learningRate(this.options.lr, this.options.schedule, this.t);
    const gradNorm = tf.tidy(() => {
      const squares = Object.values(acc).map((g) => tf.sum(tf.square(g)));
      return squares.length === 0 ? 0 : Math.sqrt(tf.addN(squares).dataSync()[0] ?? 0);
    });
    const max = this.options.maxGradNorm;
    const clip = max !== undefined && gradNorm > max ? max / (gradNorm + 1e-6) : 1;
    const { beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0 } = this.options;
    const decays = this.options.decays ?? ((_: string, shape: readonly number[]) => shape.length > 1);
    const c1 = 1 - Math.pow(beta1, this.t);
    const c2 = 1 - Math.pow(beta2, this.t);
    tf.tidy(() => {
      for (const [name, w] of this.params) {
        const raw = acc[name];
        const m = this.m.get(name);
        const v = this.v.get(name);
        if (raw === undefined || m === undefined || v === undefined) continue;
        const g = clip === 1 ? raw : tf.mul(raw, clip);
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const decayed = weightDecay > 0 && decays(name, w.shape) ? tf.mul(w, 1 - lr * weightDecay) : w;
        const stepDir = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), eps));
        w.assign(tf.sub(decayed, tf.mul(stepDir, lr)));
      }
    });
    tf.dispose(Object.values(acc));
    return { loss: sums.loss, gradNorm, lr };
  }

  /** A copy of the state as plain arrays. */
  exportState(): OptimizerState {
    const tensors = new Map<string, NamedTensor>();
    for (const [prefix, moments] of [['m', this.m], ['v', this.v]] as const) {
      for (const [name, t] of moments) tensors.set(`${prefix}.${name}`, { shape: [...t.shape], data: t.dataSync() as Float32Array });
    }
    return { step: this.t, tensors };
  }

  /** Restores a state from {@link exportState}; every moment must match a weight here. */
  importState(state: OptimizerState): void {
    for (const [prefix, moments] of [['m', this.m], ['v', this.v]] as const) {
      for (const [name, t] of moments) {
        const saved = state.tensors.get(`${prefix}.${name}`);
        if (saved === undefined || saved.data.length !== t.size) throw new Error(`optimizer state lacks ${prefix}.${name} of ${t.size} values`);
        tf.tidy(() => t.assign(tf.tensor(saved.data, t.shape)));
      }
    }
    this.t = state.step;
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
