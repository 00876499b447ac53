"""Type aliases of the Python API (for type checkers and ``help()``; nothing is imported at run
time: numpy, SymPy, torch and python-flint appear only under ``TYPE_CHECKING``)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    import numpy
    import sympy
    import torch
    from flint import fmpq, fmpq_mat

#: one entry: an exact number, a decimal or "p/q" string, or a binary float (converted exactly)
Number = Union[int, Fraction, "fmpq", str, float]
#: a matrix: nested lists or tuples of numbers, a numpy array, a tensor (detached), a SymPy matrix,
#: an ``fmpq_mat``, or a path (str or ``os.PathLike``) to an .npy/.npz/.pt/JSON file
MatrixLike = Union[Sequence[Sequence[Number]], "numpy.ndarray", "torch.Tensor", "sympy.Matrix", "fmpq_mat", str,
                   os.PathLike]
#: a matrix whose entries may name parameters: strings ("x", "2*a - 1") or SymPy symbols/polynomials
ParametricMatrix = Union[MatrixLike, Sequence[Sequence[Union[Number, "sympy.Expr"]]]]
#: the layers of a network: matrices input layer first, an ``nn.Sequential`` of bias-free ``nn.Linear``
#: layers, a ``state_dict``, ``model.parameters()``, or a path to an .npz/JSON/.pt file
LayersLike = Union[Iterable[MatrixLike], "torch.nn.Module", Mapping[str, MatrixLike], str, os.PathLike]

__all__ = ["Number", "MatrixLike", "ParametricMatrix", "LayersLike"]
