"""Data-parallel training across processes started by `torchrun` (one per GPU, or gloo on CPUs).

Every process holds the whole (small) set of trainable weights; after its micro-batches it sums
its gradients with the others' in one all-reduce over a flat buffer. The loss of a step is
normalised by the label count of the whole step, known to every process, so the summed
gradient equals the single-process one and the effective batch stays what the user set.
Only rank 0 writes events, checkpoints and the adapter.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class World:
    rank: int = 0
    size: int = 1
    local_rank: int = 0
    local_size: int = 1

    @property
    def main(self) -> bool:
        return self.rank == 0


def world_from_env() -> World:
    """The process's place in a torchrun launch (WORLD_SIZE, RANK, LOCAL_RANK); a single process otherwise."""
    size = int(os.environ.get("WORLD_SIZE", "1"))
    if size <= 1:
        return World()
    return World(rank=int(os.environ.get("RANK", "0")), size=size,
                 local_rank=int(os.environ.get("LOCAL_RANK", "0")),
                 local_size=int(os.environ.get("LOCAL_WORLD_SIZE", str(size))))


def init(world: World, device_type: str) -> None:
    if world.size <= 1:
        return
    import torch.distributed as dist

    if not dist.is_initialized():
        dist.init_process_group("nccl" if device_type == "cuda" else "gloo")


def shutdown(world: World) -> None:
    if world.size <= 1:
        return
    import torch.distributed as dist

    if dist.is_initialized():
        dist.destroy_process_group()


def sum_floats(world: World, values: list[float], device) -> list[float]:
    """Element-wise sum over processes (float64)."""
    if world.size <= 1:
        return list(values)
    import torch
    import torch.distributed as dist

    tensor = torch.tensor(values, dtype=torch.float64, device=device)
    dist.all_reduce(tensor)
    return tensor.tolist()


def any_true(world: World, flag: bool, device) -> bool:
    """True on every process when any process says so (a stop request reaches one process first)."""
    return sum_floats(world, [1.0 if flag else 0.0], device)[0] > 0


def sum_gradients(world: World, params) -> None:
    """Gradients summed over processes, in one all-reduce; a process that saw no example adds zeros."""
    if world.size <= 1:
        return
    import torch
    import torch.distributed as dist

    for p in params:
        if p.grad is None:
            p.grad = torch.zeros_like(p)
    flat = torch.cat([p.grad.reshape(-1).float() for p in params])
    dist.all_reduce(flat)
    at = 0
    for p in params:
        n = p.numel()
        p.grad.copy_(flat[at:at + n].view_as(p.grad))
        at += n
