"""Exact matrices that carry bounds on their entries, so that every step is charged before it runs.

The meter and the cost model are in :mod:`meter` (re-exported here).  Exact matrices are
:class:`QM` (rational) and :class:`ZM` (integer): FLINT matrices (``.M``)
with bounds on their entries, ``nb`` (bits of the numerators over a common denominator) and
``db`` (bits of that denominator; ``two``: it is a power of two), derived for every result from
the bounds of the operands (a product adds bits, a sum of dyadic matrices aligns exponents), so
that a cost is known before it is paid.  Bounds are only ever upper bounds: a matrix written
entry by entry is measured before its next use.  Kernel functions that other code calls accept
plain FLINT matrices too (measured on entry) and return plain ones.
"""

from __future__ import annotations

import math

from flint import fmpq, fmpq_mat, fmpz, fmpz_mat, nmod_mat

from exactopen.kernel.meter import (  # noqa: F401  (re-exported: the kind modules import them from here)
    OverBudget,
    _fmt,
    STEP,
    Meter,
    METER,
    PY,
    OP,
    limbs,
    fmpz_bytes,
    entry_bytes,
    zop,
    entry_cost,
    product_cost,
    charpoly_cost,
    RANK_PRIME,
    elimination_cost,
    clog2,
    qbits,
    scalar_pow,
    _pow2,
)


# ----------------------------------------------------------------------------------------
# bounds of matrices
# ----------------------------------------------------------------------------------------

def common_denominator(dens, entries: int, where: str) -> int:
    """The lcm of the denominators ``dens`` of a matrix with ``entries`` entries, refused as soon
    as it has more bits than the memory budget leaves for each entry (the cleared matrix would
    not fit)."""
    cap = max(64, 8 * (METER.memory_limit - METER.live) // max(1, entries))
    D = 1
    for q in dens:
        q = int(q)
        if q != 1:
            METER.charge(PY + 40 * limbs(D.bit_length()) * (1 + limbs(q.bit_length())), f"{where}: the common denominator")
            D = D * (q // math.gcd(D, q))
            if D.bit_length() > cap:
                raise OverBudget(f"{where}: the common denominator of its entries has more than {cap} bits, beyond "
                                 "the memory budget")
    return D


def measure(M, where: str = "a matrix") -> tuple[int, int, bool]:
    """(nb, db, two) of a plain fmpq_mat or fmpz_mat, by reading its entries (a Python pass)."""
    m, n = M.nrows(), M.ncols()
    METER.charge(OP + m * n * 14 * PY, f"{where}: reading its {m}x{n} entries")
    METER.need(m * n * 100, f"{where}: reading its {m}x{n} entries")
    if isinstance(M, fmpz_mat):
        return max((x.bit_length() for x in M.entries()), default=0), 0, True
    e = M.entries()
    D = common_denominator({x.q for x in e}, m * n, where)
    top = max((x.p.bit_length() - x.q.bit_length() for x in e), default=0)
    db = D.bit_length() if D > 1 else 0
    return max(0, top + db + 1), db, _pow2(D)


def plain(M):
    """The FLINT matrix of a QM or ZM (anything else as it is)."""
    return M.M if isinstance(M, _Tracked) else M


class _Tracked:
    """A FLINT matrix whose memory is held by the meter while this object lives."""

    __slots__ = ("_bytes", "_gen")

    def _hold(self, size: int, what: str) -> None:
        """Hold ``size`` bytes for this matrix (replacing what it held)."""
        old, self._bytes = getattr(self, "_bytes", 0), 0
        if old:
            METER.release(old, self._gen)
        self._gen = METER.generation
        METER.hold(size, what)
        self._bytes = size

    def __del__(self):
        if getattr(self, "_bytes", 0):
            METER.release(self._bytes, self._gen)

    __hash__ = None

    def __ne__(self, other):
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    def __pos__(self):
        return self


class QM(_Tracked):
    """A rational matrix N / d with bounds |N_ij| < 2^nb, 0 < d < 2^db (d a power of two if
    ``two``).  It is held as that integer form (``Z`` = (N, d), N a :class:`ZM`), as an FLINT
    fmpq_mat (``M``), or both: each is made from the other when first needed (charged), so
    products and sums of matrices in integer form never normalise fractions.  ``ep``, ``eq``
    bound the bits of each entry's own numerator and denominator (the memory of ``M``)."""

    __slots__ = ("_M", "_Z", "_m", "_n", "nb", "db", "two", "dirty", "ep", "eq", "_shared", "low")

    # construction ------------------------------------------------------------------------
    @classmethod
    def of(cls, M: fmpq_mat, nb: int, db: int, two: bool, what: str = "a matrix") -> QM:
        """The FLINT matrix M (not copied) with the given bounds; its memory is held."""
        self = cls.__new__(cls)
        self._M, self._Z, self._m, self._n, self._shared = M, None, M.nrows(), M.ncols(), False
        self.nb, self.db, self.two, self.dirty, self.low = int(nb), int(db), bool(two), False, False
        self.ep, self.eq = self.nb, self.db
        self._hold(self._size(), what)
        return self

    @classmethod
    def integer(cls, N: ZM, d, what: str = "a matrix") -> QM:
        """The matrix N / d (N a ZM, d > 0 an integer), kept in that form."""
        self = cls.__new__(cls)
        d = int(d)
        self._M, self._Z, self._m, self._n, self._shared = None, (N, fmpz(d)), N.nrows(), N.ncols(), False
        self.nb, self.db, self.two, self.dirty, self.low = N.nb, d.bit_length() if d > 1 else 0, _pow2(d), False, False
        self.ep, self.eq = self.nb, self.db
        self._hold(64, what)  # N holds its own memory
        return self

    @classmethod
    def new(cls, m: int, n: int, entries=None, what: str = "a matrix") -> QM:
        """An m x n matrix from a list of entries (measured), or the zero matrix."""
        METER.need(m * n * 16 + 64, what)
        if entries is None:
            METER.charge(m * n * 2, what)
            return cls.of(fmpq_mat(m, n), 0, 0, True, what)
        METER.charge(m * n * PY, what)
        M = fmpq_mat(m, n, entries)
        return cls.of(M, *measure(M, what), what)

    @classmethod
    def wrap(cls, M, what: str = "a matrix") -> QM:
        """Any matrix as a QM: a QM as is, a ZM (over 1), a plain one measured."""
        if isinstance(M, QM):
            return M
        if isinstance(M, ZM):
            return cls.integer(M, 1, what)
        M = M if isinstance(M, fmpq_mat) else fmpq_mat(M)
        out = cls.of(M, *measure(M, what), what)
        out._shared = True  # the caller's matrix: copied before an entry is written
        return out

    def _size(self) -> int:
        return self._m * self._n * (16 + entry_bytes(self.ep, self.eq)) + 64

    def nrows(self) -> int:
        return self._m

    def ncols(self) -> int:
        return self._n

    @property
    def M(self) -> fmpq_mat:
        """The FLINT fmpq_mat (made from the integer form when first needed: a gcd per entry)."""
        if self._M is None:
            N, d = self._Z
            m, n = self._m, self._n
            what = f"a {m}x{n} matrix in lowest terms"
            METER.need(m * n * (16 + entry_bytes(self.nb, self.db)), what)
            METER.charge(m * n * entry_cost(self.nb + self.db), what)
            M = fmpq_mat(N.M)
            self._M = M * fmpq(1, d) if d != 1 else M
            self._hold(self._size() + 64, what)
        return self._M

    @property
    def Z(self) -> tuple:
        """(N, d): the integer form (cleared from ``M`` when first needed)."""
        if self._Z is None:
            nb, db, _ = self.bounds()
            m, n = self._m, self._n
            what = f"clearing the denominators of a {m}x{n} matrix"
            METER.need(m * n * (8 + fmpz_bytes(nb)), what)
            METER.charge(m * n * (entry_cost(nb + db) + zop(nb)), what)
            N, d = self._M.numer_denom()
            self._Z = (ZM.of(N, nb, what), d)
        return self._Z

    def __getitem__(self, key):
        if self._M is None:
            N, d = self._Z
            return fmpq(N.M[key], d)
        return self._M[key]

    def __setitem__(self, key, value):
        """An entry write (on ``M``): the bounds are measured again before the next use (the
        memory held grows with the value's size at once)."""
        p, q = qbits(value)
        if self._shared:
            METER.charge(self._m * self._n * (zop(self.ep) + zop(self.eq)), "a copy of a matrix")
            self._M, self._shared = fmpq_mat(self.M), False
        M = self.M
        M[key] = value
        self._Z, self.dirty, self.low = None, True, False
        if p > self.ep or q > self.eq:
            self.ep, self.eq = max(self.ep, p), max(self.eq, q)
            self._hold(self._size(), "a matrix written entry by entry")

    def bounds(self) -> tuple[int, int, bool]:
        """(nb, db, two), measured first if entries were written since."""
        if self.dirty:
            self.nb, self.db, self.two = measure(self._M, f"a {self._m}x{self._n} matrix written entry by entry")
            self.dirty = False
        return self.nb, self.db, self.two

    def refine(self) -> QM:
        """Lowest terms and measured bounds (when the derived ones may be loose: products of
        non-dyadic matrices keep the product of the denominators).  A matrix held in integer
        form only is reduced on that form (:func:`reduced`: no fraction is made).  Done once:
        ``low`` marks a matrix refined since its entries were last written (a layer multiplied
        by several matrices is not reduced again before each product)."""
        if self.low:
            return self
        self.low = True
        if self._M is None:
            N, d = self._Z
            N2, d2 = reduced(N, d)
            if N2 is not N:
                self._Z, self.nb, self.db, self.two = (N2, d2), N2.nb, d2.bit_length() if d2 > 1 else 0, _pow2(int(d2))
                self.ep, self.eq = self.nb, self.db
            return self
        M = self.M
        nb, db, two = measure(M, f"a {self._m}x{self._n} matrix")
        if nb + db < self.nb + self.db:
            self.nb, self.db, self.two, self._Z = nb, db, two, None
            self.ep, self.eq = min(self.ep, nb), min(self.eq, db)
            self._hold(self._size(), "a matrix")
        return self

    # arithmetic -------------------------------------------------------------------------
    def __mul__(self, other):
        if isinstance(other, (QM, ZM, fmpq_mat, fmpz_mat)):
            return _qproduct(self, other)
        if isinstance(other, (int, fmpz, fmpq)):
            return self._scale(other)
        return NotImplemented

    def __rmul__(self, other):
        if isinstance(other, (fmpq_mat, fmpz_mat, ZM)):
            return _qproduct(other, self)
        if isinstance(other, (int, fmpz, fmpq)):
            return self._scale(other)
        return NotImplemented

    def _scale(self, c):
        c = fmpq(c)
        if self._M is None or self.two:  # on the integer form: (c.p N) / (c.q d)
            N, d = self.Z
            return QM.integer(N * c.p if c.p != 1 else N, d * c.q, "a matrix times a scalar")
        nb, db, two = self.bounds()
        p, q = qbits(c)
        m, n = self._m, self._n
        what = f"a {m}x{n} matrix times a scalar"
        METER.need(m * n * (16 + entry_bytes(nb + p, db + q)), what)
        METER.charge(m * n * entry_cost(nb + db + p + q), what)
        return QM.of(self._M * c, nb + p, db + q, two and (q == 0 or _pow2(c.q)), what)

    def _sum(self, other, sign: int, reflected: bool = False):
        if not isinstance(other, (QM, ZM, fmpq_mat, fmpz_mat)):
            return NotImplemented
        other = QM.wrap(other)
        (NA, a), (NB, b) = self.Z, other.Z
        D = math.lcm(int(a), int(b))
        if reflected:
            sign, (NA, a), (NB, b) = sign, (NB, b), (NA, a)
        ma, mb = D // int(a), D // int(b)
        A_, B_ = (NA * ma if ma != 1 else NA), (NB * mb if mb != 1 else NB)
        return QM.integer(A_ + B_ if sign > 0 else A_ - B_, D, f"a sum of {self._m}x{self._n} matrices")

    def __add__(self, other):
        return self._sum(other, 1)

    __radd__ = __add__

    def __sub__(self, other):
        return self._sum(other, -1)

    def __rsub__(self, other):
        return self._sum(other, -1, reflected=True)

    def __neg__(self):
        N, d = self.Z
        return QM.integer(-N, d, "a negated matrix")

    def transpose(self) -> QM:
        if self._M is not None and self._Z is None:
            nb, db, two = self.bounds()
            m, n = self._m, self._n
            METER.need(m * n * (16 + entry_bytes(self.ep, self.eq)), "a transposed matrix")
            METER.charge(m * n * (zop(self.ep) + zop(self.eq)), "a transposed matrix")
            out = QM.of(self._M.transpose(), nb, db, two, "a transposed matrix")
            out.ep, out.eq = self.ep, self.eq
            return out
        N, d = self.Z
        return QM.integer(N.transpose(), d, "a transposed matrix")

    def __eq__(self, other):
        if not isinstance(other, (QM, ZM, fmpq_mat, fmpz_mat)):
            return NotImplemented
        other = QM.wrap(other)
        if self._M is not None and other._M is not None:
            METER.charge(self._m * self._n * (4 + limbs(self.ep + self.eq)), "comparing matrices")
            return self._M == other._M
        (NA, a), (NB, b) = self.Z, other.Z
        if (NA.nrows(), NA.ncols()) != (NB.nrows(), NB.ncols()):
            return False
        if a == b:
            return NA == NB
        return (NA * b if b != 1 else NA) == (NB * a if a != 1 else NB)

    def is_zero(self) -> bool:
        if self._M is None:
            return self._Z[0].is_zero()
        m, n = self._m, self._n
        METER.need(m * n * 16, "testing a matrix for zero")
        METER.charge(m * n * 4, "testing a matrix for zero")
        return self._M == fmpq_mat(m, n)

    def entries(self) -> list:
        M = self.M
        m, n = self._m, self._n
        what = f"the entries of a {m}x{n} matrix as Python objects"
        METER.need(m * n * (72 + entry_bytes(self.ep, self.eq)), what)
        METER.charge(m * n * (PY + zop(self.ep) + zop(self.eq)), what)
        return M.entries()

    def tolist(self) -> list:
        self.entries()  # the same charges
        return self.M.tolist()

    def numer_denom(self):
        """(N, d) with self = N / d: N a ZM (entries below 2^nb), d > 0 an fmpz (not always the
        least common denominator: every use only needs self = N / d)."""
        return self.Z

    def det(self):
        N, d = self.Z
        return fmpq(N.det(), fmpz(d) ** self._m)

    def rank(self) -> int:
        return self.Z[0].rank()

    def inv(self) -> QM:
        """The inverse, with Hadamard's bounds: A = N / d gives A^-1 = d adj(N) / det N."""
        N, d = self.Z
        n = self._m
        lg = (n * clog2(n) + 1) // 2 + 1
        inb, idb = self.db + max(n - 1, 0) * self.nb + lg, n * self.nb + lg
        what = f"the inverse of a {n}x{n} matrix"
        METER.need(n * n * (16 + entry_bytes(inb, idb)), what)
        METER.charge(charpoly_cost(n, self.nb) + n * n * entry_cost(inb + idb), what)
        return QM.of(fmpq_mat(N.M).inv() * d, inb, idb, False, what)


def bounds_of(M) -> tuple[int, int, bool]:
    """(nb, db, two) of a QM or ZM (derived), or of a plain FLINT matrix (measured)."""
    if isinstance(M, QM):
        return M.bounds()
    if isinstance(M, ZM):
        return M.nb, 0, True
    return measure(M)


def _qproduct(A, B) -> QM:
    """A B for rational (or integer) matrices, one of them a QM: on the integer forms,
    (N_A / a)(N_B / b) = N_A N_B / (a b)."""
    A, B = QM.wrap(A), QM.wrap(B)
    if not (A.two and B.two):  # derived bounds of non-dyadic matrices can be loose: measure big ones
        k = A.ncols()
        if product_cost(A.nrows(), k, B.ncols(), A.nb + B.nb, 0, rational=False) > 5e7:
            A.refine()
            B.refine()
    (NA, a), (NB, b) = A.Z, B.Z
    return QM.integer(NA * NB, a * b, f"the product of a {A.nrows()}x{A.ncols()} and a {B.nrows()}x{B.ncols()} matrix")


class ZM(_Tracked):
    """An integer matrix ``M`` with |entries| < 2^nb (see :class:`QM`)."""

    __slots__ = ("M", "nb")

    def nrows(self) -> int:
        return self.M.nrows()

    def ncols(self) -> int:
        return self.M.ncols()

    def __getitem__(self, key):
        return self.M[key]

    def __repr__(self):
        return f"ZM({self.M!r})"

    def rank(self) -> int:
        """The exact rank.  First modulo the prime ``RANK_PRIME`` (word operations, charged by
        size): a rank equal to min(m, n) there is the rank (a nonzero minor modulo p is nonzero).
        Otherwise FLINT's exact rank, charged as a fraction-free elimination (``elimination_cost``, on
        the measured bits; rank-deficient matrices take FLINT up to 16 times what ``charpoly_cost``
        charged)."""
        m, n = self.nrows(), self.ncols()
        s = min(m, n)
        if s == 0:
            return 0
        what = f"the rank of a {m}x{n} matrix"
        METER.need(m * n * 8 + 64, what + " modulo a prime")
        METER.charge(OP + m * n * (60 + 30 * limbs(self.nb)) + m * n * s, what + " modulo a prime")
        if nmod_mat(self.M, RANK_PRIME).rank() == s:
            return s
        nb = measure(self.M, what)[0]  # the bound nb of a product can be far above its entries (0 for a zero one)
        METER.need(m * n * fmpz_bytes(s * (nb + clog2(s))), what + " (fraction-free elimination)")
        METER.charge(elimination_cost(m, n, nb), what + " (fraction-free elimination)")
        return self.M.rank()

    @classmethod
    def of(cls, M: fmpz_mat, nb: int, what: str = "an integer matrix") -> ZM:
        self = cls.__new__(cls)
        self.M, self.nb = M, int(nb)
        self._hold(M.nrows() * M.ncols() * fmpz_bytes(self.nb) + 64, what)
        return self

    @classmethod
    def wrap(cls, M, what: str = "an integer matrix") -> ZM:
        """An integer matrix as a ZM (measured unless it is one)."""
        return M if isinstance(M, ZM) else cls.of(M, measure(M, what)[0], what)

    @classmethod
    def new(cls, m: int, n: int, entries, nb: int | None = None, what: str = "an integer matrix") -> ZM:
        """From a list of integers (bits measured unless a bound ``nb`` is given)."""
        if nb is None:
            METER.charge(m * n * PY, what)
            nb = max((int(x).bit_length() for x in entries), default=0)
        METER.need(m * n * fmpz_bytes(nb) + 64, what)
        METER.charge(OP + m * n * (400 + (2000 + 25 * limbs(nb) if nb > 62 else 0)), what)  # Python int -> fmpz
        return cls.of(fmpz_mat(m, n, entries), nb, what)

    def __setitem__(self, key, value):
        self.M[key] = value
        b = int(value).bit_length()
        if b > self.nb:
            self.nb = b
            self._hold(self.nrows() * self.ncols() * fmpz_bytes(b) + 64, "an integer matrix written entry by entry")

    def _other(self, other) -> int:
        if isinstance(other, ZM):
            return other.nb
        if isinstance(other, fmpz_mat):
            return measure(other)[0]
        return qbits(other)[0]

    def __mul__(self, other):
        if isinstance(other, (ZM, fmpz_mat)):
            return _zproduct(self, other, self.nb, self._other(other))
        if isinstance(other, (int, fmpz)):
            b = self._other(other)
            m, n = self.nrows(), self.ncols()
            what = f"a {m}x{n} integer matrix times a scalar"
            METER.need(m * n * fmpz_bytes(self.nb + b), what)
            METER.charge(m * n * (zop(self.nb + b) + limbs(self.nb) * limbs(b)), what)
            return ZM.of(self.M * other, self.nb + b, what)
        return NotImplemented

    def __rmul__(self, other):
        if isinstance(other, fmpz_mat):
            return _zproduct(other, self, self._other(other), self.nb)
        return self.__mul__(other)

    def _sum(self, other, sign, reflected=False):
        if not isinstance(other, (ZM, fmpz_mat)):
            return NotImplemented
        nb = max(self.nb, self._other(other)) + 1
        m, n = self.nrows(), self.ncols()
        what = f"a sum of {m}x{n} integer matrices"
        METER.need(m * n * fmpz_bytes(nb), what)
        METER.charge(m * n * zop(nb), what)
        o = plain(other)
        R = self.M + o if sign > 0 else (o - self.M if reflected else self.M - o)
        return ZM.of(R, nb, what)

    def __add__(self, other):
        return self._sum(other, 1)

    __radd__ = __add__

    def __sub__(self, other):
        return self._sum(other, -1)

    def __rsub__(self, other):
        return self._sum(other, -1, reflected=True)

    def _copy(self, R, what: str) -> ZM:
        m, n = self.nrows(), self.ncols()
        METER.need(m * n * fmpz_bytes(self.nb), what)
        METER.charge(m * n * zop(self.nb), what)
        return ZM.of(R, self.nb, what)

    def __neg__(self):
        return self._copy(-self.M, "a negated integer matrix")

    def transpose(self) -> ZM:
        return self._copy(self.M.transpose(), "a transposed integer matrix")

    def __eq__(self, other):
        if isinstance(other, (ZM, fmpz_mat)):
            METER.charge(self.nrows() * self.ncols() * (4 + limbs(self.nb)), "comparing integer matrices")
            return self.M == plain(other)
        return NotImplemented

    def entries(self) -> list:
        m, n = self.nrows(), self.ncols()
        what = f"the entries of a {m}x{n} integer matrix as Python objects"
        METER.need(m * n * (40 + fmpz_bytes(self.nb)), what)
        METER.charge(m * n * (2 * PY + 2 * zop(self.nb)), what)  # and a Python pass over them
        return self.M.entries()

    def tolist(self) -> list:
        self.entries()
        return self.M.tolist()

    def is_zero(self) -> bool:
        METER.charge(self.nrows() * self.ncols() * 2, "testing an integer matrix for zero")
        return self.M.is_zero()

    def charpoly(self):
        n = self.nrows()
        METER.charge(charpoly_cost(n, self.nb), f"the characteristic polynomial of a {n}x{n} matrix")
        return self.M.charpoly()

    def det(self):
        n = self.nrows()
        METER.charge(charpoly_cost(n, self.nb) / 1.2, f"the determinant of a {n}x{n} matrix")
        return self.M.det()


def _division_cost(nb: int, gb: int) -> float:
    """One Python-level divmod of an integer of ``nb`` bits by one of ``gb`` bits."""
    return PY + zop(nb) + 20 * limbs(nb) * max(1.0, limbs(gb))


def _gcd_cost(bits: int) -> float:
    """One gcd of two integers of ``bits`` bits (GMP's is subquadratic; measured about 1 ns
    a bit on this machine, charged at 2,500 units a limb)."""
    return PY + 2500 * max(1.0, limbs(bits))


def reduced(N: ZM, d) -> tuple:
    """(N / g, d / g) with g = gcd(d, N_11, ..., N_mn): the same matrix N / d over its least
    common denominator (the lcm of the entries' reduced denominators d / gcd(d, N_ij) is
    d / g), with the bound of N / g measured.  Products of integer forms keep the product of
    the denominators, which the gauges and rotations of generic data make far larger than the
    least one (issue 21).

    g is found with one gcd: g' = gcd(d, sum_ij c_ij N_ij) for fixed small weights c_ij is a
    multiple of g (each common divisor of d and the N_ij divides it); one pass divides every
    entry by g' with its remainder (one division each), and wherever N_ij is not a multiple of
    g' replaces g' by g'' = gcd(g', N_ij) (it then loses a factor, so this happens at most
    log2(g') times: in practice a few small primes) and multiplies the quotients made so far by
    g' / g'' (N_ij / g'' = (N_ij / g') (g' / g'')); it ends with g and N / g.  Everything is
    charged before it runs; with g = 1, N and d are returned as they are."""
    d = fmpz(d)
    m, n = N.nrows(), N.ncols()
    if d == 1 or m * n == 0:
        return N, d
    db = int(d).bit_length()
    es = N.entries()
    METER.charge(m * n * (PY + zop(N.nb + 8)) + _gcd_cost(max(db, N.nb + 30)), f"a weighted sum of the entries of a {m}x{n} matrix")
    g = d.gcd(sum((x * (i % 251 + 1) for i, x in enumerate(es)), fmpz(0)))
    if g == 1:
        return N, d
    what = f"a {m}x{n} integer matrix divided by the common factor of its entries and denominator"
    METER.need(m * n * (40 + fmpz_bytes(N.nb)), what)
    METER.charge(m * n * (PY + _division_cost(N.nb, int(g).bit_length())), f"{what} (quotients and remainders)")
    q = []
    for x in es:  # g' shares at most a few small primes more with d: each miss divides it
        a, r = divmod(x, g)
        if r:
            METER.charge(_gcd_cost(int(g).bit_length()) + _division_cost(N.nb, int(g).bit_length()),
                         f"{what}: a gcd and a division")
            g2 = g.gcd(x)
            if g2 == 1:
                return N, d
            f = g // g2
            METER.charge(len(q) * (PY + zop(N.nb) + limbs(N.nb) * max(1.0, limbs(int(f).bit_length()))),
                         f"{what}: the quotients made so far, rescaled")
            q = [y * f for y in q]
            g, a = g2, x // g2
        q.append(a)
    nb = max((x.bit_length() for x in q), default=0)
    del es
    return ZM.of(fmpz_mat(m, n, q), nb, what), d // g


def _zproduct(A, B, a: int, b: int) -> ZM:
    m, k, n = A.nrows(), A.ncols(), B.ncols()
    nb = a + b + clog2(k)
    what = f"the product of a {m}x{k} and a {k}x{n} integer matrix (entries of up to {a} and {b} bits)"
    METER.need(2 * m * n * fmpz_bytes(nb), what)
    METER.charge(product_cost(m, k, n, a + b, nb, rational=False), what)
    return ZM.of(plain(A) * plain(B), nb, what)
