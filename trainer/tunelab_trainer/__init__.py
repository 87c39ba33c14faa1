"""Tunelab trainer: LoRA fine-tuning driven by a run folder.

Run `python -m tunelab_trainer {train,eval} --run-dir DIR` or `python -m tunelab_trainer doctor`.
The contract with the editor side is docs/architecture.md.
"""

__version__ = "0.1.0"
