"""PyTorch CPU twin of Backflow's benchmark workloads (W1-W4).

Same architectures, batch sizes and SGD 0.1 as src-main/engine/bench/workloads.ts,
timed without and with the same per-layer statistics Backflow's telemetry computes
(weight-gradient norm, output-gradient norm, mean/max |g|, 16-bin log10 |g|
histogram, update ratio, activation mean/std, saturated and dead fractions).
Usage: pytorch_reference.py STEPS W1,W2 WINDOWS 1,2 times each workload in WINDOWS
windows at each thread count, both modes, and prints one JSON object:
{"torch", "blas": {"core", "config", "library"} | null,
 "workloads": [{"name", "byThreads": [{"threads", "plain": [steps/s…], "telemetry": [steps/s…]}]}]};
the caller (pytorch.ts) takes the medians and the best thread count.
`pytorch_reference.py 0 probe` prints only the torch version and the OpenBLAS core.
Run by `npx backflow bench --pytorch`.
"""
import ctypes
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# The longest one timed window may take; the rate is then over the steps it did.
RUN_SECONDS = 5.0


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


def run(model, x, y, batch, steps, with_telemetry):
    """Steps per second over `steps` steps after 3 untimed ones (fewer past RUN_SECONDS)."""
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    n = x.shape[0]

    def train_step(step):
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

    for step in range(3):
        train_step(step)
    start = time.perf_counter()
    done = 0
    while done < steps:
        train_step(3 + done)
        done += 1
        # Two-thread OpenMP/OpenBLAS can slow tenfold or more when another process takes a
        # core; a window is cut short after RUN_SECONDS so the bench still ends.
        if done >= 5 and time.perf_counter() - start > RUN_SECONDS:
            break
    return done / (time.perf_counter() - start)


def openblas():
    """The OpenBLAS this process runs, or None: torch reaches BLAS through the
    libblas.so.3 alternative, so the library is found among the loaded ones, and
    asked which kernels it actually chose (what OPENBLAS_VERBOSE=2 prints)."""
    torch.ones(4, 4) @ torch.ones(4, 4)  # make sure BLAS is loaded and initialised
    with open("/proc/self/maps") as maps:
        paths = sorted({line.split()[-1] for line in maps if "openblas" in line and ".so" in line})
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            return lib, {
                "core": lib.openblas_get_corename().decode(),
                "config": lib.openblas_get_config().decode(),
                "library": path,
            }
        except (OSError, AttributeError):
            continue
    return None, None


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    names = sys.argv[2].split(",") if len(sys.argv) > 2 else ["W1", "W2", "W3", "W4"]
    windows = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    counts = [int(t) for t in sys.argv[4].split(",")] if len(sys.argv) > 4 else [1, 2]
    lib, blas = openblas()
    if names == ["probe"]:
        print(json.dumps({"torch": torch.__version__, "blas": blas}))
        return

    def set_threads(count):
        # ATen's own parallel loops follow torch.set_num_threads; OpenBLAS's pthread pool
        # does not (PyTorch sets MKL's count, not OpenBLAS's), so it is told directly.
        torch.set_num_threads(count)
        if lib is not None:
            lib.openblas_set_num_threads(count)

    torch.manual_seed(1)
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
        rates = {count: ([], []) for count in counts}
        for window in range(windows):
            # Thread counts and modes take turns within each window, in an order that flips
            # every window, so a burst of load from other processes hits them all alike.
            order = counts if window % 2 == 0 else counts[::-1]
            for count in order:
                set_threads(count)
                for telemetry_on in ((False, True) if window % 2 == 0 else (True, False)):
                    rates[count][telemetry_on].append(run(make(), x, y, batch, steps, telemetry_on))
        results.append({
            "name": name,
            "byThreads": [
                {"threads": count, "plain": rates[count][0], "telemetry": rates[count][1]}
                for count in counts
            ],
        })
    print(json.dumps({"torch": torch.__version__, "blas": blas, "workloads": results}))


if __name__ == "__main__":
    main()
