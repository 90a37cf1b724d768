"""Several processes for one run (torchrun): who is who, how the ranks agree, and how they are started.

Rank 0 is the run's voice: it takes the device's turn and writes the run folder. The other ranks follow its
decisions through broadcasts, so every rank starts and stops at the same step (a rank that stopped alone would
hang the others in their next all-reduce).
"""

from __future__ import annotations

import os
import sys

import torch


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def rank() -> int:
    return int(os.environ.get("RANK", "0"))


def local_rank() -> int:
    return int(os.environ.get("LOCAL_RANK", "0"))


def is_main() -> bool:
    return rank() == 0


def join() -> None:
    """Join the process group now, before the queue, so the ranks can wait for rank 0's turn together
    (accelerate reuses the group). Without a backend named, torch makes gloo for CPU tensors and nccl for GPUs."""
    import torch.distributed as dist

    if world_size() > 1 and not dist.is_initialized():
        if torch.cuda.is_available():
            torch.cuda.set_device(local_rank())
        dist.init_process_group()


def leave() -> None:
    """Leave the process group before the process exits: a rank whose group is torn down at interpreter exit
    (its gloo threads still running) can abort with "terminate called without an active exception"."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def agree(value):
    """Rank 0's value, on every rank; what the other ranks pass is ignored. A no-op in a single process."""
    if world_size() == 1:
        return value
    import torch.distributed as dist

    box = [value]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def gpu_count() -> int:
    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def cpu_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def usable_processes() -> int:
    """How many processes one run can use well here: one per GPU, or one per CPU core."""
    return gpu_count() or cpu_cores()


def worker_command(run_dir, resume: bool, processes: int) -> list[str]:
    """The worker's command line: a plain process, or torchrun starting `processes` of them on this machine
    (--standalone: a free port and a local rendezvous, so two runs never collide)."""
    worker = ["-m", "lab.train", "--run-dir", str(run_dir)] + (["--resume"] if resume else [])
    if processes == 1:
        return [sys.executable, *worker]
    return [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={processes}", *worker]
