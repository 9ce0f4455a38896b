"""One benchmark child for PyTorch: `python3 bench/pytorch_bench.py <W1|W2> <seconds>`.

The same workload as the engine (Linear+ReLU layers, cross-entropy from logits, Adam 1e-3, a
shuffled minibatch gathered every step, as DataLoader(shuffle=True) over in-memory tensors), on ONE
thread (torch.set_num_threads(1)). Prints one JSON line.
"""
import json
import resource
import sys
import time

import torch
import torch.nn.functional as F

WORKLOADS = {
    "W1": dict(inputs=64, hidden=[128, 128], classes=10, batch=32, train_rows=4096),
    "W2": dict(inputs=784, hidden=[256, 128], classes=10, batch=128, train_rows=2048),
}
INFERENCE_BATCH = 256


def synthetic(w, rows, seed):
    """Features in [-1, 1) and a fixed linear teacher's argmax, as bench/workloads.ts does (with
    torch's generator: dense kernels' speed does not depend on the values)."""
    g = torch.Generator().manual_seed(seed)
    teacher = torch.rand(w["classes"], w["inputs"], generator=g) * 2 - 1
    x = torch.rand(rows, w["inputs"], generator=g) * 2 - 1
    return x, (x @ teacher.T).argmax(dim=1)


def blas_library():
    """The BLAS shared object this process loaded (torch's GEMMs run in it), from /proc/self/maps."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.lower() or "mkl" in line.lower()}
        return ", ".join(sorted(p for p in paths if p.startswith("/"))) or "unknown"
    except OSError:
        return "unknown"


def median(values):
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def medians(rates):
    return {"wall": median([r["wall"] for r in rates]), "cpu": median([r["cpu"] for r in rates])}


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "W1"
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    w = WORKLOADS[name]
    torch.set_num_threads(1)
    torch.manual_seed(1)
    sizes = [w["inputs"], *w["hidden"], w["classes"]]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = synthetic(w, w["train_rows"], 7)
    batch = w["batch"]
    batches = w["train_rows"] // batch
    state = {"order": None, "next": batches}

    def block(steps):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(steps):
            if state["next"] == batches:
                state["order"], state["next"] = torch.randperm(w["train_rows"]), 0
            b = state["next"]
            state["next"] += 1
            idx = state["order"][b * batch:(b + 1) * batch]
            xb, yb = x[idx], y[idx]
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
        return {"wall": steps * batch / (time.perf_counter() - t0), "cpu": steps * batch / max(1e-6, time.process_time() - c0)}

    block(3)
    steps_per_block = max(2, round(seconds / 6 * block(3)["wall"] / batch))
    rates = []
    until = time.perf_counter() + seconds
    while time.perf_counter() < until or len(rates) < 3:
        rates.append(block(steps_per_block))

    xi, _ = synthetic(w, INFERENCE_BATCH, 5)
    model.eval()
    infer = []
    with torch.no_grad():
        for _ in range(3):
            model(xi)
        until = time.perf_counter() + seconds / 2
        while time.perf_counter() < until or len(infer) < 5:
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(20):
                model(xi)
            infer.append({"wall": 20 * INFERENCE_BATCH / (time.perf_counter() - t0), "cpu": 20 * INFERENCE_BATCH / max(1e-6, time.process_time() - c0)})
    print(json.dumps({
        "impl": "pytorch", "workload": name, "torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_library(),
        "train": medians(rates), "blocks": len(rates), "infer": medians(infer),
        "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }))


if __name__ == "__main__":
    main()
