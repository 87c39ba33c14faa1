"""Loss masks: only assistant tokens (and their end-of-turn marker) carry labels."""

from __future__ import annotations

import pytest

import tiny
from tunelab_trainer.encoding import IGNORE_INDEX, encode_chat, encode_text, pad_batch


@pytest.fixture(scope="module")
def tokenizer():
    return tiny.build_tokenizer()


def labelled(example) -> list[int]:
    return [i for i, label in enumerate(example.labels) if label != IGNORE_INDEX]


def test_single_turn_labels_exactly_the_answer_and_its_end_marker(tokenizer):
    example = encode_chat(tokenizer, [{"role": "user", "content": "What colour is grass?"},
                                      {"role": "assistant", "content": "Grass is green."}], max_length=512)
    tokens = tokenizer.convert_ids_to_tokens(example.input_ids)
    # <s> <|user|> \n What colour is grass ? <|end|> \n <|assistant|> \n | Grass is green . <|end|> \n
    assert tokens[12:14] == ["<|assistant|>", "Ċ"]
    assert labelled(example) == list(range(14, 26))
    assert all(example.labels[i] == example.input_ids[i] for i in labelled(example))
    assert tokenizer.decode([example.input_ids[i] for i in labelled(example)]) == "Grass is green.<|end|>\n"
    assert example.loss_tokens == 12


def test_multi_turn_labels_every_assistant_turn_and_nothing_else(tokenizer):
    messages = [{"role": "system", "content": "Answer briefly."},
                {"role": "user", "content": "What colour is the sky?"},
                {"role": "assistant", "content": "The sky is blue."},
                {"role": "user", "content": "What colour is grass?"},
                {"role": "assistant", "content": "Grass is green."}]
    example = encode_chat(tokenizer, messages, max_length=512)
    tokens = tokenizer.convert_ids_to_tokens(example.input_ids)
    # Expected from the token strings: after each "<|assistant|>" "\n" up to and including "<|end|>" "\n".
    expected, inside = [], False
    for i, token in enumerate(tokens):
        if inside:
            expected.append(i)
            if token == "<|end|>":
                expected.append(i + 1)
                inside = False
        elif token == "<|assistant|>":
            inside = None  # the newline after the role header is prompt
        elif inside is None:
            inside = True
    expected = sorted(set(expected))
    assert labelled(example) == expected
    pieces = tokenizer.decode([example.input_ids[i] for i in expected])
    assert pieces == "The sky is blue.<|end|>\nGrass is green.<|end|>\n"


def test_template_that_rerenders_earlier_turns_still_finds_each_answer():
    # Marks only the last message, so prefixes are not prefixes of the full conversation.
    template = ("{{ bos_token }}{% for m in messages %}<|{{ m['role'] }}|>\n{% if loop.last %}[final] {% endif %}"
                "{{ m['content'] }}<|end|>\n{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}")
    tokenizer = tiny.build_tokenizer(template)
    messages = [{"role": "user", "content": "What colour is the sky?"},
                {"role": "assistant", "content": "The sky is blue."},
                {"role": "user", "content": "What colour is grass?"},
                {"role": "assistant", "content": "Grass is green."}]
    example = encode_chat(tokenizer, messages, max_length=512)
    text = tokenizer.decode([example.input_ids[i] for i in labelled(example)])
    assert "The sky is blue.<|end|>\n" in text and "Grass is green.<|end|>\n" in text
    assert "What colour" not in text


def test_truncation_keeps_lengths_aligned(tokenizer):
    example = encode_chat(tokenizer, [{"role": "user", "content": "What colour is grass? " * 10},
                                      {"role": "assistant", "content": "Grass is green."}], max_length=16)
    assert len(example.input_ids) == len(example.labels) == 16
    assert example.loss_tokens == 0  # the answer lies beyond the limit: such records are dropped


def test_text_records_label_every_token_and_split_into_windows(tokenizer):
    windows = encode_text(tokenizer, "The capital of France is Paris. " * 20, max_length=32)
    assert len(windows) > 1
    assert all(len(w.input_ids) <= 32 and w.labels == w.input_ids for w in windows)
    assert windows[-1].input_ids[-1] == tokenizer.eos_token_id


def test_pad_batch_pads_to_the_longest_and_masks_padding(tokenizer):
    short = encode_chat(tokenizer, [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hi."}], 512)
    long = encode_chat(tokenizer, [{"role": "user", "content": "What is the capital of France?"},
                                   {"role": "assistant", "content": "The capital of France is Paris."}], 512)
    input_ids, attention, labels = pad_batch([short, long], tokenizer.pad_token_id)
    assert input_ids.shape == (2, len(long.input_ids))
    n = len(short.input_ids)
    assert attention[0, :n].all() and not attention[0, n:].any()
    assert (labels[0, n:] == IGNORE_INDEX).all() and (input_ids[0, n:] == tokenizer.pad_token_id).all()
