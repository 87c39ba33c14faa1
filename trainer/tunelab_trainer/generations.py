"""Sample generations for a few eval prompts, shown next to the eval loss while training."""

from __future__ import annotations

from .encoding import IGNORE_INDEX, Example


def prompt_ids(example: Example) -> list[int]:
    """The tokens before the first labelled one (the conversation up to the answer); for text, its first half."""
    first = next((i for i, label in enumerate(example.labels) if label != IGNORE_INDEX), 0)
    if first > 0:
        return example.input_ids[:first]
    return example.input_ids[:max(1, min(32, len(example.input_ids) // 2))]


def sample_generations(model, tokenizer, examples: list[Example], count: int, max_new_tokens: int, device) -> list[dict]:
    """Greedy completions (deterministic, no RNG used) of the first `count` eval prompts: [{prompt, completion}]."""
    import torch

    if count <= 0 or not examples:
        return []
    was_training = model.training
    model.eval()
    out = []
    try:
        with torch.no_grad():
            for example in examples[:count]:
                ids = prompt_ids(example)
                input_ids = torch.tensor([ids], dtype=torch.long, device=device)
                generated = model.generate(input_ids=input_ids, attention_mask=torch.ones_like(input_ids),
                                           max_new_tokens=max_new_tokens, do_sample=False, use_cache=True,
                                           pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id)
                out.append({"prompt": tokenizer.decode(ids, skip_special_tokens=False),
                            "completion": tokenizer.decode(generated[0, len(ids):], skip_special_tokens=True)})
    finally:
        model.train(was_training)
    return out
