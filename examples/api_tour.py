"""A tour of exactopen's Python API (run: python examples/api_tour.py).

Decide local openness, classify a critical point of a deep linear network, ask what trained
float weights prove, check and render the certificates, and lift a nearby target exactly.
"""

import numpy as np

import exactopen
from exactopen.openness.lifting import lift
from exactopen.openness.pair import decide_pair

# 1. Local openness of W1 W2 (decimals and fractions are read exactly: "0.5" is 1/2).
r = exactopen.openness([[1], [1]], [["0.5", 0]])
print(r.verdict, "-", r.statement)

# 2. The paper's Remark 1: not locally open, with a concrete obstruction in the certificate.
r = exactopen.openness([[1], [1]], [[0, 0]])
print(r.verdict, "- obstruction bound:", r.certificate["evidence"]["obstruction"]["bound"])

# 3. Classify a point of a deep linear network: the paper's introduction example.
c = exactopen.classify([[[1, 0]], [[0]], [[1], [0]]], Y=[[0, 0], [0, 1]])
print(c.verdict, "-", c.statement)

# 4. What float weights prove: here the same point, slightly perturbed as training leaves it.
rng = np.random.default_rng(0)
layers = [np.array([[1.0, 0]]) + 1e-9 * rng.standard_normal((1, 2)), np.array([[1e-9]]),
          np.array([[1.0], [0]]) + 1e-9 * rng.standard_normal((2, 1))]
v = exactopen.validate(layers, Y=np.array([[0, 0], [0, 1.0]]), X=np.eye(2))
print("\n".join(v.lines))

# 5. Every certificate is plain JSON data, re-checked by the independent checker.
report = exactopen.verify(c.certificate)
print("trusted theorems:", [t["id"] for t in report["theorems"]])
print(exactopen.Certificate(c.certificate).render("md")[:300], "...")

# 6. An exact preimage of a nearby target in the range of M (rank <= 1 here).
from exactopen.inputs import load_matrix  # noqa: E402

W1, W2 = load_matrix('[[1], [1]]'), load_matrix('[["0.5", 0]]')
L = lift(W1, W2, load_matrix('[["0.51", "0.0102"], ["0.5", "0.01"]]'), decide_pair(W1, W2))
print("D1 =", L.D1.tolist(), " D2 =", L.D2.tolist())
print("lifting checked:", exactopen.verify(L.certificate)["statement"])
