"""Training in-process on the tiny model: the loss falls, and the saved adapter is the trained one."""

from __future__ import annotations

import io
import json
import os

import pytest
import torch

from conftest import json_lines
from tunelab_trainer.events import EventSink
from tunelab_trainer.train import Training


@pytest.fixture(scope="module")
def trained(tmp_path_factory, model_dir, train_file):
    import tiny
    from conftest import FAST

    run_dir = tiny.write_run(str(tmp_path_factory.mktemp("inproc")), **{
        **FAST, "model": model_dir, "train_file": train_file, "max_steps": 30, "save_every": 10})
    out = io.StringIO()
    training = Training(run_dir, EventSink(out))
    training.setup()
    done = training.run()
    return training, json_lines(out.getvalue()), done


def test_loss_falls_over_a_few_dozen_steps(trained):
    _, events, done = trained
    losses = [e["loss"] for e in events if e["type"] == "step"]
    assert len(losses) == 30
    assert sum(losses[-5:]) / 5 < 0.6 * losses[0]
    assert done["status"] == "completed" and done["eval_loss"] < 0.7 * done["base_eval_loss"]


def test_steps_report_schedule_and_throughput(trained):
    _, events, _ = trained
    steps = [e for e in events if e["type"] == "step"]
    assert [e["step"] for e in steps] == list(range(1, 31))
    assert steps[0]["lr"] < steps[3]["lr"] and steps[-1]["lr"] < steps[3]["lr"]  # warmup, then cosine decay
    assert all(b["tokens"] > a["tokens"] for a, b in zip(steps, steps[1:]))
    assert all(e["tokens_per_s"] > 0 and e["grad_norm"] >= 0 for e in steps)
    assert [e["step"] for e in events if e["type"] == "checkpoint"] == [10, 20, 30]  # the last one at the end


def test_saved_adapter_gives_the_same_logits_as_the_trained_model(trained, model_dir):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    training, _, done = trained
    adapter = done["adapter_path"]
    assert sorted(f for f in os.listdir(adapter) if f.startswith("adapter_")) == [
        "adapter_config.json", "adapter_model.safetensors"]
    with open(os.path.join(adapter, "adapter_config.json")) as f:
        config = json.load(f)
    assert config["r"] == 8 and config["lora_alpha"] == 16 and config["base_model_name_or_path"] == model_dir

    reloaded = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32),
                                         adapter).eval()
    base = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    training.model.eval()
    ids = torch.tensor([training.train_examples[0].input_ids])
    with torch.no_grad():
        expected = training.model(input_ids=ids).logits
        got = reloaded(input_ids=ids).logits
        untouched = base(input_ids=ids).logits
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=0)
    assert (got - untouched).abs().max() > 1e-2  # the adapter really changes the model


def test_checkpoint_holds_adapter_and_trainer_state(trained):
    training, _, _ = trained
    folder = os.path.join(training.run_dir, "checkpoints", "step-10")
    assert os.path.isfile(os.path.join(folder, "adapter_model.safetensors"))
    state = torch.load(os.path.join(folder, "trainer_state.pt"), weights_only=False)
    assert state["step"] == 10 and state["optimizer"]["state"]


def test_metrics_file_matches_the_done_event(trained):
    training, _, done = trained
    with open(os.path.join(training.run_dir, "eval", "metrics.json")) as f:
        metrics = json.load(f)
    assert metrics["base"]["eval_loss"] == done["base_eval_loss"]
    assert metrics["tuned"]["eval_loss"] == done["eval_loss"]
    assert metrics["tuned"]["perplexity"] == pytest.approx(2.718281828 ** done["eval_loss"])
    assert metrics["eval_records"] == 5 and metrics["eval_tokens"] > 0
    assert metrics["definitions"]["eval_loss"] == "mean token NLL over assistant tokens"


def test_unloadable_weights_become_a_config_error(tmp_path, model_dir):
    import shutil

    from tunelab_trainer.errors import TrainerError
    from tunelab_trainer.modeling import load_model

    broken = tmp_path / "broken"
    shutil.copytree(model_dir, broken)
    (broken / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(TrainerError) as info:
        load_model(str(broken), False, torch.float32, torch.device("cpu"))
    assert info.value.kind == "config" and info.value.message.startswith(f"Could not load the model from {broken}")


def test_gradient_checkpointing_gives_the_same_step(make_run):
    def steps(checkpointing: bool) -> list[dict]:
        out = io.StringIO()
        training = Training(make_run(max_steps=2, gradient_checkpointing=checkpointing, eval_fraction=0), EventSink(out))
        training.setup()
        training.run()
        return [e for e in json_lines(out.getvalue()) if e["type"] == "step"]

    plain, checkpointed = steps(False), steps(True)
    assert len(plain) == len(checkpointed) == 2
    for a, b in zip(plain, checkpointed):
        assert a["loss"] == pytest.approx(b["loss"], abs=1e-5)
        assert a["grad_norm"] == pytest.approx(b["grad_norm"], rel=1e-4)


def test_text_records_train_as_continued_pretraining(make_run, tmp_path):
    import tiny

    texts = tiny.write_jsonl(str(tmp_path / "texts.jsonl"),
                             [{"text": f"{q} {a}"} for q, a in tiny.FACTS] * 3)
    out = io.StringIO()
    training = Training(make_run(train_file=texts, max_steps=3), EventSink(out))
    training.setup()
    done = training.run()
    events = json_lines(out.getvalue())
    assert events[0]["type"] == "start" and events[0]["task"] == "cpt"
    # Every token of a text record carries a label.
    assert all(e.labels == e.input_ids for e in training.train_examples)
    assert done["status"] == "completed" and done["eval_loss"] is not None
    with open(os.path.join(training.run_dir, "eval", "metrics.json")) as f:
        assert json.load(f)["definitions"]["eval_loss"] == "mean token NLL over text tokens"
