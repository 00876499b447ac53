"""Sparse exact matrices for the split Hessian: a dict of rows of nonzero rationals.

At a point written in bases adapted to it (hidden gauges, data-adapted input and output
bases), the layers are partial identities up to scalars and the data matrices diagonal; the
factors of the Hessian are then products of very sparse matrices whose dense products would
cost as much as products of full ones.  Here every product costs its products of nonzeros,
charged to the meter before it runs (a Python step and one rational product each), with the
memory of its result.
"""

from __future__ import annotations

from flint import fmpq

from exactopen.kernel.work import METER, PY, QM, _Tracked, entry_bytes, entry_cost, qbits


class SM(_Tracked):
    """An m x n sparse rational matrix: ``rows[i][j]`` for the nonzero entries; ``bits`` bounds
    the bits of every entry (numerator plus denominator).  Its memory is held by the meter."""

    __slots__ = ("m", "n", "rows", "bits")

    def __init__(self, m: int, n: int, rows: dict, bits: int):
        self.m, self.n, self.rows, self.bits = m, n, rows, bits
        self._hold(sum(len(r) for r in rows.values()) * (200 + entry_bytes(bits, bits)) + 64 * (len(rows) + 1),
                   "a sparse matrix")

    @staticmethod
    def of(A) -> SM:
        """The nonzeros of a dense QM (read from its lowest terms if it holds them, else from its
        integer form N / d, dividing only the nonzeros)."""
        A = QM.wrap(A)
        m, n = A.nrows(), A.ncols()
        if A._M is not None:
            flat, d = A.entries(), None  # (charged: a Python pass)
            nz = sum(1 for x in flat if x != 0)
        else:
            N, d = A.Z
            flat = N.entries()
            nz = sum(1 for x in flat if x != 0)
            what = f"the {nz} nonzeros of a {m}x{n} matrix"
            METER.charge(nz * (PY + entry_cost(A.nb + A.db)), what)
            METER.need(nz * (200 + entry_bytes(A.nb, A.db)), what)
        rows: dict = {}
        bits = 0
        for idx, x in enumerate(flat):
            if x != 0:
                v = x if d is None else fmpq(x, d)
                rows.setdefault(idx // n, {})[idx % n] = v
                bits = max(bits, sum(qbits(v)))
        return SM(m, n, rows, bits)

    @staticmethod
    def identity(n: int) -> SM:
        METER.charge(n * PY, f"the {n}x{n} identity")
        return SM(n, n, {i: {i: fmpq(1)} for i in range(n)}, 2)

    def nnz(self) -> int:
        return sum(len(r) for r in self.rows.values())

    def transpose(self) -> SM:
        METER.charge(self.nnz() * PY, "a transposed sparse matrix")
        out: dict = {}
        for i, r in self.rows.items():
            for j, v in r.items():
                out.setdefault(j, {})[i] = v
        return SM(self.n, self.m, out, self.bits)

    def __mul__(self, other: SM) -> SM:
        """The product, charged by its count of products of nonzeros."""
        assert self.n == other.m
        cnt = [0] * self.n
        for r in other.rows.items():
            cnt[r[0]] = len(r[1])
        count = sum(cnt[j] for r in self.rows.values() for j in r)
        bits = self.bits + other.bits + max(0, count - 1).bit_length()
        what = f"a sparse product of a {self.m}x{self.n} and a {other.m}x{other.n} matrix ({count:,} products of nonzeros)"
        METER.charge(count * (2 * PY + entry_cost(bits)), what)
        METER.need(count * (200 + entry_bytes(bits, bits)), what)
        out: dict = {}
        for i, r in self.rows.items():
            acc: dict = {}
            for k, a in r.items():
                row = other.rows.get(k)
                if row:
                    for j, b in row.items():
                        acc[j] = acc.get(j, 0) + a * b
            acc = {j: v for j, v in acc.items() if v != 0}
            if acc:
                out[i] = acc
        return SM(self.m, other.n, out, bits)

    def __sub__(self, other: SM) -> SM:
        assert (self.m, self.n) == (other.m, other.n)
        bits = 2 * max(self.bits, other.bits) + 1
        METER.charge((self.nnz() + other.nnz()) * (PY + entry_cost(bits)), "a sparse difference")
        out = {i: dict(r) for i, r in self.rows.items()}
        for i, r in other.rows.items():
            row = out.setdefault(i, {})
            for j, v in r.items():
                x = row.get(j, 0) - v
                if x != 0:
                    row[j] = x
                else:
                    row.pop(j, None)
        return SM(self.m, self.n, {i: r for i, r in out.items() if r}, bits)

    def __eq__(self, other) -> bool:
        if not isinstance(other, SM):
            return NotImplemented
        METER.charge((self.nnz() + other.nnz()) * PY, "comparing sparse matrices")
        return (self.m, self.n) == (other.m, other.n) and self.rows == other.rows

    __hash__ = None

    def nonzeros(self) -> list:
        """[(i, j, v)] of the nonzero entries."""
        return [(i, j, v) for i, r in self.rows.items() for j, v in r.items()]


def sparse_chain(mats: list, n: int) -> SM:
    """mats[-1] ... mats[0] (layer order) as sparse products; the n x n identity if empty."""
    if not mats:
        return SM.identity(n)
    P = mats[0]
    for M in mats[1:]:
        P = M * P
    return P
