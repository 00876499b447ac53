"""PyTorch objects as exact matrices: tensors (parameters with ``requires_grad`` too) read
through ``detach()`` and widened to float64 exactly, never modified; ``nn.Linear`` modules by
their weight when they have no bias.

torch is never imported here: a tensor or a module exists only if the user imported torch, so
the checks look torch up in ``sys.modules``.
"""

from __future__ import annotations

import sys

from flint import fmpq_mat

from exactopen.errors import InputError
from exactopen.exact.floats import to_exact

__all__ = ["is_tensor", "is_torch_module", "tensor_to_exact", "linear_weight"]


def _torch():
    return sys.modules.get("torch")


def is_tensor(obj) -> bool:
    cls = getattr(_torch(), "Tensor", None)
    return isinstance(cls, type) and isinstance(obj, cls)


def is_torch_module(obj) -> bool:
    cls = getattr(getattr(_torch(), "nn", None), "Module", None)
    return isinstance(cls, type) and isinstance(obj, cls)


def tensor_to_exact(t, what: str) -> fmpq_mat:
    """The exact matrix of a 2-D tensor (a parameter with ``requires_grad`` too): read through
    ``detach()`` on the CPU, widened to float64 exactly; the tensor itself is not modified."""
    try:
        complex_, dim = t.is_complex(), t.dim()
    except Exception as exc:  # noqa: BLE001  (an uninitialized lazy parameter raises ValueError)
        raise InputError(f"{what}: cannot read this tensor ({type(exc).__name__}: "
                         f"{' '.join(str(exc).split())[:150]})") from None
    if complex_:
        raise InputError(f"{what}: complex tensor; exactopen analyses real matrices")
    if dim != 2:
        kind = " (a bias or a vector?)" if t.dim() == 1 else ""
        raise InputError(f"{what}: a tensor of shape {tuple(t.shape)}{kind} is not a 2-D weight matrix; exactopen "
                         "analyses bias-free linear networks: pass the weight matrices, input layer first")
    try:
        a = t.detach()
        if a.layout != _torch().strided:
            a = a.to_dense()
        a = a.cpu()
        arr = (a.double() if a.is_floating_point() else a).numpy()
    except Exception as exc:  # noqa: BLE001  (meta, quantized, uninitialized tensors: torch raises many types)
        raise InputError(f"{what}: cannot read this tensor ({type(exc).__name__}: "
                         f"{' '.join(str(exc).split())[:150]})") from None
    return to_exact(arr, what, floats=True)


def linear_weight(module, what: str):
    """The weight of a bias-free ``nn.Linear`` (InputError naming any other module)."""
    torch = _torch()
    name = type(module).__name__
    if not isinstance(module, torch.nn.Linear):
        raise InputError(f"{what} is {name}, not a bias-free nn.Linear: exactopen analyses linear networks "
                         "(no activation, no bias); pass the weights of the Linear layers in order")
    if module.bias is not None:
        raise InputError(f"{what} is a Linear with a bias: exactopen analyses bias-free linear networks "
                         "(nn.Linear(..., bias=False)); drop the bias if it is zero")
    return module.weight
