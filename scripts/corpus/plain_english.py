"""Plain English from a small random grammar: statements, questions, instructions and short narratives
about everyday life, school and the lab.

The sentences carry little information; they are there so that the model sees function words, pronouns
and common verbs in many combinations and learns general English statistics instead of a handful of
templates (a model trained only on templates is wildly over-confident on any new text).
"""

from __future__ import annotations

import random

SINGULAR = ["the student", "a chemist", "my teacher", "our technician", "the new student", "a visitor", "the doctor",
            "my friend", "the farmer", "a young engineer", "the cook", "the driver", "her brother", "his sister",
            "the old man", "a child", "the manager", "our neighbour", "the nurse", "the pilot", "a researcher",
            "the team leader", "the gardener", "my colleague", "the lab manager", "she", "he", "the class"]
PLURAL = ["the students", "two chemists", "we", "they", "you", "I", "the children", "my parents", "the engineers",
          "most people", "the nurses", "some visitors", "both teams", "our friends", "the researchers"]

# base form, third person singular, past tense
VERBS = [
    ("open", "opens", "opened"), ("close", "closes", "closed"), ("clean", "cleans", "cleaned"),
    ("check", "checks", "checked"), ("measure", "measures", "measured"), ("heat", "heats", "heated"),
    ("cool", "cools", "cooled"), ("mix", "mixes", "mixed"), ("record", "records", "recorded"),
    ("carry", "carries", "carried"), ("move", "moves", "moved"), ("fill", "fills", "filled"),
    ("empty", "empties", "emptied"), ("label", "labels", "labelled"), ("count", "counts", "counted"),
    ("compare", "compares", "compared"), ("describe", "describes", "described"), ("repair", "repairs", "repaired"),
    ("paint", "paints", "painted"), ("wash", "washes", "washed"), ("find", "finds", "found"),
    ("bring", "brings", "brought"), ("buy", "buys", "bought"), ("make", "makes", "made"),
    ("take", "takes", "took"), ("see", "sees", "saw"), ("read", "reads", "read"), ("write", "writes", "wrote"),
    ("keep", "keeps", "kept"), ("hold", "holds", "held"), ("need", "needs", "needed"), ("use", "uses", "used"),
    ("prepare", "prepares", "prepared"), ("weigh", "weighs", "weighed"), ("pour", "pours", "poured"),
    ("sell", "sells", "sold"), ("share", "shares", "shared"), ("test", "tests", "tested"), ("fix", "fixes", "fixed"),
    ("collect", "collects", "collected"), ("store", "stores", "stored"), ("order", "orders", "ordered"),
    ("study", "studies", "studied"), ("draw", "draws", "drew"), ("choose", "chooses", "chose"),
    ("return", "returns", "returned"), ("lose", "loses", "lost"), ("show", "shows", "showed"),
]
INTRANSITIVE = [("arrive", "arrives", "arrived"), ("wait", "waits", "waited"), ("smile", "smiles", "smiled"),
                ("work", "works", "worked"), ("leave", "leaves", "left"), ("rest", "rests", "rested"),
                ("sleep", "sleeps", "slept"), ("run", "runs", "ran"), ("laugh", "laughs", "laughed"),
                ("listen", "listens", "listened"), ("agree", "agrees", "agreed"), ("begin", "begins", "began")]

ADJECTIVES = ["small", "large", "old", "new", "heavy", "light", "clean", "dirty", "warm", "cold", "bright", "dark",
              "empty", "full", "round", "flat", "quiet", "busy", "red", "blue", "green", "white", "glass", "metal",
              "plastic", "wooden", "broken", "simple", "strange", "useful", "spare", "wet", "dry", "tall", "short"]
NOUNS = ["box", "bottle", "window", "door", "table", "chair", "book", "letter", "cup", "plate", "bag", "key",
         "map", "lamp", "garden", "kitchen", "bicycle", "car", "phone", "computer", "notebook", "pencil", "report",
         "sample", "beaker", "flask", "tube", "rack", "shelf", "balance", "microscope", "bench", "drawer", "fridge",
         "freezer", "label", "glove", "coat", "jar", "bucket", "ladder", "rope", "basket", "photo", "ticket",
         "picture", "parcel", "tray", "towel", "bowl", "spoon", "clock", "radio", "camera", "stone", "leaf", "apple",
         "bread", "cake", "coffee", "field", "river", "bridge", "road", "train", "ship", "tree", "flower", "seed",
         "magnet", "battery", "wire", "switch", "thermometer", "funnel", "filter", "pump", "valve", "scale"]
UNCOUNTABLE = {"bread", "coffee", "cake"}   # never pluralized
PLACES = ["in the kitchen", "in the garden", "at school", "at work", "in the lab", "on the bench", "near the window",
          "by the door", "in the car", "on the shelf", "at the station", "in the library", "on the farm",
          "in the city", "at home", "in the office", "under the table", "next to the sink", "in the cold room"]
TIMES = ["in the morning", "after lunch", "every day", "on Monday", "last week", "before the meeting",
         "in the evening", "at noon", "once a month", "during the break", "yesterday", "today", "after the test",
         "early on Friday", "later that day", "at the weekend", "before dinner", "right away"]
MANNERS = ["carefully", "slowly", "quickly", "quietly", "again", "together", "alone", "with care", "gently",
           "at once", "twice", "without a word", "in silence", "step by step", "as usual", "by hand"]
REASONS = ["because it was late", "because the old one broke", "so that nobody would trip", "because it rained",
           "so the others could use it", "because the teacher asked", "to save time", "because it was cheap",
           "to keep it safe", "so that it would dry", "because the room was cold", "to finish the report"]
CONNECTORS = ["Then", "After that", "Later", "Meanwhile", "Still", "Of course", "In the end", "At first", "Soon",
              "Next", "Luckily", "Sadly", "However", "Also", "Finally", "Suddenly"]


def noun_phrase(rng: random.Random) -> str:
    noun = rng.choice(NOUNS)
    det = rng.choice(["the", "a", "this", "that", "my", "her", "his", "our", "their", "one", "every", "another"])
    if rng.random() < 0.45:
        noun = f"{rng.choice(ADJECTIVES)} {noun}"
    if det == "a" and noun[0] in "aeiou":
        det = "an"
    if rng.random() < 0.15 and noun.split()[-1] not in UNCOUNTABLE:
        return f"{rng.choice(['two', 'three', 'some', 'the', 'many', 'a few', 'all the'])} {plural(noun)}"
    return f"{det} {noun}"


def plural(noun: str) -> str:
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith("f"):
        return noun[:-1] + "ves"
    return noun + "s"


def subject(rng: random.Random) -> tuple[str, bool]:
    if rng.random() < 0.6:
        return rng.choice(SINGULAR), True
    return rng.choice(PLURAL), False


def extras(rng: random.Random) -> str:
    parts = []
    for pool, chance in ((MANNERS, 0.3), (PLACES, 0.4), (TIMES, 0.35), (REASONS, 0.15)):
        if rng.random() < chance:
            parts.append(rng.choice(pool))
    return "".join(" " + p for p in parts)


def cap(text: str) -> str:
    return text[0].upper() + text[1:]


def statement(rng: random.Random, tense: str) -> str:
    subj, singular = subject(rng)
    transitive = rng.random() < 0.8
    base, third, past = rng.choice(VERBS if transitive else INTRANSITIVE)
    if tense == "past":
        verb = past
    elif tense == "future":
        verb = f"will {base}"
    else:
        verb = third if singular else base
    if rng.random() < 0.12:   # negation
        aux = {"past": "did not", "future": "will not"}.get(tense, "does not" if singular else "do not")
        verb = f"{aux} {base}"
    obj = f" {noun_phrase(rng)}" if transitive else ""
    return cap(f"{subj} {verb}{obj}{extras(rng)}.")


def question(rng: random.Random) -> str:
    subj, singular = subject(rng)
    base, _, _ = rng.choice(VERBS)
    form = rng.randrange(4)
    if form == 0:
        return f"{'Does' if singular else 'Do'} {subj} {base} {noun_phrase(rng)}?"
    if form == 1:
        return f"Why did {subj} {base} {noun_phrase(rng)}{extras(rng)}?"
    if form == 2:
        return f"Where {'is' if singular else 'are'} {noun_phrase(rng)}?"
    return f"When will {subj} {base} {noun_phrase(rng)}?"


def instruction(rng: random.Random) -> str:
    base, _, _ = rng.choice(VERBS)
    return cap(f"{rng.choice(['', '', 'please ', 'first, ', 'now '])}{base} {noun_phrase(rng)}{extras(rng)}.")


def paragraph(rng: random.Random) -> str:
    tense = rng.choice(["past", "past", "present", "future"])
    sentences = []
    for i in range(rng.randint(3, 7)):
        kind = rng.random()
        if kind < 0.65:
            s = statement(rng, tense)
        elif kind < 0.8:
            s = question(rng)
        else:
            s = instruction(rng)
        if i and kind < 0.65 and rng.random() < 0.3:
            first = s.split(" ", 1)[0]
            keep = first in ("I",)
            s = f"{rng.choice(CONNECTORS)}, {s if keep else s[0].lower() + s[1:]}"
        sentences.append(s)
    return " ".join(sentences)
