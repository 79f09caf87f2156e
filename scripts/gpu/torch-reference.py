#!/usr/bin/env python3
"""Reference measurements of the zoo's models with the machine's own PyTorch on CUDA (the GPU kit's `reference` stage).

    python3 torch-reference.py --out FILE [--budget-s N] [--models a,b,...] [--batches 1,8] [--replicas 1,2,4,8]
    python3 torch-reference.py --self-check     # no GPU needed: the output's structure from synthetic numbers

Sections, in this order (the file is rewritten after each, so a run stopped at its cap keeps what it finished):
  device     name, memory, SMs, versions; contextBytes: device memory the CUDA context takes before any tensor;
  links      host-to-device and device-to-host copies of 768 KiB, 4, 64 and 512 MiB, pageable and pinned host
             memory, median of 10 each;
  launch     eagerOpUs: host cost of one eager op (2000 tiny adds in a row); perKernelInGraphUs: one tiny kernel
             inside a CUDA graph of 64, replayed;
  models     per model and batch (1 and 8): weightBytes, uploadPageableMs (model.to('cuda') from pageable memory,
             one copy per tensor), residentBytes, activationPeakBytes (max_memory_allocated during one forward less
             what was allocated before it), eager and graph (one CUDA graph replayed) latency: median, p95 and min of
             30 runs after 5 warm-ups, timed with CUDA events;
  pairs      each model's batch-1 graph replayed on one stream while the next model of the list replays without
             pause on a second stream; slowdown = beside / alone - 1; pairsBeta = sum(beside - alone) / sum(alone);
  replicas   K copies of one model's batch-1 graph, each on its own stream, 20 replays each, all at once:
             wall time, time per replay of one replica, replays per second, and speedup over K = 1.
Regime: FP32 with TF32 off, cudnn.benchmark off, random weights, inference_mode; torchvision and transformers
definitions equal to the zoo's (Inception-v3 without its auxiliary classifier; BERT-base at sequence 128).
Exit status: 0 done; 1 a measurement failed; 3 it cannot run here (no PyTorch, or no CUDA device), said in one
line on stderr; 2 bad arguments.
One file on purpose (over 400 lines): it travels alone in the kit and runs under the lent machine's python3.
"""
import argparse
import json
import os
import statistics
import sys
import time

MODELS = ["resnet50", "vgg16", "mobilenetv2", "densenet121", "inceptionv3", "bert-base"]
LINK_SIZES = [768 * 1024, 4 * 2**20, 64 * 2**20, 512 * 2**20]
WARMUP = 5
RUNS = 30
LINK_RUNS = 10
REPLICA_RUNS = 20

FIELDS = {
    "links": "median of 10 copies per size; pageable = plain host tensor, pinned = page-locked host tensor; GBps = bytes / time",
    "launch.eagerOpUs": "host time per eager PyTorch op (a tiny add), 2000 in a row",
    "launch.perKernelInGraphUs": "device+launch time per tiny kernel inside one CUDA graph of 64 kernels",
    "models.weightBytes": "parameters + buffers",
    "models.uploadPageableMs": "model.to(cuda) from pageable host memory, one copy per tensor",
    "models.activationPeakBytes": "torch.cuda.max_memory_allocated during one forward, minus memory allocated before it (weights and input)",
    "models.eager": "eager PyTorch forward (host launches every kernel)",
    "models.graph": "the same forward captured as one CUDA graph and replayed (device time, no per-kernel host cost)",
    "pairs": "model graph replayed on one stream while the next model of the list replays continuously on a second stream; slowdown = beside / alone - 1",
    "replicas": "k copies of one model's batch-1 graph, each on its own stream, 20 replays each at once; perReplayMs = wallMs / 20; speedup = k x (one replica's wallMs) / wallMs",
}


class Refused(Exception):
    """It cannot run here (exit 3)."""


# ---- assembling the output (pure: no torch) -------------------------------------------------------------------

def stats(times_ms):
    xs = sorted(times_ms)
    p95 = xs[min(len(xs) - 1, max(0, int(round(0.95 * (len(xs) - 1)))))]
    return {"medianMs": round(statistics.median(xs), 4), "p95Ms": round(p95, 4), "minMs": round(xs[0], 4), "n": len(xs)}


def gbps(nbytes, ms):
    return round(nbytes / (ms / 1000) / 1e9, 2) if ms > 0 else None


def link_entry(nbytes, h2d_pageable, h2d_pinned, d2h_pageable, d2h_pinned):
    return {
        "bytes": nbytes,
        "h2dPageableMs": h2d_pageable, "h2dPinnedMs": h2d_pinned, "d2hPageableMs": d2h_pageable, "d2hPinnedMs": d2h_pinned,
        "h2dPageableGBps": gbps(nbytes, h2d_pageable), "h2dPinnedGBps": gbps(nbytes, h2d_pinned),
        "d2hPageableGBps": gbps(nbytes, d2h_pageable), "d2hPinnedGBps": gbps(nbytes, d2h_pinned),
    }


def launch_entry(eager_op_us, graph_of_64_us):
    return {"eagerOpUs": round(eager_op_us, 3), "graphReplayOf64TinyKernelsUs": round(graph_of_64_us, 3),
            "perKernelInGraphUs": round(graph_of_64_us / 64, 4)}


def model_entry(model, batch, params, weight_bytes, resident_bytes, upload_ms, activation_peak, eager_ms, graph_ms):
    return {
        "model": model, "batch": batch, "params": params, "weightBytes": weight_bytes, "residentBytes": resident_bytes,
        "uploadPageableMs": round(upload_ms, 3), "uploadGBps": gbps(weight_bytes, upload_ms),
        "activationPeakBytes": activation_peak, "eager": stats(eager_ms), "graph": stats(graph_ms),
    }


def pair_entry(model, beside, alone_ms, beside_ms):
    return {"model": model, "beside": beside, "aloneMs": round(alone_ms, 4), "besideMs": round(beside_ms, 4),
            "slowdown": round(beside_ms / alone_ms - 1, 4)}


def pairs_beta(pairs):
    alone = sum(p["aloneMs"] for p in pairs)
    return round(sum(p["besideMs"] - p["aloneMs"] for p in pairs) / alone, 4) if alone > 0 else None


def replica_entry(model, k, wall_ms, wall_one_ms):
    return {"model": model, "batch": 1, "k": k, "runsEach": REPLICA_RUNS, "wallMs": round(wall_ms, 3),
            "perReplayMs": round(wall_ms / REPLICA_RUNS, 4), "replaysPerS": round(k * REPLICA_RUNS / (wall_ms / 1000), 1),
            "speedup": round(k * wall_one_ms / wall_ms, 3)}


def regime(versions):
    return (f"PyTorch {versions['torch']} + CUDA {versions['cuda']} + cuDNN {versions['cudnn']} on one {versions['name']} "
            f"(driver {versions['driver']}), FP32 with TF32 off, cudnn.benchmark off, random weights, inference_mode; "
            f"times from CUDA events, medians of {RUNS} runs after {WARMUP} warm-ups")


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def write(out, doc):
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(tmp, out)


def self_check():
    """The output's structure from synthetic numbers (clearly marked: nothing here is a measurement)."""
    versions = {"torch": "x", "cuda": "x", "cudnn": 0, "name": "no device", "driver": "x"}
    pairs = [pair_entry("resnet50", "vgg16", 2.0, 3.0), pair_entry("vgg16", "resnet50", 2.0, 2.5)]
    return {
        "selfCheck": "synthetic numbers from --self-check: the structure of the output, not a measurement",
        "started": now_iso(),
        "device": {"name": "no device", "totalBytes": 1, "sms": 1, "torch": "x", "cuda": "x", "cudnn": 0,
                   "freeAfterContextBytes": 1, "contextBytes": 0},
        "links": [link_entry(n, 1.0, 0.5, 1.0, 0.5) for n in LINK_SIZES],
        "launch": launch_entry(10.0, 50.0),
        "models": [model_entry(m, b, 1, 4, 4, 1.0, 1, [1.0, 2.0, 3.0], [1.0, 1.5]) for b in (1, 8) for m in MODELS],
        "pairs": pairs,
        "pairsBeta": pairs_beta(pairs),
        "replicas": [replica_entry("resnet50", k, 40.0 * k ** 0.5, 40.0) for k in (1, 2, 4, 8)],
        "ended": now_iso(),
        "regime": regime(versions),
        "fields": FIELDS,
    }


# ---- measuring (torch and CUDA) -------------------------------------------------------------------------------

def load_torch():
    try:
        import torch  # noqa: PLC0415
    except Exception as error:  # noqa: BLE001
        raise Refused(f"no PyTorch here ({type(error).__name__}: {error})") from None
    if not torch.cuda.is_available():
        raise Refused(f"no CUDA device here (torch {torch.__version__}, torch.cuda.is_available() is False)")
    return torch


def build_model(torch, name):
    if name == "bert-base":
        from transformers import BertConfig, BertModel  # noqa: PLC0415
        return BertModel(BertConfig()).eval()
    import torchvision.models as tv  # noqa: PLC0415
    if name == "resnet50":
        return tv.resnet50(weights=None).eval()
    if name == "vgg16":
        return tv.vgg16(weights=None).eval()
    if name == "mobilenetv2":
        return tv.mobilenet_v2(weights=None).eval()
    if name == "densenet121":
        return tv.densenet121(weights=None).eval()
    if name == "inceptionv3":
        return tv.inception_v3(weights=None, aux_logits=False, init_weights=False).eval()
    raise ValueError(f"unknown model '{name}' (known: {', '.join(MODELS)})")


def make_input(torch, name, batch):
    if name == "bert-base":
        return torch.randint(0, 30522, (batch, 128), device="cuda")
    side = 299 if name == "inceptionv3" else 224
    return torch.randn(batch, 3, side, side, device="cuda")


def timed(torch, fn, runs, warmup=WARMUP, stream=None):
    """CUDA-event times of `runs` calls after `warmup`, in ms. With a stream, only that stream is waited for (work
    queued on other streams keeps running)."""
    for _ in range(warmup):
        fn()
    if stream is None:
        torch.cuda.synchronize()
    else:
        stream.synchronize()
    times = []
    for _ in range(runs):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record(stream)
        fn()
        end.record(stream)
        end.synchronize()
        times.append(start.elapsed_time(end))
    return times


def capture(torch, fn):
    """fn captured as one CUDA graph (warmed up on a side stream first, as PyTorch asks)."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(3):
            fn()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        fn()
    torch.cuda.synchronize()
    return graph


def measure_device(torch):
    torch.cuda.init()
    torch.zeros(1, device="cuda")
    torch.cuda.synchronize()
    free, total = torch.cuda.mem_get_info()
    props = torch.cuda.get_device_properties(0)
    return {"name": props.name, "totalBytes": total, "sms": props.multi_processor_count, "torch": torch.__version__,
            "cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version(),
            "freeAfterContextBytes": free, "contextBytes": total - free - torch.cuda.memory_reserved()}


def measure_links(torch):
    out = []
    for n in LINK_SIZES:
        pageable = torch.empty(n, dtype=torch.uint8).fill_(1)
        pinned = torch.empty(n, dtype=torch.uint8, pin_memory=True).fill_(1)
        dev = torch.empty(n, dtype=torch.uint8, device="cuda")
        med = lambda fn: statistics.median(timed(torch, fn, LINK_RUNS, warmup=2))  # noqa: E731
        out.append(link_entry(n, med(lambda: dev.copy_(pageable)), med(lambda: dev.copy_(pinned, non_blocking=True)),
                              med(lambda: pageable.copy_(dev)), med(lambda: pinned.copy_(dev, non_blocking=True))))
        del pageable, pinned, dev
        torch.cuda.empty_cache()
    return out


def measure_launch(torch):
    x = torch.zeros(1, device="cuda")
    for _ in range(100):
        x.add_(1)
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(2000):
        x.add_(1)
    eager_us = (time.perf_counter() - t0) / 2000 * 1e6
    torch.cuda.synchronize()
    graph = capture(torch, lambda: [x.add_(1) for _ in range(64)])
    replay_us = statistics.median(timed(torch, graph.replay, RUNS)) * 1000
    return launch_entry(eager_us, replay_us)


def measure_model(torch, name, batch, model):
    """One (model, batch) entry and its CUDA graph; the model is on the host when called, on the device afterwards."""
    weight_bytes = sum(t.numel() * t.element_size() for t in list(model.parameters()) + list(model.buffers()))
    params = sum(p.numel() for p in model.parameters())
    torch.cuda.synchronize()
    before = torch.cuda.memory_allocated()
    t0 = time.perf_counter()
    model.to("cuda")
    torch.cuda.synchronize()
    upload_ms = (time.perf_counter() - t0) * 1000
    resident = torch.cuda.memory_allocated() - before
    with torch.inference_mode():
        x = make_input(torch, name, batch)
        forward = lambda: model(x)  # noqa: E731
        forward()
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
        forward()
        torch.cuda.synchronize()
        peak = torch.cuda.max_memory_allocated() - base
        eager = timed(torch, forward, RUNS)
        graph = capture(torch, forward)
        replay = timed(torch, graph.replay, RUNS)
    return model_entry(name, batch, params, weight_bytes, resident, upload_ms, peak, eager, replay), graph


def measure_pairs(torch, graphs, alone):
    names = [m for m in MODELS if m in graphs]
    out = []
    for i, name in enumerate(names):
        other = names[(i + 1) % len(names)]
        a, b = torch.cuda.Stream(), torch.cuda.Stream()
        torch.cuda.synchronize()
        # Enough of the other's replays queued on stream b to outlast this model's warm-ups and runs on stream a.
        n_other = int((RUNS + WARMUP) * alone[name] / max(alone[other], 1e-3)) + 2 * WARMUP
        with torch.cuda.stream(b):
            for _ in range(n_other):
                graphs[other].replay()
        a.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(a):
            beside = timed(torch, graphs[name].replay, RUNS, stream=a)
        torch.cuda.synchronize()
        out.append(pair_entry(name, other, alone[name], statistics.median(beside)))
    return out


def measure_replicas(torch, name, model, ks):
    """K graphs of one model's batch-1 forward (weights shared), each replayed on its own stream at once."""
    out = []
    graphs = []
    with torch.inference_mode():
        for _ in range(max(ks)):
            x = make_input(torch, name, 1)
            graphs.append(capture(torch, lambda x=x: model(x)))
    wall_one = None
    for k in ks:
        streams = [torch.cuda.Stream() for _ in range(k)]
        torch.cuda.synchronize()
        start = torch.cuda.Event(enable_timing=True)
        start.record()
        ends = []
        for s, g in zip(streams, graphs[:k]):
            s.wait_event(start)
            with torch.cuda.stream(s):
                for _ in range(REPLICA_RUNS):
                    g.replay()
                end = torch.cuda.Event(enable_timing=True)
                end.record(s)
                ends.append(end)
        torch.cuda.synchronize()
        wall = max(start.elapsed_time(e) for e in ends)
        if wall_one is None:
            wall_one = wall
        out.append(replica_entry(name, k, wall, wall_one))
    return out


def measure(args):
    torch = load_torch()
    deadline = time.monotonic() + args.budget_s
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = False
    torch.manual_seed(0)
    doc = {"started": now_iso(), "device": measure_device(torch)}
    try:
        import subprocess  # noqa: PLC0415
        driver = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                                capture_output=True, text=True, timeout=10).stdout.strip().split("\n")[0]
    except Exception:  # noqa: BLE001
        driver = "unknown"
    doc["regime"] = regime({**doc["device"], "driver": driver or "unknown"})
    doc["fields"] = FIELDS
    write(args.out, doc)

    def enough(section):
        if time.monotonic() < deadline:
            return True
        doc["stopped"] = f"the budget of {args.budget_s} s was spent before {section}"
        return False

    def save():
        doc["ended"] = now_iso()
        write(args.out, doc)

    try:
        doc["links"] = measure_links(torch)
        save()
        doc["launch"] = measure_launch(torch)
        save()
        doc["models"] = []
        # Batch-1 models stay on the device with their graphs (pairs and replicas replay them); others are freed.
        graphs, alone, kept = {}, {}, {}
        for batch in args.batches:
            for name in args.models:
                if not enough(f"{name} at batch {batch}"):
                    break
                model = build_model(torch, name)
                entry, graph = measure_model(torch, name, batch, model)
                doc["models"].append(entry)
                if batch == 1:
                    graphs[name], alone[name], kept[name] = graph, entry["graph"]["medianMs"], model
                else:
                    del model, graph
                    torch.cuda.empty_cache()
                save()
            if "stopped" in doc:
                break
        if len(graphs) >= 2 and enough("pairs"):
            doc["pairs"] = measure_pairs(torch, graphs, alone)
            doc["pairsBeta"] = pairs_beta(doc["pairs"])
            save()
        doc["replicas"] = []
        for name in args.replica_models:
            if name in kept and enough(f"replicas of {name}"):
                doc["replicas"].extend(measure_replicas(torch, name, kept[name], args.replicas))
                save()
    finally:
        save()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out")
    parser.add_argument("--budget-s", type=float, default=600.0)
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--batches", default="1,8")
    parser.add_argument("--replicas", default="1,2,4,8")
    parser.add_argument("--replica-models", default="resnet50")
    parser.add_argument("--self-check", action="store_true")
    args = parser.parse_args()
    if args.self_check:
        json.dump(self_check(), sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    if not args.out:
        print("torch-reference.py: name the output file with --out FILE", file=sys.stderr)
        return 2
    try:
        args.models = [m for m in args.models.split(",") if m]
        unknown = [m for m in args.models if m not in MODELS]
        if unknown:
            print(f"torch-reference.py: --models: unknown {', '.join(unknown)} (known: {', '.join(MODELS)})", file=sys.stderr)
            return 2
        args.batches = [int(b) for b in args.batches.split(",") if b]
        args.replicas = [int(k) for k in args.replicas.split(",") if k]
        args.replica_models = [m for m in args.replica_models.split(",") if m in args.models]
    except ValueError as error:
        print(f"torch-reference.py: {error}", file=sys.stderr)
        return 2
    try:
        measure(args)
    except Refused as why:
        print(f"torch-reference.py: {why}", file=sys.stderr)
        return 3
    except Exception as error:  # noqa: BLE001
        print(f"torch-reference.py: a measurement failed: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
