"""PyTorch side of the peer harness (bench/peers.mjs starts one worker per thread count).

The worker reads one JSON command per line on stdin and answers one JSON line on stdout.
It trains the same architectures as the tfjs side: the model arrives as a layer list
(built by peers.mjs from the trainer's tfjs model), so a change to the trainer's model is
picked up by both frameworks. Initialization mirrors tfjs-layers (Glorot uniform kernels,
zero biases); Adam(lr, betas 0.9/0.999, eps 1e-7 as tfjs' default epsilon); softmax
cross-entropy from logits, mean over the batch.

Commands:
  {"cmd": "init", "data": {...paths}, "threads": N}  -> versions, BLAS, thread settings
  {"cmd": "epoch", "layers": [...], "batch": B, "lr": 1e-3, "seed": S,
   "permutation": path, "steps": K or null, "testLimit": T or null}
                                                     -> seconds, steps, loss, test accuracy
  {"cmd": "steps", "layers": [...], "batch": B, "warmup": W, "steps": K, "seed": S}
                                                     -> ms per step of K steps after W
  {"cmd": "exit"}

Thread and allocator settings come from the environment set by peers.mjs
(OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, OMP_WAIT_POLICY, MALLOC_*); init reports them.
"""

import json
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = {}


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def loaded_blas():
    """Shared libraries with BLAS/LAPACK/OpenMP/oneDNN in their names, from /proc/self/maps."""
    libs = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                name = os.path.basename(path)
                if any(key in name for key in ("blas", "lapack", "gomp", "dnnl", "mkl")):
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(libs)


def load(data):
    def raw(path, dtype):
        return np.fromfile(path, dtype=dtype)

    for split in ("train", "test"):
        images = raw(data[split + "Images"], np.float32).reshape(-1, 784)
        labels = raw(data[split + "Labels"], np.int32).astype(np.int64)
        DATA[split] = (torch.from_numpy(images), torch.from_numpy(labels))


class Flatten(nn.Module):
    """tfjs flattens NHWC; torch holds NCHW. Permuting first keeps the dense layer's
    input order identical to tfjs (not needed for training, kept for exact parity)."""

    def forward(self, x):
        if x.dim() == 4:
            x = x.permute(0, 2, 3, 1)
        return x.reshape(x.shape[0], -1)


def glorot_(weight, fan_in, fan_out):
    limit = (6.0 / (fan_in + fan_out)) ** 0.5
    with torch.no_grad():
        weight.uniform_(-limit, limit)


def build(layers):
    """nn.Sequential from the layer list peers.mjs sends (tfjs layer configs, reduced)."""
    modules = []
    channels = None
    for layer in layers:
        kind = layer["type"]
        if kind == "input":
            channels = layer["shape"][-1] if len(layer["shape"]) == 3 else None
        elif kind == "dense":
            linear = nn.Linear(layer["inFeatures"], layer["units"])
            glorot_(linear.weight, layer["inFeatures"], layer["units"])
            nn.init.zeros_(linear.bias)
            modules.append(linear)
            if layer["activation"] == "relu":
                modules.append(nn.ReLU())
            elif layer["activation"] not in ("linear", None):
                raise ValueError("unsupported dense activation " + str(layer["activation"]))
        elif kind == "conv2d":
            kh, kw = layer["kernelSize"]
            if layer["strides"] != [1, 1]:
                raise ValueError("only stride 1 convolutions are mirrored")
            conv = nn.Conv2d(
                channels,
                layer["filters"],
                (kh, kw),
                padding=0 if layer["padding"] == "valid" else "same",
            )
            glorot_(conv.weight, kh * kw * channels, kh * kw * layer["filters"])
            nn.init.zeros_(conv.bias)
            modules.append(conv)
            channels = layer["filters"]
            if layer["activation"] == "relu":
                modules.append(nn.ReLU())
            elif layer["activation"] not in ("linear", None):
                raise ValueError("unsupported conv activation " + str(layer["activation"]))
        elif kind == "maxPooling2d":
            if layer["padding"] != "valid":
                raise ValueError("only 'valid' max pooling is mirrored")
            modules.append(nn.MaxPool2d(tuple(layer["poolSize"]), tuple(layer["strides"])))
        elif kind == "flatten":
            modules.append(Flatten())
        elif kind == "dropout":
            modules.append(nn.Dropout(layer["rate"]))
        else:
            raise ValueError("unsupported layer " + kind)
    return nn.Sequential(*modules)


def input_view(layers, x):
    shape = layers[0]["shape"]
    if len(shape) == 3:  # [h, w, c] in tfjs; NCHW here
        h, w, c = shape
        return x.view(-1, h, w, c).permute(0, 3, 1, 2).contiguous()
    return x


def evaluate(model, layers, limit):
    images, labels = DATA["test"]
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, images.shape[0], 1000):
            logits = model(input_view(layers, images[start : start + 1000]))
            correct += int((logits.argmax(1) == labels[start : start + 1000]).sum())
    model.train()
    return correct / images.shape[0]


def epoch(cmd):
    layers = cmd["layers"]
    torch.manual_seed(cmd["seed"])
    model = build(layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=cmd["lr"], eps=1e-7)
    images, labels = DATA["train"]
    permutation = torch.from_numpy(np.fromfile(cmd["permutation"], dtype=np.int32).astype(np.int64))
    batch = cmd["batch"]
    steps = (permutation.shape[0] + batch - 1) // batch
    if cmd.get("steps") is not None:
        steps = min(steps, cmd["steps"])
    model.train()
    loss_value = float("nan")
    cpu_start = time.process_time()
    start = time.perf_counter()
    for step in range(steps):
        index = permutation[step * batch : (step + 1) * batch]
        x = input_view(layers, images[index])
        y = labels[index]
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        loss_value = loss.item()
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    samples = min(permutation.shape[0], steps * batch)
    accuracy = evaluate(model, layers, cmd.get("testLimit"))
    return {
        "seconds": seconds,
        "cpuSeconds": cpu_seconds,
        "steps": steps,
        "samples": samples,
        "lastLoss": loss_value,
        "testAccuracy": accuracy,
    }


def steps(cmd):
    layers = cmd["layers"]
    torch.manual_seed(cmd["seed"])
    model = build(layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    images, labels = DATA["train"]
    batch = cmd["batch"]
    generator = torch.Generator().manual_seed(cmd["seed"])
    total = cmd["warmup"] + cmd["steps"]
    index = torch.randint(0, images.shape[0], (total, batch), generator=generator)
    start = 0.0
    cpu_start = 0.0
    for step in range(total):
        if step == cmd["warmup"]:
            start = time.perf_counter()
            cpu_start = time.process_time()
        x = input_view(layers, images[index[step]])
        y = labels[index[step]]
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        loss.item()
    return {
        "msPerStep": (time.perf_counter() - start) * 1000 / cmd["steps"],
        "cpuMsPerStep": (time.process_time() - cpu_start) * 1000 / cmd["steps"],
    }


def init(cmd):
    threads = cmd["threads"]
    torch.set_num_threads(threads)
    load(cmd["data"])
    env_keys = (
        "OPENBLAS_NUM_THREADS",
        "OMP_NUM_THREADS",
        "OMP_WAIT_POLICY",
        "MALLOC_MMAP_THRESHOLD_",
        "MALLOC_TRIM_THRESHOLD_",
        "LD_LIBRARY_PATH",
    )
    return {
        "python": platform.python_version(),
        "executable": sys.executable,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "torchThreads": torch.get_num_threads(),
        "interopThreads": torch.get_num_interop_threads(),
        "mkldnn": bool(torch.backends.mkldnn.is_available()),
        "cpuCapability": torch.backends.cpu.get_cpu_capability()
        if hasattr(torch.backends, "cpu")
        else None,
        "loadedLibraries": loaded_blas(),
        "env": {key: os.environ.get(key) for key in env_keys},
    }


def main():
    for line in sys.stdin:
        cmd = json.loads(line)
        try:
            if cmd["cmd"] == "init":
                reply({"ok": True, "result": init(cmd)})
            elif cmd["cmd"] == "epoch":
                reply({"ok": True, "result": epoch(cmd)})
            elif cmd["cmd"] == "steps":
                reply({"ok": True, "result": steps(cmd)})
            elif cmd["cmd"] == "exit":
                reply({"ok": True, "result": None})
                return
            else:
                reply({"ok": False, "error": "unknown command " + cmd["cmd"]})
        except Exception as error:  # reported to peers.mjs, which stops the run
            reply({"ok": False, "error": repr(error)})


if __name__ == "__main__":
    main()
