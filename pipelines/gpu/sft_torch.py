#!/usr/bin/env python3
"""
The warm start's supervised training on a GPU with PyTorch and Hugging Face transformers, for
machines that have those and no Node (the Node trainer, `rlef sft`, runs the same objective on
tfjs at ~700 tokens/s on 2 CPU cores).

Input: the folder `rlef sft --pipeline pipelines/sft-warmstart-gpu.ts --export-sequences DIR`
writes (ids.i32, mask.u8, index.json: the rendered dialogs and which ids are trained targets).
Objective: token-mean cross-entropy on the trained ids, as `src/runtime/sft.ts`. Model: a
LlamaForCausalLM of the shape in index.json (the project's model implements that architecture;
parity with transformers is tested on the fixtures). Output: a Hugging Face folder (config.json,
model.safetensors in float32) plus train.json (settings, loss curve, a float32 check loss on the
first 64 sequences), which `rlef sft --import-hf DIR` turns into the project's checkpoint.

Deterministic given --seed on one device type (cuBLAS/cuDNN determinism aside).
"""
import argparse
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

try:
    from transformers import LlamaConfig, LlamaForCausalLM
except ImportError:  # e.g. Debian's python3-torch alone: the same model in plain torch
    LlamaConfig = LlamaForCausalLM = None

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import llama_plain  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True, help="folder written by rlef sft --export-sequences")
    p.add_argument("--out", required=True, help="Hugging Face folder to write")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--epochs", type=float, default=12.0, help="passes over the exported sequences")
    p.add_argument("--batch-tokens", type=int, default=32768, help="ids per optimizer step (whole sequences)")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--min-lr-ratio", type=float, default=0.1)
    p.add_argument("--weight-decay", type=float, default=0.1)
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--log-every", type=int, default=100)
    p.add_argument("--micro-tokens", type=int, default=65536, help="ids per forward pass (memory; the gradient is the same)")
    p.add_argument("--init", help="start from this checkpoint folder instead of random weights: the project's (config.json, model.safetensors) or a Hugging Face Llama folder this script wrote")
    p.add_argument("--shape", help="JSON object overriding the exported model shape's fields (e.g. '{\"dModel\": 256, \"nLayers\": 6}'): the ids do not depend on it")
    p.add_argument("--fused-attention", action="store_true", help="plain model: causal attention by torch's scaled_dot_product_attention (faster on a GPU, other rounding)")
    p.add_argument("--save-dtype", choices=["F32", "F16"], default="F32", help="dtype of the written weights (F16: half the bytes; plain model only)")
    p.add_argument("--threads", type=int, default=0, help="CPU threads for torch (0: torch's default)")
    p.add_argument("--plain", action="store_true", help="use the plain-torch model even when transformers is installed")
    p.add_argument("--max-seconds", type=float, default=0, help="stop early after this long (recorded in train.json; 0: no limit)")
    p.add_argument("--save-every", type=int, default=0, help="also write the weights every N steps to OUT/step-NNNNNN (each a folder --import-hf reads; 0: only the end)")
    return p.parse_args(argv)


def load(data_dir):
    with open(os.path.join(data_dir, "index.json")) as f:
        index = json.load(f)
    with open(os.path.join(data_dir, "ids.i32"), "rb") as f:
        ids = torch.frombuffer(bytearray(f.read()), dtype=torch.int32).long()
    with open(os.path.join(data_dir, "mask.u8"), "rb") as f:
        mask = torch.frombuffer(bytearray(f.read()), dtype=torch.uint8).bool()
    if ids.numel() != index["tokens"] or mask.numel() != index["tokens"]:
        sys.exit(f"{data_dir}: ids/mask length differ from index.json's tokens ({ids.numel()}, {mask.numel()}, {index['tokens']})")
    seqs, at = [], 0
    for n in index["lengths"]:
        seqs.append((ids[at:at + n], mask[at:at + n]))
        at += n
    return index, seqs


def hf_config(m):
    return LlamaConfig(
        vocab_size=m["vocabSize"],
        hidden_size=m["dModel"],
        num_hidden_layers=m["nLayers"],
        num_attention_heads=m["nHeads"],
        num_key_value_heads=m["nKvHeads"],
        head_dim=m["headDim"],
        intermediate_size=m["ffnDim"],
        rope_theta=m["ropeTheta"],
        rms_norm_eps=m["rmsNormEps"],
        tie_word_embeddings=m["tieEmbeddings"],
        max_position_embeddings=m["maxContext"],
        hidden_act="silu",
        attention_bias=False,
        mlp_bias=False,
        bos_token_id=None,
        eos_token_id=None,
        pad_token_id=None,
    )


def batches(seqs, batch_tokens, rng):
    """One epoch: a shuffled order, cut into steps of at least batch_tokens ids."""
    order = list(range(len(seqs)))
    rng.shuffle(order)
    step, tokens = [], 0
    for i in order:
        step.append(i)
        tokens += seqs[i][0].numel()
        if tokens >= batch_tokens:
            yield step
            step, tokens = [], 0
    if step:
        yield step


def loss_sum(model, seqs, rows, device, autocast, budget=65536):
    """Sum of −log p(target) over trained targets, and their count, micro-batched by length."""
    rows = sorted(rows, key=lambda i: seqs[i][0].numel())
    total, count = None, 0
    chunk = []
    def run(chunk):
        L = max(seqs[i][0].numel() for i in chunk)
        x = torch.zeros((len(chunk), L), dtype=torch.long)
        w = torch.zeros((len(chunk), L), dtype=torch.bool)
        for r, i in enumerate(chunk):
            ids, m = seqs[i]
            x[r, :ids.numel()] = ids
            w[r, :ids.numel()] = m
        x, w = x.to(device, non_blocking=True), w.to(device, non_blocking=True)
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=autocast):
            logits = model(input_ids=x).logits[:, :-1].float()
        target = x[:, 1:]
        weight = w[:, 1:]
        nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), reduction="none")
        return (nll * weight.reshape(-1)).sum(), int(weight.sum())
    for i in rows:
        n = seqs[i][0].numel()
        if chunk and (len(chunk) + 1) * n > budget:
            s, c = run(chunk)
            total, count = (s if total is None else total + s), count + c
            chunk = []
        chunk.append(i)
    if chunk:
        s, c = run(chunk)
        total, count = (s if total is None else total + s), count + c
    return total, count


def main(argv):
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    index, seqs = load(args.data)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    plain = args.plain or args.init is not None or LlamaForCausalLM is None
    if args.shape:
        try:
            override = json.loads(args.shape)
        except json.JSONDecodeError as e:
            sys.exit(f"--shape: not JSON ({e})")
        unknown = sorted(set(override) - set(index["model"]))
        if not isinstance(override, dict) or unknown:
            sys.exit(f"--shape: unknown model fields {unknown}; known: {sorted(index['model'])}")
        index["model"] = {**index["model"], **override}
    if args.save_dtype != "F32" and not (args.plain or args.init is not None or LlamaForCausalLM is None):
        sys.exit("--save-dtype F16 needs the plain model (--plain or --init)")
    if args.init is not None:
        with open(os.path.join(args.init, "config.json")) as f:
            hf_format = "hidden_size" in json.load(f)
        model = llama_plain.load_hf_folder(args.init) if hf_format else llama_plain.load_project_checkpoint(args.init)
        c, m = model.config, index["model"]
        shape = (c.vocab_size, c.hidden_size, c.num_hidden_layers, c.num_attention_heads, c.num_key_value_heads, c.head_dim, c.intermediate_size)
        if shape != (m["vocabSize"], m["dModel"], m["nLayers"], m["nHeads"], m["nKvHeads"], m["headDim"], m["ffnDim"]):
            sys.exit(f"{args.init}: model shape {shape} is not the exported sequences' ({m})")
        model = model.to(device)
    elif plain:
        model = llama_plain.PlainLlama(llama_plain.config_from_project(index["model"])).to(device)
    else:
        model = LlamaForCausalLM(hf_config(index["model"])).to(device)
    if args.fused_attention and not hasattr(F, "scaled_dot_product_attention"):
        sys.exit(f"--fused-attention needs torch >= 2.0 (this is {torch.__version__})")
    if plain:
        model.fused_attention = args.fused_attention
    elif args.fused_attention:
        sys.exit("--fused-attention needs the plain model (--plain or --init)")
    params = sum(p.numel() for p in model.parameters())
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=args.lr, betas=(0.9, 0.95), eps=1e-8,
    )
    steps_per_epoch = sum(1 for _ in batches(seqs, args.batch_tokens, random.Random(0)))
    total_steps = max(1, round(args.epochs * steps_per_epoch))

    def lr_at(step):
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        progress = min(1.0, (step - args.warmup) / max(1, total_steps - args.warmup))
        return args.lr * (args.min_lr_ratio + (1 - args.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))

    if args.save_every < 0:
        sys.exit("--save-every must be >= 0")

    def save(folder, extra):
        """Writes the weights (config.json, model.safetensors) and train.json with `extra` to folder."""
        os.makedirs(folder, exist_ok=True)
        if plain:
            model.float().save_pretrained(folder, safe_serialization=True, dtype=args.save_dtype)
        else:
            model.float().save_pretrained(folder, safe_serialization=True)
        with open(os.path.join(folder, "train.json"), "w") as f:
            json.dump({"trainer": "pipelines/gpu/sft_torch.py", "args": vars(args), **extra}, f, indent=1)

    print(f"[sft-torch] {len(seqs)} sequences, {index['tokens']} ids, {params} parameters, {total_steps} steps "
          f"({args.epochs} epochs of {steps_per_epoch}) on {device}", flush=True)
    started = time.time()
    step, seen, curve, window = 0, 0, [], []
    model.train()
    stopped_early = False
    while step < total_steps and not stopped_early:
        for rows in batches(seqs, args.batch_tokens, rng):
            if step >= total_steps:
                break
            if args.max_seconds > 0 and time.time() - started > args.max_seconds:
                stopped_early = True
                break
            for g in opt.param_groups:
                g["lr"] = lr_at(step)
            opt.zero_grad(set_to_none=True)
            s, c = loss_sum(model, seqs, rows, device, device.type == "cuda", args.micro_tokens)
            loss = s / max(1, c)
            loss.backward()
            grad = torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            step += 1
            seen += sum(seqs[i][0].numel() for i in rows)
            window.append(float(loss))
            if args.save_every > 0 and step % args.save_every == 0 and step < total_steps:
                save(os.path.join(args.out, f"step-{step:06d}"),
                     {"steps": step, "plannedSteps": total_steps, "lr": lr_at(step - 1), "lastLoss": float(loss),
                      "seconds": round(time.time() - started, 1), "intermediate": True})
            if step % args.log_every == 0 or step == total_steps:
                mean = sum(window) / len(window)
                window = []
                elapsed = time.time() - started
                curve.append({"step": step, "loss": mean, "lr": lr_at(step - 1), "grad": float(grad)})
                print(f"[sft-torch] step {step}/{total_steps} loss {mean:.4f} lr {lr_at(step - 1):.2e} grad {float(grad):.2f} "
                      f"tok/s {seen / elapsed:.0f} elapsed {elapsed:.0f}s", flush=True)
    model.eval()
    with torch.no_grad():
        s, c = loss_sum(model, seqs, list(range(min(64, len(seqs)))), device, False, args.micro_tokens)
        check = float(s) / max(1, c)
    info = {
        "steps": step,
        "plannedSteps": total_steps,
        "stoppedEarly": stopped_early,
        "epochs": args.epochs,
        "sequences": len(seqs),
        "tokens": index["tokens"],
        "parameters": params,
        # The last logged window's mean, or the unlogged tail's when no step was logged.
        "finalLoss": curve[-1]["loss"] if curve else (sum(window) / len(window) if window else float("nan")),
        "checkLossFirst64": check,
        "seconds": round(time.time() - started, 1),
        "device": torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu",
        "torch": torch.__version__,
        "model": "plain torch (llama_plain.py)" if plain else "transformers LlamaForCausalLM",
        "init": args.init,
        "curve": curve,
    }
    save(args.out, info)
    print(f"[sft-torch] done: {step} steps, final loss {info['finalLoss']:.4f}, check loss (float32, first 64) {check:.4f}, "
          f"{info['seconds']} s -> {args.out}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
