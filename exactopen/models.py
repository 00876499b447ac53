"""The user's model as exactopen reads it: the layers W_1..W_h of a bias-free linear network,
the data X and Y, and the sentences that say what was assumed (issue 22).

One reader for the command line and the Python API:

* :func:`read_layers` takes what a user holds -- a path (str or ``pathlib.Path``) to an
  ``.npz``/JSON file of arrays W1..Wh or a PyTorch ``state_dict`` file (``.pt``/``.pth``); an
  ``nn.Sequential`` of bias-free ``nn.Linear`` layers (in order); a ``state_dict`` (ordered);
  an iterable of matrices, tensors or parameters (``model.parameters()``: read through
  ``detach()``, never modified); numpy arrays, nested lists, SymPy matrices -- and refuses in one
  line, naming it, what is not a bias-free linear network (a bias, a ReLU, a custom module whose
  forward order it cannot see);
* :func:`build_network` checks shapes with messages that name the matrix and the flag (or
  keyword) to change, and returns the network with :func:`assumption_lines`, the first lines of
  ``validate``: the model analysed (a linear network, no bias, no activation) and X when it was
  defaulted to the identity.

torch is never imported here: a tensor or a module exists only if the user imported torch.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from flint import fmpq_mat

from exactopen.errors import InputError
from exactopen.inputs import as_matrix, layers_of_mapping, load_weights
from exactopen.tensors import is_tensor, is_torch_module, linear_weight, tensor_to_exact

__all__ = ["Flags", "CLI_FLAGS", "API_FLAGS", "read_layers", "module_layers", "build_network", "assumption_lines"]


@dataclass(frozen=True)
class Flags:
    """How the user names X, Y and the samples-as-rows switch (for messages)."""

    X: str
    Y: str
    rows: str


CLI_FLAGS = Flags("--X", "--Y", "--samples-as-rows")
API_FLAGS = Flags("X=", "Y=", "samples_as_rows=True")


def read_layers(obj, what: str = "layers") -> tuple[list, list | None, dict]:
    """(layers W_1..W_h as exact matrices, their names or None, other matrices by name (X, Y
    stored beside the layers in a file or a dict)) from any form :mod:`exactopen.models` lists.
    InputError (one line, naming the problem) for anything that is not a bias-free linear network."""
    if isinstance(obj, (str, os.PathLike)):
        path = os.fspath(obj)
        if path.lower().endswith(".npy"):
            raise InputError(f"{path}: an .npy file holds one array; store the layers as W1..Wh in an .npz "
                             "(np.savez(path, W1=..., W2=...)) or pass a list of arrays")
        layers, rest, keys = load_weights(path)
        return layers, keys, rest
    if is_torch_module(obj):
        layers, keys = module_layers(obj)
        return layers, keys, {}
    if isinstance(obj, Mapping):
        if "shape" in obj and "rows" in obj:
            raise InputError(f"{what}: one matrix was given; pass a list of layers, input layer first")
        layers, keys, rest = layers_of_mapping(dict(obj), "state_dict" if what == "layers" else what)
        return layers, keys, rest
    if isinstance(obj, fmpq_mat) or is_tensor(obj) or (hasattr(obj, "ndim") and hasattr(obj, "dtype")):
        raise InputError(f"{what}: one array was given; pass a list of weight matrices, input layer first "
                         "(a model, a state_dict or model.parameters() work too)")
    if hasattr(obj, "is_Matrix"):
        raise InputError(f"{what}: one SymPy matrix was given; pass a list of layers, input layer first")
    try:
        items = list(obj)
    except TypeError:
        raise InputError(f"{what}: {type(obj).__name__} is not a list of layers (pass the weight matrices, input "
                         "layer first, or a bias-free nn.Sequential)") from None
    if not items:
        raise InputError(f"{what}: at least one layer is needed")
    if all(isinstance(x, (int, float, str)) for x in items):
        raise InputError(f"{what}: a list of numbers is not a list of layers; pass matrices (lists of rows), "
                         "input layer first")
    if all(isinstance(x, list) and x and all(not isinstance(e, (list, tuple)) for e in x) for x in items):
        raise InputError(f"{what}: one matrix was given (a list of rows); pass a list of layers, e.g. [W1, W2]")
    return [_layer(x, i) for i, x in enumerate(items)], None, {}


def _layer(x, i: int) -> fmpq_mat:
    return as_matrix(x, f"layer {i + 1}")  # matrices, tensors, paths, and nn.Linear modules (their weight)


def module_layers(model) -> tuple[list, list]:
    """(layers, names) of a PyTorch module: an ``nn.Sequential`` (nested ones flattened) of
    bias-free ``nn.Linear`` layers in the order its ``forward`` applies them (``nn.Identity`` is
    skipped), or one ``nn.Linear``.  Any other module is refused: its ``forward`` may apply the
    layers in any order, with any activation, and exactopen cannot see it."""
    import torch

    nn = torch.nn
    if isinstance(model, nn.Linear):
        return [tensor_to_exact(linear_weight(model, "the model"), "the model")], ["weight"]
    if not isinstance(model, nn.Sequential):
        lin = [_attribute_path(n) for n, m in model.named_modules() if isinstance(m, nn.Linear)]
        example = ", ".join(f"model{n}.weight" for n in lin[:3]) + (", ..." if len(lin) > 3 else "")
        raise InputError(f"{type(model).__name__} is not an nn.Sequential: exactopen cannot see in which order its "
                         "forward applies the layers (nor any activation); pass the weights in that order, input "
                         f"layer first{f', e.g. [{example}]' if lin else ''}")
    layers, names = [], []

    def walk(seq, prefix: str) -> None:
        for name, m in seq.named_children():
            full = f"{prefix}{name}"
            if isinstance(m, nn.Sequential):
                walk(m, full + ".")
            elif isinstance(m, nn.Identity):
                continue
            elif isinstance(m, nn.Linear):
                layers.append(tensor_to_exact(linear_weight(m, f"model[{full}]"), f"model[{full}]"))
                names.append(f"{full}.weight")
            else:
                raise InputError(f"model[{full}] is {type(m).__name__}: exactopen analyses linear networks (bias-free "
                                 "nn.Linear layers, no activation); remove it, or pass the Linear layers' weights "
                                 "in order to analyse the linear network they form")

    walk(model, "")
    if not layers:
        raise InputError("the model has no nn.Linear layer")
    return layers, names


def _attribute_path(name: str) -> str:
    """'fc1' -> '.fc1', 'module.0' -> '.module[0]': how the user writes the submodule."""
    return "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in name.split("."))


# ---------------------------------------------------------------------------------------
# shapes and what was assumed
# ---------------------------------------------------------------------------------------

def _dims(M) -> str:
    return f"{M.nrows()}x{M.ncols()}"


def _name(keys, i: int) -> str:
    return f"layer {i + 1}" + (f" ({keys[i]})" if keys and keys[i] != f"W{i + 1}" else "")


def check_shapes(layers: list, X, Y, keys: list | None, flags: Flags, transposed: bool = False) -> None:
    """InputError naming the matrix and the flag to change when the shapes do not fit
    (X: d_0 x n, Y: d_h x n, layer i+1 takes what layer i gives; X None: the identity)."""
    for i in range(1, len(layers)):
        a, b = layers[i - 1], layers[i]
        if b.ncols() != a.nrows():
            raise InputError(f"shape mismatch: {_name(keys, i)} is {_dims(b)} but {_name(keys, i - 1)} gives "
                             f"{a.nrows()} outputs: the layers must come input layer first, each taking what the "
                             "previous gives")
    d0, dh = layers[0].ncols(), layers[-1].nrows()
    after = f" (after {flags.rows}: transposed)" if transposed else ""
    if X is not None and X.nrows() != d0:
        hint = (f": it looks like samples as rows (one per row): pass {flags.rows} (or its transpose)"
                if X.ncols() == d0 and not transposed else f": X must be {d0} x n (one sample per column)")
        raise InputError(f"shape mismatch: X is {_dims(X)}{after} but {_name(keys, 0)} takes {d0} inputs{hint}")
    n = d0 if X is None else X.ncols()
    if Y.nrows() != dh:
        hint = (f"; it looks like samples as rows: pass {flags.rows} (or its transpose)"
                if Y.ncols() == dh and not transposed else "")
        raise InputError(f"shape mismatch: Y is {_dims(Y)}{after} but {_name(keys, len(layers) - 1)} gives {dh} "
                         f"outputs: Y must be {dh} x n (one sample per column){hint}")
    if Y.ncols() != n:
        if X is None:
            raise InputError(f"shape mismatch: Y is {_dims(Y)}{after} but the network maps {d0} inputs with X = I "
                             f"(no {flags.X} given): pass {flags.X}, or Y with {d0} columns")
        raise InputError(f"shape mismatch: Y is {_dims(Y)}{after} but X is {_dims(X)}: Y needs one column per "
                         f"sample ({n})")


def build_network(layers: list, X, Y, keys: list | None, flags: Flags, samples_as_rows: bool = False,
                  x_source: str | None = None):
    """(the network, the assumption lines): shapes checked with :func:`check_shapes` (X, Y
    transposed first under samples-as-rows), then ``Network.build``."""
    from exactopen.landscape.network import Network

    if Y is None:
        raise InputError(f"no targets: pass {flags.Y}" + (" (or store an array named Y in the weights file)"
                                                          if flags is CLI_FLAGS else ""))
    if samples_as_rows:
        X = None if X is None else X.transpose()
        Y = Y.transpose()
    check_shapes(layers, X, Y, keys, flags, samples_as_rows)
    net = Network.build(layers, Y, X)
    return net, assumption_lines(net, keys, None if X is None else (x_source or "given"), flags, samples_as_rows)


def _product(h: int) -> str:
    names = [f"W{i}" for i in range(h, 0, -1)]
    return " ".join(names) if h <= 6 else " ".join(names[:2] + ["...", names[-1]])


def assumption_lines(net, keys: list | None, x_source: str | None, flags: Flags,
                     samples_as_rows: bool = False) -> list[str]:
    """The first lines of ``validate``: the model analysed and the data, saying what was
    defaulted (``x_source`` None: X = I because no X was given)."""
    h = net.h
    widths = ", ".join(map(str, net.widths))
    named = ""
    if keys and any(k != f"W{i + 1}" for i, k in enumerate(keys)):
        pairs = [f"W{i + 1} = {k}" for i, k in enumerate(keys)]
        named = "; " + ", ".join(pairs if h <= 4 else [pairs[0], "...", pairs[-1]])
    model = (f"model: a linear network {_product(h)} (widths {widths}, input first{named}), no bias, no "
             "activation: any activation in your model's forward is not seen")
    n = net.Y.ncols()
    layout = f"{n} samples, " + (f"given one per row ({flags.rows}), shown transposed" if samples_as_rows
                                 else "one per column")
    if x_source is None:
        data = (f"data: X = I, the {net.widths[0]}x{net.widths[0]} identity (no {flags.X} given: each input is a "
                f"sample); Y is {_dims(net.Y)} ({layout})")
    else:
        data = f"data: X is {_dims(net.X)} ({x_source}), Y is {_dims(net.Y)} ({layout})"
    return [model, data]
