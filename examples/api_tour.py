"""A tour of exactopen's Python API (run: python examples/api_tour.py).

Load matrices, decide local openness, inspect the certificate, render its proof, verify it
with the independent checker, and lift a nearby target exactly.
"""

from exactopen.inputs import load_matrix
from exactopen.openness.lifting import lift
from exactopen.openness.pair import decide_pair
from exactopen.report.notebook import Certificate

# 1. Exact matrices from JSON text (decimals are read exactly: "0.5" is 1/2).
W1 = load_matrix('[[1], [1]]')
W2 = load_matrix('[["0.5", 0]]')

# 2. Decide: the verdict, the theorem used, and the decisive fact.
D = decide_pair(W1, W2)
print(D.verdict, "by", D.theorem, "-", D.reason)

# 3. The certificate is plain JSON data; wrap it to verify and render it.
cert = Certificate(D.certificate)
print("checker:", cert.verify())
print(cert.render("md")[:400], "...")

# 4. An exact preimage of a nearby target in the range of M (rank <= 1 here).
Z = load_matrix('[["0.51", "0.0102"], ["0.5", "0.01"]]')
L = lift(W1, W2, Z)
print("D1 =", L.D1.tolist(), " D2 =", L.D2.tolist())
print("lifting checked:", Certificate(L.certificate).verify())

# 5. The paper's Remark 1: not locally open, with a concrete obstruction.
R = decide_pair(load_matrix('[[1], [1]]'), load_matrix('[[0, 0]]'))
print(R.verdict, "- obstruction bound:", R.certificate["evidence"]["obstruction"]["bound"])
