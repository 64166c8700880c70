"""PyTorch CPU twin of Backflow's benchmark workloads (W1-W4).

Same architectures, batch sizes and SGD 0.1 as src-main/engine/bench/workloads.ts,
timed without and with the same per-layer statistics Backflow's telemetry computes
(weight-gradient norm, output-gradient norm, mean/max |g|, 16-bin log10 |g|
histogram, update ratio, activation mean/std, saturated and dead fractions).
Prints one JSON object: {"workloads": [{"name", "stepsPerSec", "stepsPerSecTelemetry"}]}.
Run by `npx backflow bench --pytorch`.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self, depth, width, activation, residual_every=0):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2 if i == 0 else width, width) for i in range(depth)])
        self.out = nn.Linear(width, 3)
        self.act = {"sigmoid": torch.sigmoid, "relu": F.relu}[activation]
        self.kind = activation
        self.residual_every = residual_every

    def forward(self, x, taps=None):
        h = x
        skip = None
        outputs = []
        for i, layer in enumerate(self.layers, start=1):
            h = self.act(layer(h))
            outputs.append(h)
            if self.residual_every and i == 1:
                skip = h
            if self.residual_every and i > 1 and (i - 1) % self.residual_every == 0:
                h = h + skip
                skip = h
                outputs.append(h)
        logits = self.out(h)
        outputs.append(logits)
        return logits, outputs


class CNN(nn.Module):
    kind = "relu"

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 3, padding=1)
        self.c2 = nn.Conv2d(16, 16, 3, padding=1)
        self.c3 = nn.Conv2d(16, 32, 3, padding=1)
        self.out = nn.Linear(7 * 7 * 32, 10)

    def forward(self, x, taps=None):
        outputs = []
        h = F.relu(self.c1(x)); outputs.append(h)
        h = F.relu(self.c2(h)); outputs.append(h)
        h = F.max_pool2d(h, 2); outputs.append(h)
        h = F.relu(self.c3(h)); outputs.append(h)
        h = F.max_pool2d(h, 2); outputs.append(h)
        h = torch.flatten(h, 1); outputs.append(h)
        logits = self.out(h); outputs.append(logits)
        return logits, outputs


def telemetry(model, outputs, lr):
    """The per-layer statistics, reduced to one tensor and read back once."""
    stats = []
    for module in [m for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]:
        g = module.weight.grad
        a = g.abs()
        hist = torch.histc(torch.log10(a.clamp_min(1e-30)).clamp(-12, 3.999).flatten(), bins=16, min=-12, max=4)
        stats.append(torch.cat([
            torch.stack([g.norm(), a.mean(), a.max(), (lr * g).norm() / module.weight.norm()]), hist]))
    for out in outputs:
        if out.grad is None:
            continue
        flat = out.detach().flatten(1)
        dead = (flat.max(0).values <= 0).float().mean()
        sat = ((flat - 0.5).abs() > 0.4975).float().mean()
        stats.append(torch.stack([out.grad.norm(), flat.mean(), flat.std(), dead, sat]))
    return torch.cat([s.flatten() for s in stats]).tolist()


def run(name, model, x, y, batch, steps, with_telemetry):
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    n = x.shape[0]
    done = 0
    start = None
    for step in range(steps + 3):
        if step == 3:
            start = time.perf_counter()
        i = (step * batch) % (n - batch)
        xb, yb = x[i:i + batch], y[i:i + batch]
        opt.zero_grad(set_to_none=True)
        logits, outputs = model(xb)
        if with_telemetry:
            for o in outputs:
                o.retain_grad()
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        if with_telemetry:
            telemetry(model, outputs, 0.1)
        else:
            loss.item()
        opt.step()
        done += 1
    return steps / (time.perf_counter() - start)


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    names = sys.argv[2].split(",") if len(sys.argv) > 2 else ["W1", "W2", "W3", "W4"]
    torch.manual_seed(1)
    torch.set_num_threads(2)
    spiral = torch.randn(3000, 2)
    labels = torch.randint(0, 3, (3000,))
    images = torch.rand(2000, 1, 28, 28)
    digits = torch.randint(0, 10, (2000,))
    workloads = {
        "W1": (lambda: MLP(10, 64, "sigmoid"), spiral, labels, 64),
        "W2": (lambda: MLP(20, 128, "sigmoid"), spiral, labels, 128),
        "W3": (lambda: MLP(50, 64, "relu", residual_every=2), spiral, labels, 64),
        "W4": (CNN, images, digits, 64),
    }
    results = []
    for name in names:
        make, x, y, batch = workloads[name]
        plain, tele = [], []
        for _ in range(3):
            plain.append(run(name, make(), x, y, batch, steps, False))
            tele.append(run(name, make(), x, y, batch, steps, True))
        results.append({"name": name, "stepsPerSec": sorted(plain)[1], "stepsPerSecTelemetry": sorted(tele)[1]})
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "workloads": results}))


if __name__ == "__main__":
    main()
