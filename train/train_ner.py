"""Train the piguard name/address tagger (character CNN + CRF) and export it for numpy.

Input: JSON lines from ``train/gen_data.py``.  Output: ``src/piguard/ner/model.npz`` (weights,
vocabulary and config), loaded by ``piguard.ner`` with numpy only.

Model: character embedding + lexicon features (``piguard/ner/features.py``) -> four dilated
1-D convolutions (kernel 3, dilations 1, 2, 4, 8; ReLU; residual) -> per-character scores for
BIOES x {PER, ADDR} -> linear-chain CRF.  Padding rows are zeroed after every layer, so the
numpy runtime can pack several windows into one sequence with an 8-row gap and get the same
numbers.

Usage: train/.venv/bin/python train/train_ner.py --data train/data/train.jsonl \
           --out src/piguard/ner/model.npz --jieba-dict .../jieba/dict.txt [--epochs 6 --seed 1]
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
_spec = importlib.util.spec_from_file_location("ner_features", ROOT / "src/piguard/ner/features.py")
F = importlib.util.module_from_spec(_spec)
sys.modules["ner_features"] = F
_spec.loader.exec_module(F)

TAGS = ("O", "B-PER", "I-PER", "E-PER", "S-PER", "B-ADDR", "I-ADDR", "E-ADDR", "S-ADDR")
K = len(TAGS)
DILATIONS = (1, 2, 4, 8)
MAX_LEN = 200


def bioes(n: int, spans) -> list[int]:
    tags = [0] * n
    for s, e, lab in spans:
        base = 1 if lab == "PER" else 5
        if e - s == 1:
            tags[s] = base + 3
        else:
            tags[s] = base
            for i in range(s + 1, e - 1):
                tags[i] = base + 1
            tags[e - 1] = base + 2
    return tags


def chop(text: str, spans) -> list[tuple[str, list]]:
    """Split records longer than MAX_LEN at line ends or punctuation outside spans."""
    if len(text) <= MAX_LEN:
        return [(text, spans)]
    inside = np.zeros(len(text) + 1, dtype=bool)
    for s, e, _ in spans:
        inside[s:e] = True
    out, start = [], 0
    while len(text) - start > MAX_LEN:
        cut = None
        for i in range(start + MAX_LEN, start + MAX_LEN // 3, -1):
            if text[i - 1] in "\n。！？；，,.;!? " and not inside[i]:
                cut = i
                break
        if cut is None:
            cut = start + MAX_LEN
            while inside[cut] and cut > start + 1:
                cut -= 1
        out.append((text[start:cut], [(s - start, e - start, lab) for s, e, lab in spans
                                       if s >= start and e <= cut]))
        start = cut
    out.append((text[start:], [(s - start, e - start, lab) for s, e, lab in spans if s >= start]))
    return out


class Tagger(nn.Module):
    def __init__(self, vocab_size: int, emb: int, hidden: int):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb, padding_idx=0)
        cin = emb + F.N_FEATS
        self.convs = nn.ModuleList()
        for i, d in enumerate(DILATIONS):
            self.convs.append(nn.Conv1d(cin if i == 0 else hidden, hidden, 3, padding=d, dilation=d))
        self.out = nn.Linear(hidden, K)
        self.drop = nn.Dropout(0.1)
        self.trans = nn.Parameter(torch.zeros(K, K))
        self.start = nn.Parameter(torch.zeros(K))
        self.end = nn.Parameter(torch.zeros(K))

    def emissions(self, ids, feats, mask):
        m = mask.unsqueeze(1).float()  # B,1,T
        x = torch.cat([self.emb(ids), feats], dim=-1).transpose(1, 2) * m  # B,C,T
        for i, conv in enumerate(self.convs):
            y = torch.relu(conv(self.drop(x) if i else x)) * m
            x = y if i == 0 else x + y
        return self.out(self.drop(x.transpose(1, 2)))  # B,T,K

    def nll(self, em, tags, mask):
        _, T, _ = em.shape
        maskf = mask.float()
        # gold path score
        score = self.start[tags[:, 0]] + em[:, 0].gather(1, tags[:, :1]).squeeze(1)
        for t in range(1, T):
            s = self.trans[tags[:, t - 1], tags[:, t]] + em[:, t].gather(1, tags[:, t:t + 1]).squeeze(1)
            score = score + s * maskf[:, t]
        lengths = mask.sum(1)
        last = tags.gather(1, (lengths - 1).unsqueeze(1)).squeeze(1)
        score = score + self.end[last]
        # partition
        alpha = self.start.unsqueeze(0) + em[:, 0]
        for t in range(1, T):
            nxt = torch.logsumexp(alpha.unsqueeze(2) + self.trans.unsqueeze(0), dim=1) + em[:, t]
            alpha = torch.where(mask[:, t:t + 1], nxt, alpha)
        logz = torch.logsumexp(alpha + self.end.unsqueeze(0), dim=1)
        return (logz - score).sum()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--minutes", type=float, default=30.0, help="stop early after this long")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--hidden", type=int, default=48)
    ap.add_argument("--emb", type=int, default=96)
    ap.add_argument("--batch-chars", type=int, default=6000)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--unk-rate", type=float, default=0.03)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--jieba-dict", type=Path, default=None,
                    help="jieba dict.txt: ordinary words (no name/place tags) for word features")
    ap.add_argument("--words", type=int, default=60000, help="how many words to keep")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    rng = random.Random(args.seed)
    t0 = time.time()

    records = []
    with args.data.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            records.extend(chop(r["text"], r["spans"]))
    records = [r for r in records if r[0]]
    counts = collections.Counter(ch for text, _ in records for ch in text)
    vocab = "".join(sorted(ch for ch, c in counts.items() if c >= args.min_count))
    table = F.CharTable(vocab)
    words = load_words(args.jieba_dict, args.words)
    wkeys = F.word_keys(words)
    lex = F.Lexicon(words=wkeys)
    print(f"word list: {len(words)} words", flush=True)
    print(f"{len(records)} records, vocab {len(vocab)}, {time.time() - t0:.0f}s", flush=True)

    enc = []
    for text, spans in records:
        ids = table.ids(text)
        feats = lex.feats(text)
        enc.append((ids, feats, np.array(bioes(len(text), spans), dtype=np.int64)))
    rng.shuffle(enc)
    n_dev = max(200, len(enc) // 50)
    dev, train = enc[:n_dev], enc[n_dev:]
    print(f"encoded in {time.time() - t0:.0f}s; train {len(train)}, dev {len(dev)}", flush=True)

    # UNK class of every vocab id, for character dropout
    unk_of = np.zeros(table.size, dtype=np.int64)
    for i, ch in enumerate(vocab):
        unk_of[F.N_RESERVED + i] = F.char_class(ch)
    unk_of[: F.N_RESERVED] = np.arange(F.N_RESERVED)

    model = Tagger(table.size, args.emb, args.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)

    def batches(data, shuffle):
        order = sorted(range(len(data)), key=lambda i: len(data[i][0]) + rng.random() * 8)
        groups, cur, cur_max = [], [], 0
        for i in order:
            n = len(data[i][0])
            if cur and max(cur_max, n) * (len(cur) + 1) > args.batch_chars:
                groups.append(cur)
                cur, cur_max = [], 0
            cur.append(i)
            cur_max = max(cur_max, n)
        if cur:
            groups.append(cur)
        if shuffle:
            rng.shuffle(groups)
        for g in groups:
            T = max(len(data[i][0]) for i in g)
            ids = np.zeros((len(g), T), dtype=np.int64)
            feats = np.zeros((len(g), T, F.N_FEATS), dtype=np.float32)
            tags = np.zeros((len(g), T), dtype=np.int64)
            mask = np.zeros((len(g), T), dtype=bool)
            for j, i in enumerate(g):
                a, fe, tg = data[i]
                n = len(a)
                ids[j, :n], feats[j, :n], tags[j, :n], mask[j, :n] = a, fe, tg, True
            yield ids, feats, tags, mask

    def evaluate():
        model.eval()
        tot, correct, gold_ent = 0.0, 0, 0
        with torch.no_grad():
            for ids, feats, tags, mask in batches(dev, False):
                em = model.emissions(torch.from_numpy(ids), torch.from_numpy(feats), torch.from_numpy(mask))
                tot += float(model.nll(em, torch.from_numpy(tags), torch.from_numpy(mask)))
                pred = em.argmax(-1).numpy()
                correct += int(((pred == tags) & mask & (tags > 0)).sum())
                gold_ent += int(((tags > 0) & mask).sum())
        model.train()
        return tot / len(dev), correct / max(1, gold_ent)

    budget = args.minutes * 60  # a safety cap only: the schedule counts steps, not seconds
    step, stop = 0, False
    total_steps = args.epochs * sum(1 for _ in batches(train, False))
    for epoch in range(args.epochs):
        seen = 0.0
        for ids, feats, tags, mask in batches(train, True):
            if args.unk_rate:
                drop = (np.random.rand(*ids.shape) < args.unk_rate) & mask
                ids = np.where(drop, unk_of[ids], ids)
            em = model.emissions(torch.from_numpy(ids), torch.from_numpy(feats), torch.from_numpy(mask))
            loss = model.nll(em, torch.from_numpy(tags), torch.from_numpy(mask)) / mask.sum()
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            # cosine decay over all steps
            frac = min(1.0, step / total_steps)
            for g in opt.param_groups:
                g["lr"] = args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac)))
            opt.step()
            step += 1
            seen += mask.sum()
            if step % 200 == 0:
                print(f"epoch {epoch} step {step}/{total_steps} loss {loss.item():.4f} chars {seen:.0f} "
                      f"lr {opt.param_groups[0]['lr']:.5f} {time.time() - t0:.0f}s", flush=True)
            if time.time() - t0 > budget:
                stop = True
                break
        dl, acc = evaluate()
        print(f"== epoch {epoch} dev nll/seq {dl:.3f} entity-char acc {acc:.4f} {time.time() - t0:.0f}s",
              flush=True)
        if stop:
            break
    del total_steps

    export(model, vocab, args, wkeys)
    print(f"saved {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) in {time.time() - t0:.0f}s")
    return 0


BAD_TAGS = {"nr", "nrt", "nrfg", "ns", "nz", "x", "eng"}


def top_surnames() -> set[str]:
    """The 100 ranked surnames of piguard/data/cn_surnames.txt (surname<TAB>rank)."""
    out = set()
    for line in (ROOT / "src/piguard/data/cn_surnames.txt").read_text(encoding="utf-8").splitlines():
        f = line.split("\t")
        if len(f) > 1 and f[1].strip().isdigit() and not line.startswith("#"):
            out.add(f[0])
    return out


def ordinary_word(parts: list[str], top: set[str]) -> bool:
    """Same rule as train/gen_data.py: no proper names, except two-character ``nr`` entries
    that are common words (frequency >= 100, not opening with a top-100 surname)."""
    w, f, tag = parts[0], int(parts[1]), parts[2]
    if tag not in BAD_TAGS:
        return True
    return tag == "nr" and len(w) == 2 and f >= 100 and w[0] not in top

def load_words(path: Path | None, limit: int) -> list[str]:
    """Ordinary words of 2-4 CJK characters from jieba's dictionary, most frequent first;
    entries tagged as person, place or other proper names are left out (see ordinary_word)."""
    if path is None or not path.exists():
        return []
    rows = []
    top = top_surnames()
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) != 3 or not ordinary_word(parts, top):
            continue
        w, f = parts[0], int(parts[1])
        if 2 <= len(w) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in w):
            rows.append((f, w))
    rows.sort(key=lambda r: (-r[0], r[1]))
    return [w for _, w in rows[:limit]]


def export(model: Tagger, vocab: str, args, wkeys) -> None:
    sd = {k: v.detach().cpu().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    arrays = {
        "emb": sd["emb.weight"],
        "out_w": sd["out.weight"].T.copy(),
        "out_b": sd["out.bias"],
        "trans": sd["trans"],
        "start": sd["start"],
        "end": sd["end"],
        "vocab": np.array([ord(c) for c in vocab], dtype=np.int32),
        "dilations": np.array(DILATIONS, dtype=np.int32),
        "words2": wkeys[2], "words3": wkeys[3], "words4": wkeys[4],
        "config": np.array(json.dumps({"tags": TAGS, "features": F.FEATURES, "hidden": args.hidden,
                                       "emb": args.emb, "version": "ner-v2"})),
    }
    for i in range(len(DILATIONS)):
        w = sd[f"convs.{i}.weight"]  # H, Cin, 3
        arrays[f"conv{i}_w"] = np.ascontiguousarray(w.transpose(2, 1, 0))  # 3, Cin, H
        arrays[f"conv{i}_b"] = sd[f"convs.{i}.bias"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)


if __name__ == "__main__":
    raise SystemExit(main())
