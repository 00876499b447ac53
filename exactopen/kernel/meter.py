"""The work and memory meter of a whole check, and the cost model of its exact steps.

Every step of the checker whose cost grows with the numbers charges :data:`METER` *before* it
runs, with an estimate computed from the sizes of its operands (dimensions, and bounds on the
bits of their entries); a step the remaining budget cannot pay for is refused in one line
naming it, so no file makes FLINT or GMP run out of memory and no file runs for long.

* **Work** is counted in units; on the 2-core machine the project is tested on, one unit of
  every family of steps costs at most about 0.6 ns (``benchmarks/work_model.py`` times each
  family), so the budgets below bound the time of any check.
* **Memory** is the estimated size in bytes of what the check holds: the parsed JSON tree,
  every exact matrix the checker makes (an estimate from its entries' bit bounds, released
  when the matrix is freed), and transient lists.  The peak is compared with the budget.

The budget depends on the size of the file (``BUDGET`` in :mod:`primitives`): files up to 1
MiB get ``work_small`` units and ``memory_small`` bytes (about 10 s and 1 GB of the process),
larger files up to ``file_bytes`` (64 MiB) get ``work_large`` and ``memory_large`` (about 60 s
and 2 GB).  Nested certificates share the budget of the file that holds them.  The exact
matrices that carry their bounds are in :mod:`work`.
"""

from __future__ import annotations

from flint import fmpq, fmpz


class OverBudget(Exception):
    """Raised by the meter; :mod:`primitives` turns it into a one-line rejection."""


def _fmt(x: float) -> str:
    return f"{x:.2g}" if x >= 1000 else str(int(x))


STEP = 10_000  # the least a charged step costs (Python calls and bookkeeping around it)


class Meter:
    """Work spent and memory held by the check in progress, against its limits."""

    def __init__(self):
        self.generation = 0
        self.start(0, 10 ** 18, 10 ** 18)

    def start(self, size: int, work_limit: int, memory_limit: int) -> None:
        """Arm the meter for the check of a file of ``size`` bytes."""
        self.generation += 1
        self.size, self.work, self.live, self.peak = size, 0, 0, 0
        self.work_limit, self.memory_limit = work_limit, memory_limit

    def stop(self) -> None:
        """Disarm (outside a check, e.g. kernel functions called by the generator, nothing is refused)."""
        self.work_limit = self.memory_limit = 10 ** 18

    def charge(self, work: float, what: str) -> None:
        """Pay for a step of about ``work`` units before running it (at least ``STEP``: every
        charged step is some Python-level work)."""
        self.work += max(int(work), STEP)
        if self.work > self.work_limit:
            raise OverBudget(f"{what} needs about {_fmt(work)} work units, beyond what remains of the check's "
                             f"budget of {_fmt(self.work_limit)} units for a file of {self.size:,} bytes")

    def need(self, nbytes: float, what: str) -> None:
        """A transient allocation of about ``nbytes`` fits beside what is held."""
        if self.live + nbytes > self.memory_limit:
            raise OverBudget(f"{what} needs about {_fmt(nbytes / 2 ** 20)} MB beside the {_fmt(self.live / 2 ** 20)} "
                             f"MB the check holds, beyond its memory budget of {_fmt(self.memory_limit / 2 ** 20)} MB")

    def hold(self, nbytes: int, what: str) -> None:
        """Hold ``nbytes`` more (until :meth:`release`)."""
        self.need(nbytes, what)
        self.live += nbytes
        self.peak = max(self.peak, self.live)

    def release(self, nbytes: int, generation: int) -> None:
        if generation == self.generation:
            self.live -= nbytes

    def report(self) -> dict:
        return {"work": self.work, "work_limit": self.work_limit, "peak_bytes": self.peak,
                "memory_limit": self.memory_limit}


METER = Meter()

# ----------------------------------------------------------------------------------------
# cost model (units ~ ns; calibrated by benchmarks/hostile.py --calibrate)
# ----------------------------------------------------------------------------------------

PY = 400          # one Python-level step over an entry (an object made, a little arithmetic on it)
OP = 3000         # the fixed cost of one operation on a matrix or polynomial (Python calls, allocation)


def limbs(bits: int) -> float:
    return bits / 64


def fmpz_bytes(bits: int) -> int:
    """Bytes of one FLINT integer of ``bits`` bits (inline up to 62 bits, else a GMP integer)."""
    return 8 if bits <= 62 else 48 + 8 * ((bits + 63) // 64)


def entry_bytes(nb: int, db: int) -> int:
    return fmpz_bytes(nb) + fmpz_bytes(db)


def zop(bits: int) -> float:
    """One C-level operation making an integer entry of ``bits`` bits (an allocation when big)."""
    return 16 if bits <= 62 else 300 + 14 * limbs(bits)


def entry_cost(bits: int) -> float:
    """One C-level operation making a rational entry of ``bits`` bits (a gcd normalises it)."""
    if bits <= 62:
        return 180
    L = limbs(bits)
    return 300 + 400 * L + L * L / 2


def product_cost(m: int, k: int, n: int, nbits: int, obits: int, rational: bool = True) -> float:
    """(m x k)(k x n) with operand entries of ``nbits`` bits together and results of ``obits``:
    FLINT's blocked or multimodular product (its inputs reduced modulo about Li primes, its
    outputs reconstructed), or the classical one for thin shapes; rational results are
    normalised entry by entry."""
    Li, small = limbs(nbits), max(min(m, k, n), 1)
    if min(m, n) < 8:
        inner = 20 + 25 * Li + Li * Li
    elif Li <= 2:  # word-size entries: blocked products, faster per step for larger matrices
        inner = 1 + Li * (0.8 + 250 / small)
    else:  # multimodular: about Li primes
        inner = 1 + Li * (1.1 + 160 / small)
    reduce = (m * k + k * n) * 4 * Li * Li if Li > 2 else 0
    out = entry_cost(obits) if rational else zop(obits) + 2 * limbs(obits) ** 2
    return OP + m * k * n * inner + reduce + m * n * out


def charpoly_cost(n: int, bits: int) -> float:
    """Characteristic polynomial (or determinant, inverse, rank) of an n x n integer matrix."""
    L = limbs(bits)
    return n ** 4 * (0.6 + 3.6 * L) + 9 * n ** 3 * L * L + 50 * n * n


RANK_PRIME = 2305843009213693951  # 2^61 - 1: ranks are first computed modulo this prime


def elimination_cost(m: int, n: int, bits: int) -> float:
    """Fraction-free elimination of an m x n integer matrix with entries of ``bits`` bits, worst
    case (FLINT's exact rank of a rank-deficient matrix): at step k, (m - k)(n - k) updates of
    entries of about k * bits bits (k-minors), each about 3 (k L)^2 limb products (schoolbook:
    an upper bound of GMP's).  Measured (issue 24, attack adv24): 0.05 to 0.61 of the charge
    over n = 24..256, 17 to 4,000 bits, ranks n/8 to n - 6; ``charpoly_cost`` undercharged
    these by up to 16 times."""
    L = limbs(bits)
    return OP + 3 * sum((m - k) * (n - k) * (20 + (k * L) ** 2) for k in range(1, min(m, n) + 1))


def clog2(k: int) -> int:
    return max(0, k - 1).bit_length()


def qbits(x) -> tuple[int, int]:
    """(bits of the numerator, bits of the denominator) of a scalar."""
    if isinstance(x, int):
        return x.bit_length(), 0
    if isinstance(x, fmpz):
        return x.bit_length(), 0
    x = fmpq(x)
    return x.p.bit_length(), x.q.bit_length()


def scalar_pow(x, e: int):
    """x ** e for a rational x and an integer e >= 0, charged by the size of the result."""
    p, q = qbits(x)
    bits = (p + q) * e
    METER.need(2 * bits // 8 + 128, "a power of a rational number")
    L = bits // 64 + 1
    METER.charge(100 + 8 * L * L.bit_length(), "a power of a rational number")
    return fmpq(x) ** e


def _pow2(q) -> bool:
    q = int(q)
    return q & (q - 1) == 0
