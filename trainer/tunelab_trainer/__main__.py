"""Command line: `python -m tunelab_trainer {train,eval} --run-dir DIR`, `doctor [--run-dir DIR]` or
`export --run-dir DIR [--merge] [--out DIR]`.

stdout carries only JSON lines (events; the doctor report); human logs go to stderr.
Exit codes: 0 success or stopped, 1 error (an `error` event was written), 2 usage, 130 cancelled.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import traceback

from . import events
from .errors import TrainerError, first_line

OOM_HINT = ("Lower micro_batch_size (keep effective_batch_size; accumulation makes up for it), set "
            "gradient_checkpointing to true, use method qlora (4-bit base weights), or shorten max_seq_length.")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tunelab_trainer", description="Tunelab LoRA trainer")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("train", "fine-tune as DIR/config.json says"),
                       ("eval", "score the base model and DIR/adapter on the eval split")):
        command = sub.add_parser(name, help=text)
        command.add_argument("--run-dir", required=True, help="run folder holding config.json")
        if name == "train":
            command.add_argument("--resume", action="store_true",
                                 help="continue from the run's latest checkpoint (reports changed settings)")
    doctor = sub.add_parser("doctor", help="print one JSON object describing the Python environment")
    doctor.add_argument("--run-dir", help="also estimate this run's GPU memory next to the GPUs found")
    export = sub.add_parser("export", help="check DIR/adapter for vLLM/llama.cpp; --merge writes a merged model")
    export.add_argument("--run-dir", required=True, help="run folder holding config.json and adapter/")
    export.add_argument("--merge", action="store_true", help="fold the adapter into the base weights")
    export.add_argument("--out", help="folder for the merged model (default DIR/merged)")
    return parser


def _setup_logging() -> None:
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.captureWarnings(True)


def _run(command: str, run_dir: str, sink: events.EventSink, resume: bool = False) -> None:
    from .control import Control

    if command == "train":
        from .train import Training

        control = Control()
        control.install()
        training = Training(run_dir, sink, control, resume=resume)
        training.setup()
        training.run()
    else:
        from .evaluate import run_eval

        run_eval(run_dir, sink)


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "doctor":
        from .doctor import doctor_report

        print(json.dumps(doctor_report(args.run_dir)), flush=True)
        return 0
    if args.command == "export":
        from .export import export_command

        _setup_logging()
        return export_command(args.run_dir, args.merge, args.out)

    out = events.claim_stdout()
    _setup_logging()
    run_dir = os.path.abspath(args.run_dir)
    refusal = _refusal(args.command, run_dir, getattr(args, "resume", False))
    if refusal:
        # Reported on stdout only: appending to events.jsonl could turn a finished run into a failed one.
        events.EventSink(out).emit(refusal)
        out.close()
        return 1
    # Only `train` appends to events.jsonl: the run's status is derived from its last event.
    # Under torchrun only rank 0 reports; the other processes' events would be duplicates.
    main_rank = os.environ.get("RANK", "0") == "0"
    sink = events.EventSink(out if main_rank else open(os.devnull, "w", encoding="utf-8"),
                            os.path.join(run_dir, "events.jsonl") if args.command == "train" and main_rank else None)
    try:
        _run(args.command, run_dir, sink, getattr(args, "resume", False))
        return 0
    except TrainerError as exc:
        sink.emit(events.error_event(kind=exc.kind, message=exc.message, hint=exc.hint, **exc.extra))
        logging.getLogger("tunelab").error("%s: %s", exc.kind, exc.message)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # every other failure still ends as one error event
        from .modeling import is_oom

        if is_oom(exc):
            sink.emit(events.error_event(kind="oom", message=f"Out of memory: {first_line(exc)}", hint=OOM_HINT))
            return 1
        traceback.print_exc(file=sys.stderr)
        sink.emit(events.error_event(
            kind="internal", message=f"Unexpected error: {first_line(exc)}",
            hint="The traceback is in the run's trainer.log; please report it with that file."))
        return 1
    finally:
        sink.close()
        out.close()


def _refusal(command: str, run_dir: str, resume: bool = False):
    """An error event when the run folder cannot be used at all, else None."""
    if not os.path.isdir(run_dir):
        return events.error_event(kind="config", message=f"Run folder not found: {run_dir}",
                                  hint="Pass the folder that holds config.json (see docs/architecture.md).")
    if command == "train" and resume:
        if _last_done_status(run_dir) == "completed":
            return events.error_event(kind="config", message=f"The run has already completed: {run_dir}",
                                      hint="Start a new run to train further; --resume continues stopped or "
                                           "interrupted runs.")
        return None
    if command == "train" and os.path.exists(os.path.join(run_dir, "adapter")):
        return events.error_event(kind="config", message=f"The run folder already holds a trained adapter: {run_dir}",
                                  hint="Start a new run; use `eval` to score this one again.")
    return None


def _last_done_status(run_dir: str):
    """status of the last `done` event in events.jsonl, or None (a killed line at the end is skipped)."""
    status = None
    try:
        with open(os.path.join(run_dir, "events.jsonl"), encoding="utf-8") as f:
            for line in f:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if isinstance(event, dict) and event.get("type") in ("done", "start"):
                    status = event.get("status") if event["type"] == "done" else None
    except OSError:
        pass
    return status


if __name__ == "__main__":
    sys.exit(main())
