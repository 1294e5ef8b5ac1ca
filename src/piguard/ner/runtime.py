"""numpy inference for the name/address tagger (weights in ``model.npz``).

Forward pass: the first convolution is folded into the embedding (three ``V x H`` tables,
one per tap), so layer one is three row gathers; the other layers are three ``N x H`` by
``H x H`` products each (one per tap) plus shifted adds.  Several windows are packed into one sequence
with an 8-row zero gap (the largest dilation), and gap rows are zeroed after every layer,
which reproduces the zero padding of training exactly.  CRF decoding (Viterbi) runs only
on short regions where some entity tag scores near the ``O`` tag; a small C helper
(``_viterbi.c``, built by ``setup.py`` where a compiler is available) does the regions, the
Viterbi paths and the spans in one call, and the numpy decoder below is its fallback and
reference.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import re
from pathlib import Path

import numpy as np

from piguard.detect.recognizers.base import Candidate
from piguard.ner import PLACE_ONLY_SCORE
from piguard.ner import features as F

try:  # the compiled decoder (setup.py builds it where a C compiler is available)
    from piguard.ner import _viterbi as _C
except ImportError:  # pragma: no cover - numpy decoder below gives the same paths
    _C = None

MODEL_FILE = Path(__file__).resolve().parent / "model.npz"
GAP = 8  # rows between packed windows: the largest dilation
CHUNK = 360  # preferred window length (cut at sentence ends): keeps a pass in L2 cache
BATCH_ROWS = 1024  # packed rows per forward pass (small passes stay in cache)
VITERBI_CELLS = 1 << 16  # steps x regions decoded together (bounds the step-major arrays)
REGION_MARGIN = 1.0  # a character is decoded when an entity tag scores within this of O
SEED_MARGIN = 0.3  # ... and only in regions where some character's entity tag is this close
TRANSLIT_CONF = 0.7  # a two-character name without a surname needs this model confidence

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SENT_END = re.compile(r"[。！？；\n!?;]")
# Cheap triggers for text without CJK characters.
_TRIGGER = re.compile(
    # capitalised words, Latin-1 and Latin Extended capitals included (Östby, Živković)
    r"[A-Z\u00c0-\u00de\u0100-\u024f][a-z\u00df-\u024f'’\-]+|[A-Z]\.|"
    r"\b[0-9]{1,6}[A-Za-z]?,? +[A-Za-z]|"
    r"(?i:\b(?:name|dear|address|lives?|street|zip|postcode|mr|mrs|ms|dr|prof|sir|madam|attn)\b)"
)
_STOP_CAPS = frozenset("""The A An I My Your Our His Her Its Their We You He She It They This That
These Those What When Where Why How Who Which Is Are Was Were Be Been Am Do Does Did Can Could Will
Would Should Shall May Might Must Have Has Had If In On At For From To Of And Or But So Not No Yes
Please Thanks Thank Hi Hello Hey Ok OK Okay Also As By With Without About After Before Then There
Here Just Some Any All Each Every One Two Let Get Got Make Made New Next Last Today Tomorrow Yesterday
Sorry Oh Well Now Because Since While Although However Therefore Sure Great Good Best Regards Note
Error Warning Info Debug Failed Success True False None Null Monday Tuesday Wednesday Thursday Friday
Saturday Sunday January February March April June July August September October November December
""".split())
# context around a trigger: the network sees 15 characters each side (dilations 1, 2, 4, 8)
_WINDOW_LEFT, _WINDOW_RIGHT = 24, 30

TAG_O = 0
_KINDS = ("PER", "ADDR")  # type index of the compiled decoder's spans (tags: O, then BIES per type)
_PER, _ADDR = "PERSON_NAME", "ADDRESS"
# Address detail: any of these makes an ADDRESS more than a bare place name.
_ADDR_DETAIL = re.compile(
    r"[0-9一二三四五六七八九十百]|[路街道巷弄里号楼室栋幢单元层村镇乡组屯院苑园区座]|"
    r"(?i:\b(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|blvd|boulevard|way|court|ct|place|pl|"
    r"suite|apt|unit|box|floor)\b)"
)
# Form field labels: never a name, whatever the model says (a generic list, not from data).
_FIELD_WORDS = frozenset("""
卡号 账号 帐号 户号 单号 编号 证号 学号 工号 订单 订单号 手机 手机号 电话 座机 传真 邮箱 邮编 地址 住址 姓名
名字 性别 民族 籍贯 生日 年龄 日期 时间 金额 余额 密码 备注 说明 状态 类型 型号 数量 单价 总价 合计 客服 用户
客户 联系 联系人 收件 寄件 收货 发货 快递 物流 微信 银行 开户 身份 证件 护照 车牌 职务 职位 部门 单位 公司
""".split())
# a trailing field label glued to a name (王小明手机): the longest label that leaves a name
_FIELD_SUFFIX = re.compile("(?:" + "|".join(sorted(_FIELD_WORDS, key=len, reverse=True)) + ")$")
# words that never occur inside an address but label the numbers next to which the model
# may see one (尾号1234, 物流单号, 订单金额)
_NOT_ADDRESS = re.compile("单号|尾号|卡号|账号|帐号|型号|编号|订单|金额|余额|手机|电话|密码|验证码|清关|快递|物流|备案|ICP")
_PRODUCT_CUE = re.compile(
    r"(?:型号|机型|设备|品牌|产品|商品|货品|(?i:model|device|brand|product|os|platform|browser))[\s:：=]*\Z")
# a single word that labels a number: "Order #2024...", "Ticket No. 5", "Invoice: 42"
_NUMBER_LABEL_AFTER = re.compile(r"\s?(?:#|No\.|Nr\.|n[oº]\s?\d)")
_CODE_CHAR = re.compile(r"[\w$]")
# a single word with a verb or noun ending that names rarely have (Reconciling, Consumed)
_LOG_WORD = re.compile(r"[A-Z][a-z]+(?:ing|ed|tion|sion|ment|ness|able|ity|ize|ise|ful)")
_WORD_BEFORE_DOT = re.compile(r"(\w+)\Z")
_TITLES_DOT = F.EN_TITLES | {"st", "jr", "sr", "messrs"}  # "Mr.Smith" is no code path
_MASKED = re.compile(r"[*＊×xX]{2}|某")
_TITLE_PREFIX = re.compile(r"^(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Madam|Mx)\.?\s+)+", re.IGNORECASE)
_HONORIFIC_SUFFIX = re.compile(r"(?:先生|女士|小姐|老师|同志|教授|医生|经理|总)$")
_STRIP = " \t\r\n,，。.;；:：、!！?？\"'“”‘’()（）[]【】<>《》-—|/\\"
_NAME_CUES = re.compile(
    r"(姓名|名字|收件人|收货人|寄件人|联系人|户主|申请人|持卡人|负责人|经办人|患者|记者|"
    r"(?i:name|dear|attn|mr\.?|mrs\.?|ms\.?|dr\.?))[\s:：]*$")
_AFTER_SURNAME = re.compile(
    r"先生|女士|小姐|太太|夫人|老师|师傅|阿姨|大爷|大妈|大姐|大哥|同志|总|老|某|家|氏|姓|"
    r"局长|处长|科长|主任|书记|经理|教授|医生|大夫|律师|警官|院长|校长|部长|市长|县长|主席|董事|"
    r"工|姐|哥|叔|伯|婶|嫂|爷|奶")
_NAME_CUES_AFTER = re.compile(r"(先生|女士|小姐|同志|老师|教授|医生|经理|说|表示|认为)")
# an organisation name goes on after the span: 星海公司, 金鹏(集团), 蓝天鹅（集团）股份,
# 福特斯汽车公司, 华星（宁波）电力开发有限公司 -- the span names a company, not a person
_ORG_AFTER = re.compile(
    r" ?(?:[（(][^）)\n]{1,10}[）)])?"
    r"(?:(?:汽车|电力|电气|科技|实业|药业|制药|化工|传媒|物流|电器|食品|商贸|贸易|建设|工程|投资|置业|能源|"
    r"电子|网络|软件|信息|通信|航空|钢铁|机械|服饰|影业|影视|文化|地产|房地产|生物|医药|家居|农业|集团|"
    r"开发|控股)+)?"
    r"(?:集团|股份|控股|(?:有限)?公司|总公司|分公司|总厂|银行(?![卡账帐流])|证券|基金公司|保险公司|"
    r"(?i:inc\b|corp\b|ltd\b|llc\b|co\.|group\b|bank\b))")
# personal titles after a name (贝先生, 王教授): a person even where the name is also a place
_TITLES_AFTER = "先生|女士|小姐|夫人|太太|教授|博士|同志|老师|医生"
_TITLE_AFTER = re.compile(_TITLES_AFTER)
# what follows a person, not a place: 哈里森总统, 帕特森一行, 威尔逊表示
_PERSON_AFTER = re.compile(
    r"(?:副?总统|总理|首相|主席|国王|女王|亲王|王子|公主|总书记|部长|外长|大使|议员|将军|一行|"
    r"说|表示|认为|指出|强调|宣布|称|" + _TITLES_AFTER + ")")
# adverbs, particles and verbs that follow a name but do not end one (刘建华也, 哈里森已, 赵文静译)
_NAME_TAIL_WORDS = frozenset("也已仅更最都又还就曾却便亦仍屡竟并即乃们等说译著编称讲问答笑把被给让叫与及跟")

_ADDR_CUES = re.compile(r"(地址|住址|住所|所在地|寄往|送至|发往|(?i:address|ship to|lives at))[\s:：]*$")


class Model:
    def __init__(self, arrays: dict[str, np.ndarray]):
        cfg = json.loads(str(arrays["config"]))
        self.version = cfg.get("version", "ner")
        self.tags = tuple(cfg["tags"])
        vocab = "".join(chr(int(c)) for c in arrays["vocab"])
        self.table = F.CharTable(vocab)
        self.lex = F.Lexicon(words={n: arrays[f"words{n}"] for n in (2, 3, 4) if f"words{n}" in arrays})
        self.dilations = [int(d) for d in arrays["dilations"]]
        emb = arrays["emb"]
        w0 = arrays["conv0_w"]  # 3, Cin, H
        e = emb.shape[1]
        # layer one folded into the embedding: one table per tap
        self.tap = [np.ascontiguousarray(emb @ w0[j, :e]) for j in range(3)]
        self.tap[0][0] = 0.0
        self.tap[1][0] = 0.0
        self.tap[2][0] = 0.0
        self.feat_w = np.ascontiguousarray(np.concatenate([w0[j, e:] for j in range(3)], axis=1))
        self.b0 = arrays["conv0_b"]
        self.layers = []
        for i, d in enumerate(self.dilations[1:], start=1):
            w = arrays[f"conv{i}_w"]  # 3, H, H
            self.layers.append((d, np.ascontiguousarray(w), arrays[f"conv{i}_b"]))
        self.out_w = arrays["out_w"]
        self.out_b = arrays["out_b"]
        k = len(self.tags)
        trans = arrays["trans"].astype(np.float32).copy()
        for a in range(k):
            for b in range(k):
                if not _allowed(self.tags[a], self.tags[b]):
                    trans[a, b] = -1e4
        self.trans = trans
        self.start = arrays["start"].astype(np.float32).copy()
        self.end = arrays["end"].astype(np.float32).copy()
        for i, t in enumerate(self.tags):
            if t[0] in "IE":
                self.start[i] = -1e4
            if t[0] in "BI":
                self.end[i] = -1e4
        self.hidden = self.b0.shape[0]
        self.compiled = True  # decode with the C helper when it is built (tests turn it off)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Model:
        with np.load(path, allow_pickle=False) as z:
            return cls({k: z[k] for k in z.files})

    # --- gating -------------------------------------------------------------------------------

    def windows(self, text: str) -> list[tuple[int, int]]:
        n = len(text)
        if _CJK.search(text) is not None:
            if n <= CHUNK:
                return [(0, n)]
            out, start = [], 0
            while n - start > CHUNK:
                cut = None
                for m in _SENT_END.finditer(text, start + CHUNK // 2, start + CHUNK):
                    cut = m.end()
                if cut is None:
                    cut = start + CHUNK
                out.append((start, cut))
                start = cut
            out.append((start, n))
            return out
        spans = [m.span() for m in _TRIGGER.finditer(text) if m.group() not in _STOP_CAPS]
        if not spans:
            return []
        # windows around the triggers, merged when at most 8 characters apart
        a = np.asarray(spans, dtype=np.int64)
        s0 = np.maximum(a[:, 0] - _WINDOW_LEFT, 0)
        e0 = np.minimum(a[:, 1] + _WINDOW_RIGHT, n)
        reach = np.maximum.accumulate(e0)
        new = np.ones(len(s0), dtype=bool)
        new[1:] = s0[1:] > reach[:-1] + 8
        heads = np.flatnonzero(new)
        wins = list(zip(s0[heads].tolist(), np.maximum.reduceat(e0, heads).tolist()))
        if sum(e - s for s, e in wins) > 0.8 * n and n <= CHUNK:
            return [(0, n)]
        out = []
        for s, e in wins:  # cut very long windows
            while e - s > CHUNK:
                out.append((s, s + CHUNK))
                s += CHUNK
            out.append((s, e))
        return out

    # --- forward ------------------------------------------------------------------------------

    def emissions(self, ids: np.ndarray, feats: np.ndarray, valid: np.ndarray | None) -> np.ndarray:
        """Scores ``(N, K)`` for a packed sequence (gap rows have ``valid`` False)."""
        n = len(ids)
        h = self.hidden
        pid = np.zeros(n + 2, dtype=ids.dtype)
        pid[1:-1] = ids
        x = np.take(self.tap[0], pid[:-2], axis=0)
        x += np.take(self.tap[1], pid[1:-1], axis=0)
        x += np.take(self.tap[2], pid[2:], axis=0)
        if feats.any():
            fw = feats @ self.feat_w  # N, 3H
            x[1:] += fw[:-1, :h]
            x += fw[:, h:2 * h]
            x[:-1] += fw[1:, 2 * h:]
        x += self.b0
        np.maximum(x, 0, out=x)
        gaps = None if valid is None else np.flatnonzero(~valid)  # zeroed after every layer
        if gaps is not None:
            x[gaps] = 0.0
        for d, w, b in self.layers:
            y3 = np.matmul(x, w)  # 3, N, H: one product per tap, each contiguous
            y = y3[1]
            y += b
            if n > d:
                y[d:] += y3[0, :-d]
                y[:-d] += y3[2, d:]
            np.maximum(y, 0, out=y)
            if gaps is not None:
                y[gaps] = 0.0
            x += y
        return x @ self.out_w + self.out_b

    # --- decoding -----------------------------------------------------------------------------

    def _regions(self, em: np.ndarray, valid: np.ndarray, first: np.ndarray, last: np.ndarray):
        """Runs of rows where some entity tag scores within REGION_MARGIN of O (grown by one
        row each side), never crossing a window edge."""
        gap = em[:, 1:].max(axis=1) - em[:, 0]
        cand = (gap > -REGION_MARGIN) & valid
        if not cand.any():
            return []
        lead = np.concatenate(([0], np.cumsum(gap > -SEED_MARGIN)))  # rows that can seed a span
        grown = cand.copy()
        grown[1:] |= cand[:-1]
        grown[:-1] |= cand[1:]
        grown &= valid
        prev = np.concatenate(([False], grown[:-1]))
        nxt = np.concatenate((grown[1:], [False]))
        starts = np.flatnonzero(grown & (~prev | first))
        ends = np.flatnonzero(grown & (~nxt | last)) + 1
        keep = lead[ends] > lead[starts]  # a region without a seed row decodes to all O
        return list(zip(starts[keep].tolist(), ends[keep].tolist()))

    def viterbi(self, em: np.ndarray, regions, first: np.ndarray, last: np.ndarray):
        """Best tag sequence of each region, all regions at once (longest first, so the live
        regions at step t are a prefix).  A region starts and ends in ``O`` context unless it
        touches a window edge (``first``/``last`` flags per row)."""
        order = sorted(range(len(regions)), key=lambda i: regions[i][0] - regions[i][1])
        # bounded memory: groups of regions (longest first) with at most VITERBI_CELLS steps
        groups, cur_group = [], []
        for i in order:
            if cur_group and (len(cur_group) + 1) * (regions[cur_group[0]][1] - regions[cur_group[0]][0]) > VITERBI_CELLS:
                groups.append(cur_group)
                cur_group = []
            cur_group.append(i)
        groups.append(cur_group)
        paths: list = [None] * len(regions)
        for g in groups:
            for i, p in zip(g, self._viterbi([regions[i] for i in g], em, first, last)):
                paths[i] = p
        return paths

    def _viterbi(self, regs, em: np.ndarray, first: np.ndarray, last: np.ndarray):
        """``viterbi`` of regions sorted longest first; paths in the same order."""
        k = em.shape[1]
        r = len(regs)
        s0 = np.fromiter((a for a, _ in regs), dtype=np.int64, count=r)
        lengths = np.fromiter((b - a for a, b in regs), dtype=np.int64, count=r)
        lmax = int(lengths[0])
        live = np.searchsorted(-lengths, -np.arange(lmax), side="left")  # regions longer than t
        init = np.where(first[s0][:, None], self.start[None, :], self.trans[TAG_O][None, :])
        score = init + em[s0]
        # emissions of every region laid out step by step: emr[t, i] = em[s0[i] + t]
        rows = np.minimum(s0[None, :] + np.arange(lmax)[:, None], len(em) - 1)
        emr = em[rows]
        back = np.empty((lmax, r, k), dtype=np.int8)
        trans = self.trans[None, :, :]
        cand_buf = np.empty((r, k, k), dtype=np.float32)
        live_n = live.tolist()
        for t in range(1, lmax):
            n = live_n[t]
            cand = np.add(score[:n, :, None], trans, out=cand_buf[:n])
            cand.argmax(axis=1, out=back[t, :n])
            sc = score[:n]
            cand.max(axis=1, out=sc)
            sc += emr[t, :n]
        e0 = s0 + lengths - 1
        score += np.where(last[e0][:, None], self.end[None, :], self.trans[:, TAG_O][None, :])
        cur = score.argmax(axis=1)
        # backtrace of all regions together: a region joins when t reaches its last row
        out = np.empty((lmax, r), dtype=np.int64)
        rows_r = np.arange(r)
        for t in range(lmax - 1, -1, -1):
            n = live_n[t]
            c = cur[:n]
            out[t, :n] = c
            if t:
                c[:] = back[t, rows_r[:n], c]
        inside = np.arange(lmax)[:, None] < lengths[None, :]
        tagged = ((out != TAG_O) & inside).any(axis=0).tolist()
        return [out[:int(lengths[i]), i] if tagged[i] else None for i in range(r)]

    def decode(self, em: np.ndarray, valid: np.ndarray, first: np.ndarray, last: np.ndarray):
        """Spans ``(first row, end row, "PER"|"ADDR", confidence)`` of a packed pass's
        emissions: regions, their best paths and the spans of those paths; confidence is the
        mean over the span's rows of the probability of an entity tag.  By the compiled helper
        where it is built, else by numpy (same spans; tests compare the two)."""
        if _C is not None and self.compiled:
            found = _C.spans(np.ascontiguousarray(em, dtype=np.float32), em.shape[1],
                             valid.view(np.uint8), first.view(np.uint8), last.view(np.uint8),
                             self.trans, self.start, self.end, REGION_MARGIN, SEED_MARGIN)
            return [(a, b, _KINDS[k], conf) for a, b, k, conf in found]
        return self._decode_numpy(em, valid, first, last)

    def _decode_numpy(self, em: np.ndarray, valid: np.ndarray, first: np.ndarray, last: np.ndarray):
        regions = self._regions(em, valid, first, last)
        if not regions:
            return []
        out = []
        p_entity = None  # per-row probability of an entity tag, prefix sums
        for (rs, _re), path in zip(regions, self.viterbi(em, regions, first, last)):
            if path is None:
                continue  # all O
            for a, b, kind in _spans(path):
                if p_entity is None:
                    z = np.exp(em - em.max(axis=1, keepdims=True))
                    p = 1.0 - z[:, TAG_O] / z.sum(axis=1)
                    p_entity = np.concatenate(([0.0], np.cumsum(p, dtype=np.float64))).tolist()
                out.append((rs + a, rs + b, kind, (p_entity[rs + b] - p_entity[rs + a]) / (b - a)))
        return out

    # --- main entry ---------------------------------------------------------------------------

    def recognize_many(self, texts: list[str]) -> list[list[Candidate]]:
        results: list[list[Candidate]] = [[] for _ in texts]
        jobs = []  # (text index, window start, window end)
        for ti, text in enumerate(texts):
            if text:
                jobs.extend((ti, s, e) for s, e in self.windows(text))
        if not jobs:
            return results
        # forward passes of at most BATCH_ROWS rows (small passes stay in cache) ...
        passes: list[list[tuple[int, int, int]]] = [[]]
        rows = 0
        for job in jobs:
            size = job[2] - job[1] + GAP
            if passes[-1] and rows + size > BATCH_ROWS:
                passes.append([])
                rows = 0
            passes[-1].append(job)
            rows += size
        ems, valids, firsts, lasts, starts = [], [], [], [], []
        base = 0
        cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for batch in passes:
            ids, feats, valid, first, last, offs = self._pack(texts, batch, cache)
            ems.append(self.emissions(ids, feats, valid if len(batch) > 1 else None))
            valids.append(valid)
            firsts.append(first)
            lasts.append(last)
            starts.extend(base + o for o in offs)
            base += len(ids)
        # ... then one decoding pass over all of them
        if len(passes) == 1:
            em, valid, first, last = ems[0], valids[0], firsts[0], lasts[0]
        else:
            em, valid = np.concatenate(ems), np.concatenate(valids)
            first, last = np.concatenate(firsts), np.concatenate(lasts)
        all_jobs = [job for batch in passes for job in batch]
        for rs, rend, kind, conf in self.decode(em, valid, first, last):
            j = bisect.bisect_right(starts, rs) - 1
            ti, ws, _we = all_jobs[j]
            off = ws - starts[j]
            c = self._candidate(texts[ti], rs + off, rend + off, kind, conf)
            if c is not None:
                results[ti].append(c)
        return results

    def _pack(self, texts, batch, cache):
        """ids, feats, valid/first/last row flags and window offsets of one forward pass."""
        if len(batch) == 1:  # one window, nothing to pack
            ti, s, e = batch[0]
            text = texts[ti] if (s, e) == (0, len(texts[ti])) else texts[ti][s:e]
            ids, feats = self.table.ids(text), self.lex.feats(text)
            n = len(ids)
            valid = np.ones(n, dtype=bool)
            first = np.zeros(n, dtype=bool)
            last = np.zeros(n, dtype=bool)
            first[0] = last[-1] = True
            return ids, feats, valid, first, last, [0]
        parts_ids, parts_feats, offsets = [], [], []
        pos = 0
        for ti, s, e in batch:
            if ti not in cache:
                cache[ti] = (self.table.ids(texts[ti]), self.lex.feats(texts[ti]))
            ids, feats = cache[ti]
            parts_ids.append(ids[s:e])
            parts_feats.append(feats[s:e])
            parts_ids.append(np.zeros(GAP, dtype=np.int32))
            parts_feats.append(np.zeros((GAP, F.N_FEATS), dtype=np.float32))
            offsets.append(pos)
            pos += e - s + GAP
        ids = np.concatenate(parts_ids)
        feats = np.concatenate(parts_feats)
        n = len(ids)
        valid = np.zeros(n, dtype=bool)
        first = np.zeros(n, dtype=bool)
        last = np.zeros(n, dtype=bool)
        for (_ti, s, e), off in zip(batch, offsets):
            valid[off:off + e - s] = True
            first[off] = True
            last[off + e - s - 1] = True
        return ids, feats, valid, first, last, offsets

    def _glued_tail(self, value: str) -> int:
        """1 when the model glued the next word's first character to a Chinese name: an
        adverb, particle or verb that does not end names (哈里森已, 刘建华也, 赵文静译)."""
        n = len(value)
        if n < 3:
            return 0
        if value[-1] in _NAME_TAIL_WORDS and _plausible_cjk_name(value[:-1]):
            return 1
        return 0

    def _is_word(self, value: str) -> bool:
        n = len(value)
        if n not in self.lex.words.keys:
            return False
        lengths, starts = self.lex.words.hits(F.codepoints(value))
        return bool(((lengths == n) & (starts == 0)).any())

    def _candidate(self, text: str, start: int, end: int, kind: str, conf: float) -> Candidate | None:
        while start < end and (text[start] in _STRIP or text[start].isspace()):
            start += 1
        while end > start and (text[end - 1] in _STRIP or text[end - 1].isspace()):
            end -= 1
        if end <= start:
            return None
        value = text[start:end]
        if "*" in value or "＊" in value:
            return None  # masked values (李*, 北京市朝阳区****) are not findings
        evidence = [f"model:{self.version}"]
        if kind == "ADDR" and _PERSON_AFTER.match(text, end) and _person_not_place(value):
            kind = "PER"  # a transliterated name the model read as a place: 哈里森总统
            evidence.append("retyped:person-cue")
        if kind == "PER":
            m = _TITLE_PREFIX.match(value)
            if m:
                start += m.end()
                value = text[start:end]
                if value != value.lstrip():
                    return None
            m = _HONORIFIC_SUFFIX.search(value)
            if m and m.start() > 0:
                end = start + m.start()
                value = text[start:end]
            if not value or not any(ch.isalpha() for ch in value) or value in _FIELD_WORDS:
                return None
            if any(ch.isdigit() for ch in value):
                return None  # names hold no digits
            m = _FIELD_SUFFIX.search(value, 1)
            if m:
                end -= len(m.group())
                value = text[start:end]
            if _CJK.match(value):
                end -= self._glued_tail(value)
                value = text[start:end]
            if len(value) == 1 and _is_cjk_char(value) and not _AFTER_SURNAME.match(text, end):
                return None  # a lone surname only with a title after it (王先生 -> 王)
            if _MASKED.search(value) or text[end:end + 1] in ("*", "＊") or text[end:end + 1] == "某":
                return None
            has_cjk = _CJK.search(value) is not None
            if has_cjk and any(ch.isascii() and ch.isalpha() for ch in value):
                return None  # names are in one script: "QQ号", "VIP客户" are labels
            if has_cjk and not _plausible_cjk_name(value, conf):
                return None  # 实付, 设备: a Chinese name starts with a surname
            if not has_cjk and not _latin_name(value):
                return None  # code-like tokens in logs: c.e.s.OrderService, info, SKU
            if not has_cjk and ((end < len(text) and text[end].isascii() and text[end].isalpha())
                                or (start and text[start - 1].isascii() and text[start - 1].isalpha())):
                return None  # a piece of a longer Latin word (Comm|itted, Reconci|ling)
            if not has_cjk and _in_code_path(text, start, end):
                return None  # a component of a dotted name: c.e.job.Scheduler, Logger.info
            if _ORG_AFTER.match(text, end):
                return None  # the start of an organisation name: 星海公司, 金鹏（集团）
            if _PRODUCT_CUE.search(text, max(0, start - 10), start):
                return None  # "model Redmi K70", "设备：iPhone": a product after its label
            if not has_cjk and " " not in value and _NUMBER_LABEL_AFTER.match(text, end):
                return None  # "Order #2024...": a label of the number after it
            if not has_cjk and _LOG_WORD.fullmatch(value) and not self.lex.is_en_name(value):
                return None  # one capitalised log word: Reconciling, Consumed, Registration
            cue = _NAME_CUES.search(text, max(0, start - 8), start)
            if (not cue and _world_places().get(value) == "territory"
                    and not _TITLE_AFTER.match(text, end)):
                return None  # a country or territory (马拉维, 巴基斯坦), not a person
            if cue:
                evidence.append("cue:" + cue.group(1).strip())
            else:
                cue = _NAME_CUES_AFTER.match(text, end)
                if cue:
                    evidence.append("cue:" + cue.group(1))
                elif self._is_word(value):
                    return None  # an ordinary word (文明, 智慧) without a name cue
            score = 0.3 + 0.67 * conf
            entity = _PER
        else:
            if not any(ch.isalpha() for ch in value):
                return None  # a bare number is no address (thread ids, ports, ZIP codes alone)
            if _NOT_ADDRESS.search(text, max(0, start - 1), end):
                return None  # form labels and their values: 尾号1234, 物流单号, 金额, 商品型号
            cue = _ADDR_CUES.search(text, max(0, start - 8), start)
            if _CJK.search(value) is None and not cue and not _latin_address(value):
                return None  # "Android 15", "INFO  12345": no cue, street word or comma
            if cue:
                evidence.append("cue:" + cue.group(1).strip())
            score = 0.3 + 0.67 * conf
            if _ADDR_DETAIL.search(value) is None:
                score = min(score, PLACE_ONLY_SCORE)
                evidence.append("place-only")
            entity = _ADDR
        return Candidate(entity, start, end, round(min(0.97, max(0.05, score)), 4), tuple(evidence))


_LATIN_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*\.?")
_EN_STREET = re.compile(
    r"(?i:\b(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|blvd|boulevard|way|court|ct|place|"
    r"pl|square|sq|terrace|highway|hwy|parkway|pkwy|suite|apt|apartment|unit|box|floor|flat|"
    r"crescent|circle|cir|trail|trl|ridge|alley|row|path|loop|grove|gardens|close|mews|walk|hill|"
    r"heights|view|point|bend|crossing|pike|plaza|cove|glen|manor|meadows?|route|rte|expressway|"
    r"freeway|fwy|turnpike|estates?|park|center|centre|building|bldg|po box|fpo|apo|dpo|"
    # continental street words (Rue ..., Via ..., ul. ...) and street-name endings
    # (Ziegelgasse, Kiannonkatu, Strandvejen, Populierenstraat)
    r"rue|via|viale|piazza|corso|calle|avenida|avda|rua|travessa|praça|plaza|ul|al|aleja|plac|"
    r"stra(?:ss|ß)e|str|gasse|weg|allee|platz|gate|gata|gatan|vej|gade|straat|laan|utca|ulica|"
    r"\w+(?:stra(?:ss|ß)e|gasse|weg|allee|platz|damm|katu|tie|kuja|polku|vej|vejen|gade|gata|"
    r"gatan|v(?:ä|a)gen|veien|gaten|stien|straat|laan|gracht|plein|utca|útja|ulica|cesta))\b)")
_NUMBER_THEN_WORDS = re.compile(r"\d+[A-Za-z]?,?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+")


def _latin_name(value: str) -> bool:
    """A Latin-script name: capitalised words (Anne-Marie, O'Brien, J.), none in camelCase,
    no all-capital acronym, no dotted code (c.e.s.OrderService)."""
    tokens = value.split()
    if not tokens:
        return False
    if len(tokens[-1]) == 1:
        return False  # "Redmi K" (K70 cut short): a trailing initial without a period
    for tok in tokens:
        if not _LATIN_TOKEN.fullmatch(tok) or not tok[0].isupper():
            return False
        letters = [c for c in tok if c.isalpha()]
        if len(letters) > 1 and all(c.isupper() for c in letters):
            return False  # SKU, INFO
        for prev, cur in itertools.pairwise(tok):
            if cur.isupper() and prev.islower():
                return False  # OrderService
    return True


@functools.cache
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    from piguard import data

    return frozenset(data.cn_surnames()), frozenset(data.cn_compound_surnames())


@functools.cache
def _translit_chars() -> frozenset[str]:
    from piguard import data

    return frozenset(data.cn_translit_chars())


@functools.cache
def _world_places() -> dict[str, str]:
    from piguard import data

    return data.world_places_zh()


def _person_not_place(value: str) -> bool:
    """A bare transliteration (2-8 characters from the transliteration table, middle dots
    allowed) that is no country, territory or city name: 哈里森, 威尔逊, 瓦西列夫斯卡."""
    if not 2 <= len(value) <= 8 or value in _world_places():
        return False
    table = _translit_chars()
    return all(ch in table or ch in "·•" for ch in value) and value[0] not in "·•"


def _plausible_cjk_name(value: str, conf: float = 1.0) -> bool:
    """A two-character Chinese name starts with a known surname (single or compound:
    王伟, 欧阳), or is a confident transliteration (怀特, 帕克: both characters from the
    transliteration table, model confidence >= TRANSLIT_CONF); longer names, names with a
    middle dot and single characters (handled by the title rule) are left to the model."""
    if len(value) != 2 or "·" in value or "•" in value:
        return True
    single, compound = _surnames()
    if value[0] in single or value in compound:
        return True
    table = _translit_chars()
    return conf >= TRANSLIT_CONF and value[0] in table and value[1] in table


def _in_code_path(text: str, start: int, end: int) -> bool:
    """The word at ``start:end`` is joined to code by a dot or a slash: ``job.Scheduler``,
    ``Scheduler.run``, ``org/Foo`` (no space around the dot, as in ``Mr. Smith``)."""
    before = text[start - 2:start] if start >= 2 else ""
    after = text[end:end + 2]
    if len(before) == 2 and before[1] in "./\\" and _CODE_CHAR.match(before[0]) is not None:
        m = _WORD_BEFORE_DOT.search(text, max(0, start - 17), start - 1)  # titles are short
        return not (before[1] == "." and m is not None and m.group(1).lower() in _TITLES_DOT)
    return len(after) == 2 and after[0] in "./\\(" and _CODE_CHAR.match(after[1]) is not None


def _latin_address(value: str) -> bool:
    """A Latin-script street address has a number and a street word, or comma-separated parts."""
    has_digit = any(ch.isdigit() for ch in value)
    words = [t for t in value.replace(",", " ").split() if any(c.isalpha() for c in t)]
    if not words:
        return False
    titled = any(len(w) >= 3 and w[0].isupper() and not w.isupper() for w in words)
    return (bool(_EN_STREET.search(value))
            or ("," in value and has_digit and len(words) >= 2 and titled)
            or bool(_NUMBER_THEN_WORDS.match(value)))


def _is_cjk_char(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _allowed(a: str, b: str) -> bool:
    """BIOES transition a -> b."""
    if a == "O" or a[0] in "ES":
        return b == "O" or b[0] in "BS"
    # a is B or I: must continue the same type
    return b[0] in "IE" and b[2:] == a[2:]


def _spans(path: np.ndarray) -> list[tuple[int, int, str]]:
    """Spans of a tag path: a run of one type, split before B/S and after E/S (so an
    inconsistent path, e.g. from greedy decoding, still gives sensible spans)."""
    out = []
    start, kind = None, None
    # tags: 0 O; 1..4 B I E S PER; 5..8 B I E S ADDR
    for i, t in enumerate(path.tolist()):
        if t == 0:
            if start is not None:
                out.append((start, i, kind))
            start = None
            continue
        k = "PER" if t <= 4 else "ADDR"
        pos = (t - 1) % 4  # 0 B, 1 I, 2 E, 3 S
        if start is not None and (k != kind or pos in (0, 3)):
            out.append((start, i, kind))
            start = None
        if start is None:
            start, kind = i, k
        if pos in (2, 3):
            out.append((start, i + 1, kind))
            start = None
    if start is not None:
        out.append((start, len(path), kind))
    return out
