"""PyTorch side of the schedules, accumulation and time-to-accuracy sections
(bench/sections/schedules.mjs, accumulation.mjs, time-to-accuracy.mjs). Protocol:
bench/peer_protocol.py. The models and the MNIST loading come from bench/torch_peer.py
(the epoch harness of bench/peers.mjs), so both harnesses train the same layers.

Commands:
  {"cmd": "schedule", "kind": "cosine"|"warmupCosine"|"oneCycle", "optimizer": "adam"|"sgd",
   "steps": N}                           -> ms for N scheduler.step() calls (one fresh scheduler)
  {"cmd": "accumulate", "mode": "plain"|"accumulated"|"lowerBound", "k": 4, "micro": 32, "updates": U,
   "seed": S, "profileMemory": bool}     -> ms for U updates; peak bytes of one update
  {"cmd": "mnist", "data": {...paths}}   load MNIST (the files bench/peers.mjs caches)
  {"cmd": "ttaInit", "layers": [...], "seed": S, "lr": 1e-3}
  {"cmd": "ttaEpoch", "permutation": path, "batch": 128, "steps": K or null, "testLimit": T}
                                         -> seconds of training, test accuracy after it
"""

import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import torch_peer
from peer_protocol import base_info, clock, serve, since

warnings.filterwarnings("ignore")  # lr_scheduler.step() before optimizer.step(): intended here
STATE = {}


def hello(threads):
    torch.set_num_threads(threads)
    info = base_info(threads)
    info["torch"] = torch.__version__
    info["torchThreads"] = torch.get_num_threads()
    info["mkldnn"] = bool(torch.backends.mkldnn.is_available())
    try:
        info["tensorboard"] = _tensorboard_available()
    except Exception as error:  # noqa: BLE001 - reported, not raised
        info["tensorboard"] = repr(error)
    return info


def _tensorboard_available():
    import torch.utils.tensorboard  # noqa: F401 - needs the `tensorboard` package

    return True


def mlp():
    """The trainer's MLP 784-256-128-10 (Glorot-uniform kernels, zero biases, as tfjs)."""
    layers = [
        {"type": "input", "shape": [784]},
        {"type": "dense", "units": 256, "inFeatures": 784, "activation": "relu"},
        {"type": "dense", "units": 128, "inFeatures": 256, "activation": "relu"},
        {"type": "dense", "units": 10, "inFeatures": 128, "activation": "linear"},
    ]
    return torch_peer.build(layers)


def schedule(cmd):
    from torch.optim import lr_scheduler

    torch.manual_seed(0)
    model = mlp()
    if cmd["optimizer"] == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=0.1, eps=1e-7)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    steps = cmd["steps"]
    kind = cmd["kind"]
    if kind == "cosine":
        scheduler = lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    elif kind == "warmupCosine":
        warm = steps // 20
        scheduler = lr_scheduler.SequentialLR(
            optimizer,
            [
                lr_scheduler.LinearLR(optimizer, start_factor=1e-3, end_factor=1.0, total_iters=warm),
                lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps - warm, eta_min=1e-3),
            ],
            milestones=[warm],
        )
    elif kind == "oneCycle":
        scheduler = lr_scheduler.OneCycleLR(
            optimizer, max_lr=0.1, total_steps=steps + 1, cycle_momentum=False
        )
    else:
        raise ValueError("unknown schedule " + kind)
    start = clock()
    for _ in range(steps):
        scheduler.step()
    result = since(start)
    result["lastLr"] = optimizer.param_groups[0]["lr"]
    return result


def _peak_bytes(fn):
    """Peak of the running sum of the profiler's per-op allocation deltas during fn()."""
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        fn()
    events = sorted(prof.events(), key=lambda e: e.time_range.start)
    current = peak = 0
    for event in events:
        current += event.self_cpu_memory_usage
        peak = max(peak, current)
    return peak


def accumulate(cmd):
    key = ("acc", cmd["mode"], cmd["seed"])
    k, micro, updates = cmd["k"], cmd["micro"], cmd["updates"]
    batch = k * micro
    if key not in STATE:
        torch.manual_seed(cmd["seed"])
        model = mlp()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        generator = torch.Generator().manual_seed(cmd["seed"])
        x = torch.rand(updates * batch, 784, generator=generator)
        y = torch.randint(0, 10, (updates * batch,), generator=generator)
        STATE[key] = (model, optimizer, x, y)
    model, optimizer, x, y = STATE[key]

    def one_update(u):
        base = u * batch
        optimizer.zero_grad(set_to_none=True)
        if cmd["mode"] == "plain":
            loss = F.cross_entropy(model(x[base : base + batch]), y[base : base + batch])
            loss.backward()
            loss.item()
        elif cmd["mode"] == "accumulated":
            for m in range(k):
                lo = base + m * micro
                loss = F.cross_entropy(model(x[lo : lo + micro]), y[lo : lo + micro]) / k
                loss.backward()
                loss.item()
        else:  # lowerBound: k gradient computations, the last one's update, no accumulation
            for m in range(k):
                lo = base + m * micro
                optimizer.zero_grad(set_to_none=True)
                loss = F.cross_entropy(model(x[lo : lo + micro]), y[lo : lo + micro])
                loss.backward()
                loss.item()
        optimizer.step()

    one_update(0)  # warm: Adam state exists before timing
    start = clock()
    for u in range(updates):
        one_update(u)
    result = since(start)
    result["samples"] = updates * batch
    if cmd.get("profileMemory"):
        result["peakBytes"] = _peak_bytes(lambda: one_update(0))
    return result


def mnist(cmd):
    torch_peer.load(cmd["data"])
    return {"train": int(torch_peer.DATA["train"][0].shape[0]), "test": int(torch_peer.DATA["test"][0].shape[0])}


def tta_init(cmd):
    torch.manual_seed(cmd["seed"])
    model = torch_peer.build(cmd["layers"])
    optimizer = torch.optim.Adam(model.parameters(), lr=cmd["lr"], eps=1e-7)
    STATE.clear()
    STATE["tta"] = (cmd["layers"], model, optimizer)
    return None


def tta_epoch(cmd):
    layers, model, optimizer = STATE["tta"]
    images, labels = torch_peer.DATA["train"]
    permutation = torch.from_numpy(np.fromfile(cmd["permutation"], dtype=np.int32).astype(np.int64))
    batch = cmd["batch"]
    steps = (permutation.shape[0] + batch - 1) // batch
    if cmd.get("steps") is not None:
        steps = min(steps, cmd["steps"])
    model.train()
    start = clock()
    loss_value = float("nan")
    for step in range(steps):
        index = permutation[step * batch : (step + 1) * batch]
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(torch_peer.input_view(layers, images[index])), labels[index])
        loss.backward()
        optimizer.step()
        loss_value = loss.item()
    timing = since(start)
    accuracy = torch_peer.evaluate(model, layers, cmd.get("testLimit"))
    return {
        "seconds": timing["ms"] / 1000,
        "cpuSeconds": timing["cpuMs"] / 1000,
        "steps": steps,
        "lastLoss": loss_value,
        "testAccuracy": accuracy,
    }


if __name__ == "__main__":
    serve(
        {
            "schedule": schedule,
            "accumulate": accumulate,
            "mnist": mnist,
            "ttaInit": tta_init,
            "ttaEpoch": tta_epoch,
        },
        hello,
    )
