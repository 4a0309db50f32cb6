"""
The project's Llama in plain PyTorch, for machines with torch but without Hugging Face
transformers (Debian's python3-torch on a CPU machine, for one). Same architecture and the same
parameter names and layouts as transformers' LlamaForCausalLM (RMSNorm, rotate-half RoPE, SwiGLU,
optional tied embeddings, no biases), so `sft_torch.py` can use either and `rlef sft --import-hf`
reads what either writes; checked against the transformers-made fixtures' logits by
`test/integration/llama-plain.test.ts`.

Also: a dependency-free safetensors reader and writer (float32 only), and the conversion from
the project's checkpoint layout (`data/warmstart/model.safetensors`: fused wqkv and wgu, matrices
stored [in, out]) to Hugging Face names, so a fine-tune can start from a shipped checkpoint.
"""
import json
import math
import os
import struct

import torch
import torch.nn.functional as F


class PlainConfig:
    """The fields of a Hugging Face LlamaConfig this model reads (attribute names as there)."""

    def __init__(self, vocab_size, hidden_size, num_hidden_layers, num_attention_heads, num_key_value_heads,
                 head_dim, intermediate_size, rope_theta, rms_norm_eps, tie_word_embeddings, max_position_embeddings):
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.num_hidden_layers = num_hidden_layers
        self.num_attention_heads = num_attention_heads
        self.num_key_value_heads = num_key_value_heads
        self.head_dim = head_dim
        self.intermediate_size = intermediate_size
        self.rope_theta = rope_theta
        self.rms_norm_eps = rms_norm_eps
        self.tie_word_embeddings = tie_word_embeddings
        self.max_position_embeddings = max_position_embeddings

    @staticmethod
    def from_hf_json(j):
        theta = j.get("rope_theta", (j.get("rope_parameters") or {}).get("rope_theta", 10000.0))
        heads = j["num_attention_heads"]
        return PlainConfig(j["vocab_size"], j["hidden_size"], j["num_hidden_layers"], heads,
                           j.get("num_key_value_heads", heads), j.get("head_dim", j["hidden_size"] // heads),
                           j["intermediate_size"], float(theta), j.get("rms_norm_eps", 1e-6),
                           bool(j.get("tie_word_embeddings", False)), j.get("max_position_embeddings", 2048))

    def to_hf_json(self):
        return {
            "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
            "attention_bias": False, "mlp_bias": False, "dtype": "float32",
            "vocab_size": self.vocab_size, "hidden_size": self.hidden_size,
            "num_hidden_layers": self.num_hidden_layers, "num_attention_heads": self.num_attention_heads,
            "num_key_value_heads": self.num_key_value_heads, "head_dim": self.head_dim,
            "intermediate_size": self.intermediate_size, "rope_theta": self.rope_theta,
            "rms_norm_eps": self.rms_norm_eps, "tie_word_embeddings": self.tie_word_embeddings,
            "max_position_embeddings": self.max_position_embeddings,
            "bos_token_id": None, "eos_token_id": None, "pad_token_id": None,
        }


class RMSNorm(torch.nn.Module):
    def __init__(self, n, eps):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x):
        dtype = x.dtype
        x = x.float()
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dtype)


class Attention(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        d, hd = c.hidden_size, c.head_dim
        self.nh, self.nkv, self.hd = c.num_attention_heads, c.num_key_value_heads, hd
        self.q_proj = torch.nn.Linear(d, self.nh * hd, bias=False)
        self.k_proj = torch.nn.Linear(d, self.nkv * hd, bias=False)
        self.v_proj = torch.nn.Linear(d, self.nkv * hd, bias=False)
        self.o_proj = torch.nn.Linear(self.nh * hd, d, bias=False)

    def forward(self, x, cos, sin, mask):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.nh, self.hd).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.nkv, self.hd).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.nkv, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if self.nkv != self.nh:
            k = k.repeat_interleave(self.nh // self.nkv, dim=1)
            v = v.repeat_interleave(self.nh // self.nkv, dim=1)
        if mask is None:  # causal: PyTorch's fused kernel (flash attention on a GPU)
            out = F.scaled_dot_product_attention(q.to(v.dtype), k.to(v.dtype), v, is_causal=True)
        else:
            scores = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd)
            scores = scores.masked_fill(mask, float("-inf"))
            out = torch.softmax(scores.float(), dim=-1).to(v.dtype) @ v
        return self.o_proj(out.transpose(1, 2).reshape(b, t, self.nh * self.hd))


class Mlp(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.gate_proj = torch.nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.up_proj = torch.nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.down_proj = torch.nn.Linear(c.intermediate_size, c.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.mlp = Mlp(c)

    def forward(self, x, cos, sin, mask):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask)
        return x + self.mlp(self.post_attention_layernorm(x))


class Body(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = torch.nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = torch.nn.ModuleList([Layer(c) for _ in range(c.num_hidden_layers)])
        self.norm = RMSNorm(c.hidden_size, c.rms_norm_eps)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Output:
    def __init__(self, logits):
        self.logits = logits


class PlainLlama(torch.nn.Module):
    """LlamaForCausalLM's forward for unpadded or right-padded batches: model(input_ids=x).logits."""

    def __init__(self, c):
        super().__init__()
        self.config = c
        self.model = Body(c)
        if not c.tie_word_embeddings:
            self.lm_head = torch.nn.Linear(c.hidden_size, c.vocab_size, bias=False)
        hd = c.head_dim
        inv = 1.0 / (c.rope_theta ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
        self.register_buffer("inv_freq", inv, persistent=False)
        # True: causal attention by torch's fused scaled_dot_product_attention (same function,
        # other rounding; much faster on a GPU); False: the explicit masked softmax.
        self.fused_attention = False
        self.reset_parameters()

    def reset_parameters(self, std=0.02):
        for name, p in self.named_parameters():
            if p.dim() >= 2:
                torch.nn.init.normal_(p, mean=0.0, std=std)
            else:
                torch.nn.init.ones_(p)

    def forward(self, input_ids):
        b, t = input_ids.shape
        x = self.model.embed_tokens(input_ids)
        pos = torch.arange(t, device=input_ids.device).float()
        angles = torch.outer(pos, self.inv_freq)
        emb = torch.cat((angles, angles), dim=-1)
        cos, sin = emb.cos().to(x.dtype), emb.sin().to(x.dtype)
        mask = None if self.fused_attention else torch.triu(torch.ones(t, t, dtype=torch.bool, device=input_ids.device), diagonal=1)
        for layer in self.model.layers:
            x = layer(x, cos, sin, mask)
        x = self.model.norm(x)
        head = self.model.embed_tokens.weight if self.config.tie_word_embeddings else self.lm_head.weight
        return Output(F.linear(x, head))

    def save_pretrained(self, out, safe_serialization=True, dtype="F32"):
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "config.json"), "w") as f:
            json.dump(self.config.to_hf_json(), f, indent=1)
        tensors = {n: p.detach().float().cpu() for n, p in self.named_parameters()}
        write_safetensors(os.path.join(out, "model.safetensors"), tensors, dtype)


def read_safetensors(path):
    """name -> float32 tensor (F32, F16 and BF16 entries; others refused)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        body = f.read()
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        a, b = entry["data_offsets"]
        raw = bytearray(body[a:b])
        if entry["dtype"] == "F32":
            t = torch.frombuffer(raw, dtype=torch.float32) if raw else torch.zeros(0)
        elif entry["dtype"] in ("BF16", "F16"):
            t = torch.frombuffer(raw, dtype=torch.bfloat16 if entry["dtype"] == "BF16" else torch.float16).float()
        else:
            raise ValueError(f"{path}: {name} has dtype {entry['dtype']}, only F32, F16 and BF16 are read")
        out[name] = t.reshape(entry["shape"]).clone()
    return out


def write_safetensors(path, tensors, dtype="F32"):
    """A safetensors file of the tensors as F32, or F16 (half the bytes, ~3 significant digits)."""
    if dtype not in ("F32", "F16"):
        raise ValueError(f"dtype {dtype}: only F32 and F16 are written")
    header, chunks, at = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].contiguous().float()
        data = (t.half() if dtype == "F16" else t).numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensors[name].shape), "data_offsets": [at, at + len(data)]}
        chunks.append(data)
        at += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for c in chunks:
            f.write(c)


def config_from_project(j):
    """The project's config.json (camelCase ModelConfig) as a PlainConfig."""
    return PlainConfig(j["vocabSize"], j["dModel"], j["nLayers"], j["nHeads"], j["nKvHeads"], j["headDim"],
                       j["ffnDim"], float(j["ropeTheta"]), j["rmsNormEps"], bool(j["tieEmbeddings"]), j["maxContext"])


def hf_state_from_project(c, w):
    """The project's weight names and layouts (matrices [in, out], fused wqkv and wgu) as a HF state dict."""
    q, kv, ffn = c.num_attention_heads * c.head_dim, c.num_key_value_heads * c.head_dim, c.intermediate_size
    s = {"model.embed_tokens.weight": w["embed_tokens"], "model.norm.weight": w["norm"]}
    for i in range(c.num_hidden_layers):
        p, m = f"model.layers.{i}.", f"layers.{i}."
        qkv = w[m + "wqkv"]
        s[p + "self_attn.q_proj.weight"] = qkv[:, :q].t()
        s[p + "self_attn.k_proj.weight"] = qkv[:, q:q + kv].t()
        s[p + "self_attn.v_proj.weight"] = qkv[:, q + kv:].t()
        s[p + "self_attn.o_proj.weight"] = w[m + "wo"].t()
        gu = w[m + "wgu"]
        s[p + "mlp.gate_proj.weight"] = gu[:, :ffn].t()
        s[p + "mlp.up_proj.weight"] = gu[:, ffn:].t()
        s[p + "mlp.down_proj.weight"] = w[m + "wdown"].t()
        s[p + "input_layernorm.weight"] = w[m + "input_norm"]
        s[p + "post_attention_layernorm.weight"] = w[m + "post_norm"]
    if not c.tie_word_embeddings:
        s["lm_head.weight"] = w["lm_head"].t()
    return {k: v.contiguous() for k, v in s.items()}


def load_project_checkpoint(folder):
    """A PlainLlama with the weights of a project checkpoint folder (config.json, model.safetensors)."""
    with open(os.path.join(folder, "config.json")) as f:
        c = config_from_project(json.load(f))
    model = PlainLlama(c)
    state = hf_state_from_project(c, read_safetensors(os.path.join(folder, "model.safetensors")))
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise ValueError(f"{folder}: weights do not fit the model (missing {missing}, unexpected {unexpected})")
    return model


def load_hf_folder(folder):
    """A PlainLlama with the weights of a Hugging Face Llama folder (config.json, model.safetensors)."""
    with open(os.path.join(folder, "config.json")) as f:
        c = PlainConfig.from_hf_json(json.load(f))
    model = PlainLlama(c)
    state = read_safetensors(os.path.join(folder, "model.safetensors"))
    if c.tie_word_embeddings:
        state.pop("lm_head.weight", None)
    model.load_state_dict(state, strict=True)
    return model
