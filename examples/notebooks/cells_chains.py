"""Cells of 04_chains.ipynb (written by build.py): local openness of W -> W_h ... W_1 (lem-10) and a
degenerate chain where it fails."""

CELLS = [
    ("md", r"""
# 4. Chains: $W_h \cdots W_2 W_1$

For a deep network the map is $M_{h,1}(W) = W_h \cdots W_1$. **Lemma 10**: if the point is
*non-degenerate*, $\operatorname{rank}(W_h\cdots W_1) = \min_i d_i$, then $M_{h,1}$ is locally open there.
This is what makes every non-degenerate local minimum global (Lemma 11).
"""),
    ("code", """
import exactopen

generic = [[[1, 2], [3, -1]], [[2, 1], [0, 1]], [[1, 1], [0, 2]]]   # W1, W2, W3: input layer first
g = exactopen.chain(generic)
print(g.verdict, "-", g.summary["reason"])
"""),
    ("md", r"""
The introduction example of notebook 2 is a **degenerate** chain: widths $(2,1,1,2)$, product $0$, rank
$0 < 1$. Lemma 10 says nothing there; exactopen decides directly and finds an obstruction: targets in the
image that force some layer to move by a fixed amount.
"""),
    ("code", """
intro = [[[1, 0]], [[0]], [[1], [0]]]
r = exactopen.chain(intro)
print(r.verdict, "-", r.summary["argument"])
print(r.summary["reason"])
"""),
    ("md", r"""
So at the point of notebook 2 the product map is not locally open: the argument "local minimum of
$\ell(W_3W_2W_1)$ $\Rightarrow$ local minimum of $\ell$ on the image" is not available, and indeed that
point is a saddle, not a local minimum.

The same degenerate shape, moved off zero, is non-degenerate again:
"""),
    ("code", """
for W2 in ([[0]], [["1/1000"]], [[1]]):
    layers = [[[1, 0]], W2, [[1], [0]]]
    res = exactopen.chain(layers)
    print(f"W2 = {W2}: {res.verdict:>18}  ({res.summary['argument']})")
"""),
    ("md", """
Every verdict comes with a certificate, checked independently, and a rendered proof:
"""),
    ("code", """
print(exactopen.verify(r.certificate)["statement"])
exactopen.Certificate(r.certificate)
"""),
    ("md", r"""
## The atlas: all chains of a given shape, up to change of basis

Replacing $W_i$ by $G_i W_i G_{i-1}^{-1}$ (invertible $G_0, \dots, G_h$) changes the product to
$G_h (W_h \cdots W_1) G_0^{-1}$, a linear homeomorphism, so it does not change local openness. The classes of
chains under these changes of basis are given by the ranks of all partial products $W_{j}\cdots W_{i}$; each class has a simple representative
(0/1 matrices). For 3 layers of widths at most 2 there are a few hundred classes; exactopen decides each
one and the checker accepts every certificate:
"""),
    ("code", """
import collections
from exactopen.openness.chain import chain_classes, class_widths, decide_chain, representative

classes = list(chain_classes(3, 2))
tally, examples = collections.Counter(), {}
for mult in classes:
    verdict, reason, cert = decide_chain(representative(3, mult))
    exactopen.verify(cert)
    key = (verdict, cert["result"].get("argument"))
    tally[key] += 1
    examples.setdefault(key, mult)
print(len(classes), "classes")
for (verdict, argument), count in tally.most_common():
    print(f"{count:5d}  {verdict:<17} by {argument}")
"""),
    ("md", r"""
`lem-10`: non-degenerate; `split`: open because the chain splits into open pieces; `family`: open, by
explicit formulas for a preimage of every nearby target (checked as polynomial identities, and they say
how fast a preimage moves); `obstruction` and `grouping`: not open, with explicit targets. Where no
construction applies, `rank-criterion` decides from the ranks of the partial products alone (Theorem C16
of `docs/chains.md`: open exactly when the rank criterion holds); none here, 37 classes with widths up
to 4. So no chain is left `undetermined`. One representative of each kind:
"""),
    ("code", """
for key, mult in examples.items():
    layers = [M.tolist() for M in representative(3, mult)]
    print(f"{key[0]:<17} {key[1]:<12} widths {class_widths(3, mult)}: {layers}")
"""),
    ("md", """
The full atlas (3 layers of widths up to 3, and 4 layers of widths up to 2: 3,338 classes with their
certificates) is committed in `certificates/chains/`; `python -m exactopen.report.chain_atlas --check`
re-verifies it, and `docs/chains.md` explains the arguments.

**Try it**: a 4-layer chain with a bottleneck of width 1 in the middle, e.g.
`[[[1, 2], [0, 1]], [[1, 1]], [[2], [1]], [[1, 0], [1, 1]]]`; then set the bottleneck to zero.
"""),
]
