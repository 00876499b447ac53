"""exactopen from a PyTorch session, on one screen (run: python examples/pytorch_api.py).

The API takes the model, its state_dict or model.parameters() as they are (read through
detach(), never modified), says which network it analysed, and refuses in one line what is not
a bias-free linear network.
"""

import sys

try:
    import torch
except ImportError:
    sys.exit("this example needs torch: pip install 'exactopen[torch]'")

import exactopen
from exactopen.errors import InputError

torch.manual_seed(0)
X = torch.randn(200, 8)                       # 200 samples, one per row (the PyTorch layout)
Y = X @ torch.randn(8, 3) + 0.1 * torch.randn(200, 3)
model = torch.nn.Sequential(torch.nn.Linear(8, 4, bias=False), torch.nn.Linear(4, 3, bias=False))
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for _ in range(500):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(model(X), Y)
    loss.backward()
    opt.step()
print(f"trained: MSE {loss.item():.4f}")

r = exactopen.validate(model, Y, X, samples_as_rows=True, loss="mean")
print("\n".join(r.lines))                     # model analysed, data, verdict, figures
print(repr(r))                                # in Jupyter: a rich display with the certificate

same = exactopen.validate(model.parameters(), Y, X, samples_as_rows=True, loss="mean")
print("parameters() give the same certificate:", same.certificate == r.certificate,
      "- weights still train:", all(p.requires_grad for p in model.parameters()))

relu = torch.nn.Sequential(torch.nn.Linear(8, 4, bias=False), torch.nn.ReLU(), torch.nn.Linear(4, 3, bias=False))
try:
    exactopen.validate(relu, Y, X, samples_as_rows=True)
except InputError as exc:
    print("refused:", exc)
