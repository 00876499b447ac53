"""Adversarial mutation fuzzer for the trusted checker ``exactopen.kernel``.

Three parts:

* a deterministic (seeded) mutation engine over certificate JSON (:func:`mutants`);
* a runner that feeds mutant texts to ``exactopen.kernel.check_text`` in worker
  subprocesses with a memory limit and a wall-clock limit per mutant (:class:`Runner`),
  so a blow-up in the kernel cannot kill the test run;
* an independent judge (:mod:`fuzz_judge`) that decides, for every ACCEPTED mutant, whether
  what it states is true (it never imports ``exactopen.kernel``).

Figures: mutants, rejected, accepted_true, accepted_false, unjudged, crashes, timeouts.

Command line:  python -m tests.kernel.fuzzing [N] [SEED]   (prints the summary and the findings)
Worker mode:   python -m tests.kernel.fuzzing --worker     (used by the runner)
"""

from __future__ import annotations

import copy
import glob
import json
import os
import random
import re
import selectors
import subprocess
import sys
import time
from collections import Counter, defaultdict
from fractions import Fraction
from pathlib import Path

from tests.helpers import ROOT

CERT_DIR = ROOT / "certificates"
FORMAT = "exactopen-certificate"
RAT = re.compile(r"-?[0-9]+(/[0-9]+)?")
PER_MUTANT_LIMIT = 10.0          # seconds: above this a mutant counts as a timeout
MEMORY_LIMIT = 1 << 31           # bytes of address space for a worker (2 GiB)


# =====================================================================================
# corpus
# =====================================================================================

def load_corpus(folder=CERT_DIR) -> list[tuple[str, str, dict]]:
    """(name, text, parsed) for every certificate file (schema.json excluded), sorted."""
    out = []
    for f in sorted(glob.glob(os.path.join(str(folder), "*.json"))):
        text = Path(f).read_text(encoding="utf-8")
        obj = json.loads(text)
        if isinstance(obj, dict) and obj.get("format") == FORMAT:
            out.append((os.path.basename(f), text, obj))
    return out


def select_seeds(corpus, per_kind_cap: int = 12, rng=None) -> list:
    """A balanced set of seed certificates: every kind, at most ``per_kind_cap`` of each
    (landscape_point has 256 files; we keep every distinct verdict)."""
    rng = rng or random.Random(0)
    by_kind = defaultdict(list)
    for item in corpus:
        by_kind[item[2]["kind"]].append(item)
    seeds = []
    for k in sorted(by_kind):
        items = by_kind[k]
        if len(items) <= per_kind_cap:
            seeds.extend(items)
            continue
        by_verdict = defaultdict(list)
        for it in items:
            by_verdict[str(it[2]["result"].get("verdict"))].append(it)
        chosen = [v[0] for v in by_verdict.values()]
        rest = [it for it in items if it not in chosen]
        rng.shuffle(rest)
        seeds.extend(chosen + rest[: max(0, per_kind_cap - len(chosen))])
    return seeds


# =====================================================================================
# JSON helpers
# =====================================================================================

class Pairs(list):
    """A JSON object given as a list of (key, value) pairs: may repeat a key."""


def dumps(obj) -> str:
    """json.dumps that also writes :class:`Pairs` (duplicate keys) and NaN/Infinity."""
    if isinstance(obj, Pairs):
        return "{" + ", ".join(json.dumps(k) + ": " + dumps(v) for k, v in obj) + "}"
    if isinstance(obj, dict):
        return "{" + ", ".join(json.dumps(k) + ": " + dumps(v) for k, v in obj.items()) + "}"
    if isinstance(obj, list):
        return "[" + ", ".join(dumps(v) for v in obj) + "]"
    return json.dumps(obj)


def first_wins(pairs):
    d = {}
    for k, v in pairs:
        if k not in d:
            d[k] = v
    return d


def parse_last(text):
    return json.loads(text)


def parse_first(text):
    return json.loads(text, object_pairs_hook=first_wins)


def nodes(obj, path=()):
    """Every (path, node) of a JSON tree, depth first."""
    yield path, obj
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from nodes(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from nodes(v, path + (i,))


def get(obj, path):
    for p in path:
        obj = obj[p]
    return obj


def put(obj, path, value):
    if not path:
        return value
    get(obj, path[:-1])[path[-1]] = value
    return obj


def is_matrix(x) -> bool:
    return isinstance(x, dict) and isinstance(x.get("shape"), list) and isinstance(x.get("rows"), list)


def is_cert(x) -> bool:
    return isinstance(x, dict) and x.get("format") == FORMAT


def pstr(path) -> str:
    return "/".join(str(p) for p in path) or "<root>"


# =====================================================================================
# mutation engine
# =====================================================================================

HUGE = "1" + "0" * 400


def number_variants(s: str) -> list[tuple[str, str]]:
    """Mutations of a rational string 'p' or 'p/q' (name, new value)."""
    p, _, q = s.partition("/")
    P, Q = int(p), int(q) if q else 1
    if Q == 0:
        return [("fix_zero_den", f"{P}/1"), ("zero", "0"), ("huge", HUGE)]
    v = Fraction(P, Q)

    def txt(x: Fraction) -> str:
        return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"

    out = [("plus1", txt(v + 1)), ("negate", txt(-v)), ("times2", txt(2 * v)), ("zero", "0"),
           ("huge", HUGE), ("huge_neg", "-" + HUGE), ("huge_den", f"1/{HUGE}"), ("tiny_shift", txt(v + Fraction(1, 10 ** 30))),
           ("noncanon_2q", f"{2 * P}/{2 * Q}"), ("minus_zero", "-0"), ("plus_sign", "+" + s), ("space", " " + s),
           ("float_text", repr(float(v)) if abs(v) < 10 ** 300 else "1e400"), ("zero_den", f"{P}/0"),
           ("den_one", f"{P}/{Q}" if q else f"{P}/1"), ("neg_den", f"{P}/-{Q}"), ("half", txt(v / 2)),
           ("as_int", P), ("as_float", float(v) if abs(v) < 10 ** 300 else 1e300), ("unicode_minus", s.replace("-", "\u2212") if "-" in s else "\u2212" + s)]
    if P != 0:
        out.append(("swap_num_den", txt(Fraction(Q, P)) if P > 0 else txt(Fraction(-Q, -P))))
    return out


INT_VARIANTS = [("plus1", lambda n: n + 1), ("minus1", lambda n: n - 1), ("zero", lambda n: 0), ("neg1", lambda n: -1),
                ("1e9", lambda n: 10 ** 9), ("huge", lambda n: 10 ** 400), ("as_str", lambda n: str(n)),
                ("as_float", lambda n: float(n)), ("as_bool", lambda n: bool(n)), ("nan", lambda n: float("nan")),
                ("inf", lambda n: float("inf")), ("double", lambda n: 2 * n), ("negate", lambda n: -n)]


class Mutator:
    """Deterministic mutation engine.  ``mutate(seed_index, rng)`` returns (text, info)."""

    def __init__(self, corpus, seeds=None):
        self.corpus = corpus
        self.seeds = seeds if seeds is not None else corpus
        # pools of string values by key name, of keys, and of subtrees by key name
        self.str_by_key = defaultdict(set)
        self.all_keys = set()
        self.sub_by_key = defaultdict(list)
        self.nested = defaultdict(list)     # kind -> nested certificates (whole files)
        for name, _, cert in corpus:
            self.nested[cert["kind"]].append((name, cert))
            for path, node in nodes(cert):
                if path and isinstance(path[-1], str):
                    key = path[-1]
                    self.all_keys.add(key)
                    if isinstance(node, str) and not RAT.fullmatch(node) and len(node) < 200:
                        self.str_by_key[key].add(node)
                    if len(self.sub_by_key[key]) < 40 and len(json.dumps(node)) < 20000:
                        self.sub_by_key[key].append(node)
        self.str_by_key = {k: sorted(v) for k, v in self.str_by_key.items()}
        self.all_keys = sorted(self.all_keys)
        self.kinds = sorted(self.nested)
        self.ops = [
            ("number", 14), ("int", 6), ("bool", 4), ("string", 8), ("key_delete", 5), ("key_rename", 3),
            ("key_add", 4), ("dup_key", 5), ("shape", 8), ("list", 6), ("subtree_same", 6),
            ("subtree_other", 5), ("nested_swap", 6), ("null", 3), ("result_inputs", 6), ("multi", 6),
        ]

    # ---------------------------------------------------------------------------------
    def mutate(self, cert: dict, rng: random.Random, depth: int = 0):
        """One mutant of ``cert``: (text, [info...]) with info = {op, path, detail}."""
        names, weights = zip(*self.ops)
        for _ in range(30):
            op = rng.choices(names, weights)[0]
            if op == "multi" and depth == 0:
                c = copy.deepcopy(cert)
                infos = []
                for _ in range(rng.randint(2, 3)):
                    res = self._apply(c, rng, rng.choices(names[:-1], weights[:-1])[0])
                    if res is None:
                        continue
                    c, info = res
                    if isinstance(c, Pairs) or info.get("text") is not None:
                        return info["text"], infos + [info]
                    infos.append(info)
                if infos:
                    return dumps(c), infos
                continue
            if op == "multi":
                continue
            res = self._apply(copy.deepcopy(cert), rng, op)
            if res is None:
                continue
            c, info = res
            text = info.pop("text", None)
            return (text if text is not None else dumps(c)), [info]
        return dumps(cert), [{"op": "identity", "path": "", "detail": ""}]

    def _pick(self, cert, rng, pred, prefer=None):
        cands = [(p, n) for p, n in nodes(cert) if pred(p, n)]
        if not cands:
            return None
        if prefer:
            pref = [c for c in cands if c[0] and c[0][0] in prefer]
            if pref and rng.random() < 0.6:
                cands = pref
        return rng.choice(cands)

    def _apply(self, cert, rng, op):
        m = getattr(self, "_op_" + op)
        return m(cert, rng)

    # --- scalars ----------------------------------------------------------------------
    def _op_number(self, cert, rng):
        pick = self._pick(cert, rng, lambda p, n: bool(p) and isinstance(n, str) and RAT.fullmatch(n) is not None,
                          prefer=("inputs", "result"))
        if pick is None:
            return None
        path, s = pick
        name, new = rng.choice(number_variants(s))
        return put(cert, path, new), {"op": "number:" + name, "path": pstr(path), "detail": f"{s[:40]!r} -> {str(new)[:40]!r}"}

    def _op_int(self, cert, rng):
        pick = self._pick(cert, rng, lambda p, n: bool(p) and type(n) is int and p[-1] != "version")
        if pick is None:
            return None
        path, n = pick
        name, fn = rng.choice(INT_VARIANTS)
        new = fn(n)
        return put(cert, path, new), {"op": "int:" + name, "path": pstr(path), "detail": f"{n} -> {str(new)[:30]}"}

    def _op_bool(self, cert, rng):
        pick = self._pick(cert, rng, lambda p, n: bool(p) and type(n) is bool)
        if pick is None:
            return None
        path, b = pick
        new = rng.choice([not b, not b, int(b), str(b).lower(), None])
        return put(cert, path, new), {"op": "bool", "path": pstr(path), "detail": f"{b} -> {new!r}"}

    def _op_string(self, cert, rng):
        pick = self._pick(cert, rng, lambda p, n: bool(p) and isinstance(p[-1], str) and isinstance(n, str)
                          and RAT.fullmatch(n) is None, prefer=("result", "kind", "claim", "inputs"))
        if pick is None:
            return None
        path, s = pick
        key = path[-1]
        pool = [x for x in self.str_by_key.get(key, []) if x != s]
        if key == "kind":
            pool = [k for k in self.kinds if k != s] + ["rank", "nullspace", "column_space", "intersection", "solve",
                                                          "numerical_rank", "validate_network"]
        r = rng.random()
        if pool and r < 0.7:
            new = rng.choice(pool)
            how = "swap_same_key"
        elif r < 0.8:
            new = s.upper() if s != s.upper() else s.lower()
            how = "case"
        elif r < 0.9:
            new = s + " "
            how = "trailing_space"
        else:
            allstr = sorted({x for v in self.str_by_key.values() for x in v if len(x) < 40})
            new = rng.choice(allstr)
            how = "swap_any"
        return put(cert, path, new), {"op": "string:" + how, "path": pstr(path), "detail": f"{s[:40]!r} -> {new[:60]!r}"}

    def _op_null(self, cert, rng):
        pick = self._pick(cert, rng, lambda p, n: len(p) >= 2 and n is not None, prefer=("inputs", "result"))
        if pick is None:
            return None
        path, _ = pick
        return put(cert, path, None), {"op": "null", "path": pstr(path), "detail": "-> null"}

    # --- keys -------------------------------------------------------------------------
    def _op_key_delete(self, cert, rng):
        pick = self._pick(cert, rng, lambda p, n: isinstance(n, dict) and n, prefer=("inputs", "result", "evidence"))
        if pick is None:
            return None
        path, d = pick
        k = rng.choice(sorted(d))
        del d[k]
        return cert, {"op": "key_delete", "path": pstr(path + (k,)), "detail": ""}

    def _op_key_rename(self, cert, rng):
        pick = self._pick(cert, rng, lambda p, n: isinstance(n, dict) and n)
        if pick is None:
            return None
        path, d = pick
        k = rng.choice(sorted(d))
        new = rng.choice([k + "_", k.upper(), rng.choice(self.all_keys)])
        if new in d:
            return None
        d[new] = d.pop(k)
        return cert, {"op": "key_rename", "path": pstr(path + (k,)), "detail": f"-> {new!r}"}

    def _op_key_add(self, cert, rng):
        pick = self._pick(cert, rng, lambda p, n: isinstance(n, dict), prefer=("inputs", "result", "evidence"))
        if pick is None:
            return None
        path, d = pick
        r = rng.random()
        if r < 0.4:
            key = rng.choice(["unknown", "note", "extra_claim", "verdict_override", "__proto__"])
            val = rng.choice(["locally_open", 1, True, None, {"a": "1"}, ["1"]])
        else:  # a real key from elsewhere in the corpus with one of its real values
            key = rng.choice(self.all_keys)
            if key in d:
                return None
            val = copy.deepcopy(rng.choice(self.sub_by_key[key])) if self.sub_by_key.get(key) else "1"
        d[key] = val
        return cert, {"op": "key_add", "path": pstr(path + (key,)), "detail": json.dumps(val)[:60]}

    def _op_dup_key(self, cert, rng):
        """Text-level duplicate key: the same key twice in one object with different values."""
        pick = self._pick(cert, rng, lambda p, n: isinstance(n, dict) and n, prefer=("inputs", "result", "kind"))
        if pick is None:
            return None
        path, d = pick
        k = rng.choice(sorted(d))
        # a different value: a mutation of the value, or a same-key value from the corpus
        other = copy.deepcopy(d[k])
        sub = self._apply({"v": other} if not isinstance(other, dict) else other, rng,
                          rng.choice(["number", "int", "bool", "string", "shape", "list", "subtree_other", "key_delete"]))
        if sub is None:
            pool = [x for x in self.sub_by_key.get(k, []) if x != d[k]]
            if not pool:
                return None
            other = copy.deepcopy(rng.choice(pool))
        else:
            other = sub[0] if isinstance(d[k], dict) else (sub[0].get("v", None) if isinstance(sub[0], dict) else None)
        if other == d[k] or isinstance(other, Pairs):
            return None
        first_is_mutant = rng.random() < 0.5
        pairs = Pairs()
        for kk, vv in d.items():
            if kk == k:
                pairs.extend([(k, other), (k, vv)] if first_is_mutant else [(k, vv), (k, other)])
            else:
                pairs.append((kk, vv))
        whole = put(cert, path, pairs) if path else pairs
        text = dumps(whole)
        return whole, {"op": "dup_key:" + ("first_mutant" if first_is_mutant else "last_mutant"),
                       "path": pstr(path + (k,)), "detail": json.dumps(other)[:60], "text": text}

    # --- shapes and lists -------------------------------------------------------------
    def _op_shape(self, cert, rng):
        pick = self._pick(cert, rng, lambda p, n: is_matrix(n), prefer=("inputs", "result"))
        if pick is None:
            return None
        path, M = pick
        rows = M["rows"]
        m, n = len(rows), (len(rows[0]) if rows else 0)
        choice = rng.choice(["drop_row", "drop_row_keep_shape", "drop_col", "transpose", "swap_same_shape",
                             "huge_shape", "zero", "add_row", "shape_only", "scale_row"])
        if choice == "drop_row" and m:
            i = rng.randrange(m)
            M["rows"] = rows[:i] + rows[i + 1:]
            M["shape"] = [m - 1, n]
        elif choice == "drop_row_keep_shape" and m:
            M["rows"] = rows[:-1]
        elif choice == "drop_col" and n:
            j = rng.randrange(n)
            M["rows"] = [r[:j] + r[j + 1:] for r in rows]
            M["shape"] = [m, n - 1]
        elif choice == "transpose":
            M["rows"] = [list(c) for c in zip(*rows)] if rows else []
            M["shape"] = [n, m]
        elif choice == "swap_same_shape":
            others = [(p, x) for p, x in nodes(cert) if is_matrix(x) and x is not M and x.get("shape") == [m, n]
                      and x.get("rows") != rows]
            if not others:
                return None
            p2, X = rng.choice(others)
            M["rows"], X["rows"] = copy.deepcopy(X["rows"]), copy.deepcopy(rows)
            return cert, {"op": "shape:swap_same_shape", "path": pstr(path), "detail": f"<-> {pstr(p2)}"}
        elif choice == "huge_shape":
            M["shape"] = [100000, 100000]
        elif choice == "zero":
            M["rows"] = [["0"] * n for _ in range(m)]
        elif choice == "add_row" and n:
            M["rows"] = rows + [copy.deepcopy(rows[-1]) if m else ["0"] * n]
            M["shape"] = [m + 1, n]
        elif choice == "shape_only":
            M["shape"] = [n, m] if m != n else [m + 1, n]
        elif choice == "scale_row" and m and isinstance(rows[i := rng.randrange(m)], list):
            M["rows"][i] = [number_variants(x)[2][1] if isinstance(x, str) and RAT.fullmatch(x) else x for x in rows[i]]
        else:
            return None
        return cert, {"op": "shape:" + choice, "path": pstr(path), "detail": f"{m}x{n}"}

    def _op_list(self, cert, rng):
        pick = self._pick(cert, rng, lambda p, n: isinstance(n, list) and len(p) >= 2 and not
                          (p[-1] == "shape"), prefer=("result", "inputs"))
        if pick is None:
            return None
        path, L = pick
        choice = rng.choice(["drop", "dup", "reorder", "empty", "reverse"])
        if choice == "drop" and L:
            i = rng.randrange(len(L))
            del L[i]
        elif choice == "dup" and L:
            i = rng.randrange(len(L))
            L.insert(i, copy.deepcopy(L[i]))
        elif choice == "reorder" and len(L) >= 2:
            i, j = rng.sample(range(len(L)), 2)
            if L[i] == L[j]:
                return None
            L[i], L[j] = L[j], L[i]
        elif choice == "reverse" and len(L) >= 2 and L != L[::-1]:
            L.reverse()
        elif choice == "empty" and L:
            L.clear()
        else:
            return None
        return cert, {"op": "list:" + choice, "path": pstr(path), "detail": f"len {len(L)}"}

    # --- subtrees ---------------------------------------------------------------------
    def _op_subtree_same(self, cert, rng):
        cand = [(p, n) for p, n in nodes(cert) if len(p) >= 2 and isinstance(n, (dict, list, str))]
        if len(cand) < 2:
            return None
        (p1, a) = rng.choice(cand)
        same = [(p, n) for p, n in cand if type(n) is type(a) and n != a and p[: len(p1)] != p1 and p1[: len(p)] != p]
        if not same:
            return None
        p2, b = rng.choice(same)
        return put(cert, p1, copy.deepcopy(b)), {"op": "subtree_same", "path": pstr(p1), "detail": f"<- {pstr(p2)}"}

    def _op_subtree_other(self, cert, rng):
        pick = self._pick(cert, rng, lambda p, n: len(p) >= 2 and isinstance(p[-1], str) and self.sub_by_key.get(p[-1]),
                          prefer=("inputs", "result", "evidence"))
        if pick is None:
            return None
        path, a = pick
        pool = [x for x in self.sub_by_key[path[-1]] if x != a]
        if not pool:
            return None
        b = copy.deepcopy(rng.choice(pool))
        return put(cert, path, b), {"op": "subtree_other", "path": pstr(path), "detail": json.dumps(b)[:60]}

    def _op_nested_swap(self, cert, rng):
        """Replace a nested certificate by one of another kind, or of the same kind about other matrices."""
        cand = [(p, n) for p, n in nodes(cert) if p and is_cert(n)]
        if not cand:
            # no nested certificate: insert a whole certificate in a result/evidence slot
            return None
        path, sub = rng.choice(cand)
        if rng.random() < 0.6:
            kind = rng.choice([k for k in self.kinds if k != sub["kind"]])
            how = "other_kind"
        else:
            kind = sub["kind"]
            how = "same_kind"
        pool = [c for nm, c in self.nested[kind] if c.get("inputs") != sub.get("inputs")]
        if not pool:
            return None
        name_cert = copy.deepcopy(rng.choice(pool))
        return put(cert, path, name_cert), {"op": "nested_swap:" + how, "path": pstr(path), "detail": kind}

    def _op_result_inputs(self, cert, rng):
        """Swap the whole inputs or result (or both) with those of another certificate of the same kind."""
        pool = [c for nm, c in self.nested[cert["kind"]] if c["inputs"] != cert["inputs"] or c["result"] != cert["result"]]
        if not pool:
            return None
        other = rng.choice(pool)
        which = rng.choice(["inputs", "result", "inputs+result", "claim", "inputs+result+claim", "evidence"])
        for part in which.split("+"):
            cert[part] = copy.deepcopy(other[part])
        return cert, {"op": "swap_whole:" + which, "path": which, "detail": "from " + other.get("claim", "")[:50]}


# =====================================================================================
# runner: worker subprocesses with memory and time limits
# =====================================================================================

def _worker_main():
    import resource
    import signal

    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ValueError, OSError):
        pass
    sys.setrecursionlimit(10000)
    from exactopen import kernel
    out = os.fdopen(os.dup(1), "w")   # the protocol channel; anything the kernel prints goes to stderr
    os.dup2(2, 1)                     # (also C-level writes, e.g. FLINT's abort message)
    sys.stdout = sys.stderr
    for line in sys.stdin:
        task = json.loads(line)
        t0 = time.perf_counter()
        try:
            summary = kernel.check_text(task["text"])
            status, msg = "accepted", summary
        except kernel.Rejected as exc:
            status, msg = "rejected", str(exc)
        except BaseException as exc:  # noqa: BLE001 - everything else is a crash
            status, msg = "crash", f"{type(exc).__name__}: {str(exc)[:300]}"
        if not isinstance(msg, str):
            status, msg = "crash", f"summary is not a string: {type(msg).__name__}"
        elif status in ("accepted", "rejected") and "\n" in msg.strip():
            status, msg = "crash", "multi-line message: " + msg[:200]
        dt = time.perf_counter() - t0
        out.write(json.dumps({"id": task["id"], "status": status, "msg": msg[:2000], "secs": dt}) + "\n")
        out.flush()
    signal.SIG_DFL


class Runner:
    """Runs texts through the kernel in ``n`` worker subprocesses; results keyed by id."""

    def __init__(self, n: int = 2, limit: float = PER_MUTANT_LIMIT):
        self.n, self.limit = n, limit
        self.workers = [self._spawn() for _ in range(n)]

    def _spawn(self):
        env = dict(os.environ)
        # EXACTOPEN_FUZZ_KERNEL_ROOT: a folder holding another exactopen/kernel (e.g. a git snapshot)
        first = os.environ.get("EXACTOPEN_FUZZ_KERNEL_ROOT", str(ROOT))
        env["PYTHONPATH"] = first + os.pathsep + str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        return subprocess.Popen([sys.executable, "-m", "tests.kernel.fuzzing", "--worker"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1, env=env,
                                cwd=str(ROOT))

    def close(self):
        for w in self.workers:
            try:
                w.stdin.close()
                w.wait(timeout=5)
            except Exception:  # noqa: BLE001
                w.kill()

    def run(self, tasks: list[tuple[int, str]]) -> dict:
        """tasks: (id, text).  Returns id -> {status, msg, secs}."""
        results = {}
        queue = list(reversed(tasks))
        busy = {}  # worker index -> (id, start)
        sel = selectors.DefaultSelector()
        for i, w in enumerate(self.workers):
            sel.register(w.stdout, selectors.EVENT_READ, i)

        def feed(i):
            if not queue:
                return
            tid, text = queue.pop()
            w = self.workers[i]
            try:
                w.stdin.write(json.dumps({"id": tid, "text": text}) + "\n")
                w.stdin.flush()
                busy[i] = (tid, time.perf_counter())
            except (BrokenPipeError, OSError):
                results[tid] = {"status": "crash", "msg": "worker pipe broken", "secs": 0.0}
                restart(i)
                feed(i)

        def restart(i):
            w = self.workers[i]
            try:
                sel.unregister(w.stdout)
            except (KeyError, ValueError):
                pass
            try:
                w.kill()
                w.wait(timeout=5)
            except Exception:  # noqa: BLE001
                pass
            self.workers[i] = self._spawn()
            sel.register(self.workers[i].stdout, selectors.EVENT_READ, i)

        for i in range(self.n):
            feed(i)
        while busy:
            now = time.perf_counter()
            deadline = min(start for _, start in busy.values()) + self.limit
            events = sel.select(timeout=max(0.01, deadline - now))
            for key, _ in events:
                i = key.data
                line = self.workers[i].stdout.readline()
                if i not in busy:
                    continue
                tid, start = busy.pop(i)
                if not line:  # worker died (signal, memory limit)
                    rc = self.workers[i].poll()
                    results[tid] = {"status": "crash", "msg": f"worker died (exit {rc})",
                                    "secs": time.perf_counter() - start}
                    restart(i)
                else:
                    try:
                        results[tid] = json.loads(line)
                    except ValueError:
                        results[tid] = {"status": "crash", "msg": "garbled worker output: " + line[:200],
                                        "secs": time.perf_counter() - start}
                        restart(i)
                feed(i)
            now = time.perf_counter()
            for i, (tid, start) in list(busy.items()):
                if now - start > self.limit:
                    busy.pop(i)
                    results[tid] = {"status": "timeout", "msg": f"> {self.limit} s", "secs": now - start}
                    restart(i)
                    feed(i)
        for w in self.workers:
            try:
                sel.unregister(w.stdout)
            except (KeyError, ValueError):
                pass
        return results


# =====================================================================================
# campaign
# =====================================================================================

def campaign(n_mutants: int, seed: int = 0, workers: int = 2, corpus=None, judge_limit: float = 20.0,
             per_kind_cap: int = 12, extra=None) -> dict:
    """Generate ``n_mutants`` mutants spread over every kind, run, judge; return the report."""
    from tests.kernel import fuzz_judge

    corpus = corpus if corpus is not None else load_corpus(os.environ.get("EXACTOPEN_FUZZ_CORPUS", CERT_DIR))
    if extra:
        corpus = corpus + list(extra)
    rng = random.Random(seed)
    # only certificates the kernel under test accepts can seed mutants (its statements are trusted)
    runner = Runner(workers)
    try:
        base = runner.run([(i, text) for i, (_, text, _) in enumerate(corpus)])
    finally:
        runner.close()
    accepted = [corpus[i] for i in range(len(corpus)) if base[i]["status"] == "accepted"]
    refused_originals = {corpus[i][0]: base[i]["msg"][:200] for i in range(len(corpus)) if base[i]["status"] != "accepted"}
    if not accepted:
        return {"seed": seed, "figures": {k: 0 for k in ("mutants", "rejected", "accepted_true", "accepted_false",
                                                          "unjudged", "crashes", "timeouts")},
                "per_kind": {}, "kinds": [], "refused_originals": refused_originals, "findings": {}, "_texts": {},
                "seconds_kernel": 0, "seconds_total": 0, "slowest": None}
    corpus_all = corpus
    seeds = select_seeds(accepted, per_kind_cap, random.Random(seed))
    mut = Mutator(corpus_all, seeds)
    judge = fuzz_judge.Judge(accepted)
    by_kind = defaultdict(list)
    for it in seeds:
        by_kind[it[2]["kind"]].append(it)
    kinds = sorted(by_kind)
    tasks, meta = [], {}
    for tid in range(n_mutants):
        kind = kinds[tid % len(kinds)]
        name, _, cert = rng.choice(by_kind[kind])
        text, infos = mut.mutate(cert, rng)
        tasks.append((tid, text))
        meta[tid] = (name, kind, infos)
    t0 = time.perf_counter()
    runner = Runner(workers)
    try:
        results = runner.run(tasks)
    finally:
        runner.close()
    t_run = time.perf_counter() - t0
    figures = Counter()
    findings = defaultdict(list)
    per_kind = defaultdict(Counter)
    texts = dict(tasks)
    for tid, text in tasks:
        r = results.get(tid, {"status": "crash", "msg": "no result"})
        name, kind, infos = meta[tid]
        figures["mutants"] += 1
        st = r["status"]
        if st == "rejected":
            cls = "rejected"
        elif st in ("crash", "timeout"):
            cls = "crashes" if st == "crash" else "timeouts"
        else:
            verdict, reason = judge.judge(text, name, r["msg"])
            cls = {True: "accepted_true", False: "accepted_false", None: "unjudged"}[verdict]
            r = dict(r, judge=reason)
        if r.get("secs", 0) > PER_MUTANT_LIMIT and cls not in ("timeouts",):
            cls = "timeouts"
        figures[cls] += 1
        per_kind[kind][cls] += 1
        if cls in ("accepted_false", "unjudged", "crashes", "timeouts"):
            findings[cls].append({"id": tid, "seed_file": name, "kind": kind,
                                  "mutations": infos, "checker": r.get("msg", "")[:300],
                                  "judge": r.get("judge", ""), "secs": round(r.get("secs", 0.0), 3),
                                  "text_len": len(text)})
    t_total = time.perf_counter() - t0
    for k in ("mutants", "rejected", "accepted_true", "accepted_false", "unjudged", "crashes", "timeouts"):
        figures.setdefault(k, 0)
    report = {"seed": seed, "figures": dict(figures), "refused_originals": refused_originals, "per_kind": {k: dict(v) for k, v in per_kind.items()},
              "kinds": kinds, "seconds_kernel": round(t_run, 2), "seconds_total": round(t_total, 2),
              "slowest": max(((results[t]["secs"], meta[t][0], meta[t][2]) for t in results), default=None,
                             key=lambda x: x[0]),
              "findings": dict(findings)}
    report["_texts"] = {f["id"]: texts[f["id"]] for fs in findings.values() for f in fs}
    return report


def summary_line(report: dict) -> str:
    f = report["figures"]
    return ("fuzz: mutants={mutants} rejected={rejected} accepted_true={accepted_true} "
            "accepted_false={accepted_false} unjudged={unjudged} crashes={crashes} timeouts={timeouts}").format(**f)


def write_report(report: dict, path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rep = {k: v for k, v in report.items() if k != "_texts"}
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(rep, fh, indent=1, default=str)
    # reproducers: one file per finding next to the report
    folder = os.path.splitext(path)[0] + "_repro"
    os.makedirs(folder, exist_ok=True)
    for tid, text in report.get("_texts", {}).items():
        if len(text) < 2_000_000:
            Path(folder, f"mutant-{tid}.json").write_text(text, encoding="utf-8")


def main(argv):
    if argv[:1] == ["--worker"]:
        _worker_main()
        return 0
    n = int(argv[0]) if argv else 1000
    seed = int(argv[1]) if len(argv) > 1 else 0
    rep = campaign(n, seed)
    out = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"exactopen-fuzz-{n}-{seed}.json")
    write_report(rep, out)
    print(summary_line(rep), f"kernel {rep['seconds_kernel']} s, total {rep['seconds_total']} s; report {out}")
    for cls in ("accepted_false", "crashes", "timeouts", "unjudged"):
        for f in rep["findings"].get(cls, []):
            print(cls, f["kind"], f["seed_file"], json.dumps(f["mutations"])[:300], "|", f["judge"][:200] if f["judge"] else f["checker"][:200])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
