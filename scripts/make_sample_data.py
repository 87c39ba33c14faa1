#!/usr/bin/env python3
"""Writes the bundled sample dataset: samples/train.jsonl, samples/eval.jsonl and samples/messy.jsonl.

    python3 scripts/make_sample_data.py            # rewrites samples/ (deterministic: seed 20240611)
    python3 scripts/make_sample_data.py --check    # exits 1 when the committed files differ from a fresh run

Domain: a biochemistry lab assistant that works out how to prepare buffers and solutions (mass for a
molarity, dilution from a stock, percent solutions, molarity of a weighed solution, 1x from a
concentrated stock), always showing the formula, the numbers with units and the result. Answers are
computed here with exact decimal arithmetic from the molar-mass table below, so every answer is correct.
Eval questions use parameter combinations that no train question uses and are worded apart from train (see
EVAL_MAKERS), and the script refuses to write files where an eval record is a near-copy of a train record (word
5-gram Jaccard, see NEAR_COPY) or shares a word 13-gram with one (LEAK_NGRAM).
Standard library only, so it runs with any Python 3.9+.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from decimal import ROUND_HALF_UP, Decimal

SEED = 20240611
TRAIN_RECORDS = 400
EVAL_RECORDS = 60
NEAR_COPY = 0.5      # refuse eval records whose word 5-gram Jaccard with any train record reaches this
LEAK_NGRAM = 13      # ... or that share any word 13-gram with train (the leakage rule of `tunelab lint`)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SYSTEM = ("You are a biochemistry lab assistant. For each buffer or solution, show the formula, "
          "the numbers with units and the result, then how to make it.")

# name, molar mass in g/mol (standard values for the usual commercial form), short name used in questions,
# optional handling note appended to the answer.
COMPOUNDS = [
    ("Tris base", "121.14", "Tris", "Adjust the pH with HCl before bringing it to the final volume."),
    ("Tris-HCl", "157.60", "Tris-HCl", "Check the pH and adjust with NaOH if needed."),
    ("sodium chloride (NaCl)", "58.44", "NaCl", ""),
    ("potassium chloride (KCl)", "74.55", "KCl", ""),
    ("magnesium chloride hexahydrate (MgCl2·6H2O)", "203.30", "MgCl2", "The hexahydrate is hygroscopic, so weigh it quickly."),
    ("calcium chloride dihydrate (CaCl2·2H2O)", "147.01", "CaCl2", ""),
    ("disodium EDTA dihydrate", "372.24", "EDTA", "EDTA only dissolves near pH 8, so add NaOH while stirring."),
    ("HEPES", "238.30", "HEPES", "Adjust the pH with NaOH before bringing it to the final volume."),
    ("MES monohydrate", "213.25", "MES", "Adjust the pH with NaOH before bringing it to the final volume."),
    ("MOPS", "209.26", "MOPS", "Adjust the pH with NaOH and protect the solution from light."),
    ("glucose", "180.16", "glucose", "Filter-sterilize it rather than autoclaving."),
    ("sucrose", "342.30", "sucrose", ""),
    ("glycine", "75.07", "glycine", ""),
    ("imidazole", "68.08", "imidazole", "Check the pH afterwards; imidazole solutions are basic."),
    ("dithiothreitol (DTT)", "154.25", "DTT", "Make it fresh or store aliquots at −20 °C."),
    ("sodium dihydrogen phosphate monohydrate (NaH2PO4·H2O)", "137.99", "NaH2PO4", ""),
    ("disodium hydrogen phosphate (Na2HPO4)", "141.96", "Na2HPO4", ""),
    ("potassium dihydrogen phosphate (KH2PO4)", "136.09", "KH2PO4", ""),
    ("sodium acetate trihydrate", "136.08", "sodium acetate", ""),
    ("ammonium sulfate", "132.14", "ammonium sulfate", ""),
    ("urea", "60.06", "urea", "Dissolve it without heating; warm urea solutions form cyanate."),
    ("guanidine hydrochloride", "95.53", "guanidine HCl", "It dissolves endothermically, so the solution will cool down."),
    ("sodium citrate dihydrate", "294.10", "sodium citrate", ""),
    ("magnesium sulfate heptahydrate (MgSO4·7H2O)", "246.47", "MgSO4", ""),
    ("sodium hydroxide (NaOH)", "40.00", "NaOH", "Add the pellets slowly to cold water; the solution gets hot."),
    ("PIPES", "302.37", "PIPES", "PIPES free acid dissolves only as you add NaOH."),
]

# (name, percent kind, highest sensible percent, handling note) for percent solutions.
PERCENT_SOLUTES = [
    ("SDS", "w/v", "20", "Wear a mask when weighing the powder and stir gently to avoid foam."),
    ("agarose", "w/v", "3", "Heat it in the microwave until fully dissolved before casting."),
    ("BSA", "w/v", "10", "Sprinkle it on the surface and let it dissolve without vortexing."),
    ("skim milk powder", "w/v", "10", "Make it fresh on the day you use it."),
    ("sucrose", "w/v", "60", ""),
    ("glucose", "w/v", "40", ""),
    ("glycerol", "v/v", "60", "Glycerol is viscous, so cut the pipette tip or weigh it (1.26 g per mL)."),
    ("Triton X-100", "v/v", "10", "Pipette it slowly; it is viscous."),
    ("Tween 20", "v/v", "1", "Pipette it slowly; it is viscous."),
    ("ethanol", "v/v", "80", ""),
]

STOCK_BUFFERS = ["PBS", "TBS", "TBE", "TAE", "SDS running buffer", "TE buffer", "transfer buffer", "TBST"]

# Volumes in mL, concentrations in mM.
VOLUMES = [Decimal(v) for v in ("10", "25", "50", "100", "200", "250", "500", "750", "1000", "2000")]
MOLAR_TARGETS = [Decimal(c) for c in ("1", "2", "5", "10", "20", "25", "50", "100", "150", "200", "250", "300", "500", "1000", "2000")]
STOCKS = [Decimal(c) for c in ("100", "200", "250", "500", "1000", "2000", "5000")]
DILUTION_TARGETS = [Decimal(c) for c in ("0.5", "1", "2", "5", "10", "20", "25", "40", "50", "100", "150")]
PERCENTS = [Decimal(p) for p in ("0.05", "0.1", "0.5", "0.8", "1", "1.5", "2", "5", "10", "20", "50", "70")]
FOLDS = [(Decimal(x), Decimal(t)) for x, t in (("10", "1"), ("5", "1"), ("20", "1"), ("50", "1"), ("10", "0.5"),
                                               ("5", "0.5"), ("4", "1"), ("2", "1"), ("25", "1"), ("100", "1"))]

OPENERS = ["", "", "", "", "Quick question: ", "Hi! ", "For a lysis buffer, ", "For a protein prep tomorrow: ",
           "Setting up a gel today. ", "For the assay next week, ", "Sorry if this is basic, ", "Help please: "]


# ---------- number formatting (exact decimals, half-up rounding) ----------

def plain(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 0.050 -> 0.05, 1E+3 -> 1000."""
    text = format(value.normalize(), "f")
    return text


def fixed(value: Decimal, places: int) -> str:
    """Exactly `places` decimals: 5 -> 5.00."""
    return format(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")


def sig(value: Decimal, digits: int = 3) -> str:
    """Rounded to `digits` significant figures."""
    if value == 0:
        return "0"
    exponent = value.adjusted()
    return plain(value.quantize(Decimal(1).scaleb(exponent - digits + 1), rounding=ROUND_HALF_UP))


def volume(ml: Decimal) -> str:
    if ml >= 1000:
        return f"{sig(ml / 1000, 4)} L"
    if ml < 1:
        return f"{sig(ml * 1000)} µL"
    return f"{sig(ml, 4)} mL"


def exact(ml: Decimal) -> bool:
    """Whether volume() shows this volume without rounding."""
    shown = volume(ml)
    number, unit = shown.split(" ")
    return Decimal(number) * {"L": 1000, "mL": 1, "µL": Decimal("0.001")}[unit] == ml


def conc(mm: Decimal) -> str:
    if mm >= 1000:
        return f"{plain(mm / 1000)} M"
    if mm < 1:
        return f"{plain(mm * 1000)} µM"
    return f"{plain(mm)} mM"


def mass(grams: Decimal) -> str:
    if grams < 1:
        return f"{sig(grams * 1000)} mg"
    return f"{fixed(grams, 2)} g"


def approx_water(ml: Decimal) -> str:
    return volume((ml * Decimal("0.8")).quantize(Decimal(1)))


# ---------- question/answer makers; each takes rng and a parameter tuple ----------

LOWER_FIRST = {"How", "What", "Can", "Please", "Making", "Grams", "Dilute", "Recipe", "Prepare", "My", "If", "A",
               "Starting", "Volume", "Calculate", "Concentration", "Working", "To", "Which"}


def ask(rng: random.Random, templates: list[str], **values) -> str:
    text = rng.choice(templates).format(**values)
    opener = rng.choice(OPENERS)
    if "please" in opener.lower() and "please" in text.lower():
        opener = ""
    if opener.endswith(", ") and text.split(" ", 1)[0] in LOWER_FIRST:
        text = text[0].lower() + text[1:]
    return opener + text


MASS_QUESTIONS = [
    "How much {name} do I need for {vol} of {c} {short}?",
    "How many grams of {name} should I weigh out to make {vol} of a {c} solution?",
    "I need {vol} of {c} {short}. How much do I weigh?",
    "What mass of {name} gives {vol} of a {c} solution?",
    "Can you work out how much {short} to dissolve for {vol} at {c}?",
    "Making {vol} of {c} {short}: how much powder is that?",
    "Please calculate the amount of {name} for a {c} solution with a final volume of {vol}.",
    "I want to prepare {vol} of {c} {short}. How many grams?",
    "Grams of {short} for {vol} of {c}?",
    "What do I weigh to get a {c} {short} solution, {vol} in total?",
]


def mass_record(rng, key):
    _, index, c_mm, v_ml = key
    name, mw_text, short, note = COMPOUNDS[index]
    mw = Decimal(mw_text)
    c_mol = c_mm / 1000
    v_l = v_ml / 1000
    grams = c_mol * v_l * mw
    user = ask(rng, MASS_QUESTIONS, name=name, short=short, vol=volume(v_ml), c=conc(c_mm))
    if rng.random() < 0.5:
        lines = [
            "Use mass = concentration × volume × molar mass.",
            f"c = {conc(c_mm)} = {plain(c_mol)} mol/L, V = {plain(v_ml)} mL = {plain(v_l)} L, M({short}) = {mw_text} g/mol.",
            f"Mass = {plain(c_mol)} mol/L × {plain(v_l)} L × {mw_text} g/mol = {mass(grams)}.",
            f"Dissolve {mass(grams)} of {name} in about {approx_water(v_ml)} of water, then make it up to {volume(v_ml)}.",
        ]
    else:
        moles = c_mol * v_l
        lines = [
            f"First the moles: n = c × V = {plain(c_mol)} mol/L × {plain(v_l)} L = {sig(moles, 4)} mol.",
            f"Then the mass: m = n × M = {sig(moles, 4)} mol × {mw_text} g/mol = {mass(grams)}.",
            f"Weigh {mass(grams)} of {short}, dissolve it in roughly {approx_water(v_ml)} of water and bring the volume to {volume(v_ml)}.",
        ]
    if note and rng.random() < 0.7:
        lines.append(note)
    return user, "\n".join(lines)


DILUTION_QUESTIONS = [
    "How much of my {c1} {short} stock do I add to get {vol} of {c2}?",
    "I have a {c1} {short} stock. How do I make {vol} at {c2}?",
    "Dilute {c1} {short} to {c2}, final volume {vol}: how much stock do I use?",
    "What volume of {c1} {name} do I need for {vol} of {c2} working solution?",
    "How do I get {c2} {short} in {vol} starting from a {c1} stock?",
    "My {short} stock is {c1}. I need {vol} at {c2}. How much stock?",
    "Can you calculate the dilution of {c1} {short} down to {c2} for {vol}?",
    "How many millilitres of {c1} {short} go into {vol} of {c2}?",
]


def dilution_record(rng, key):
    _, index, c1, c2, v2 = key
    name, _, short, _ = COMPOUNDS[index]
    v1 = c2 * v2 / c1
    user = ask(rng, DILUTION_QUESTIONS, name=name, short=short, c1=conc(c1), c2=conc(c2), vol=volume(v2))
    unit = "mM" if c1 < 1000 else "M"
    c1_s, c2_s = (plain(c1), plain(c2)) if unit == "mM" else (plain(c1 / 1000), plain(c2 / 1000))
    if exact(v2 - v1) and rng.random() < 0.6:
        finish = f"Add {volume(v1)} of the {conc(c1)} stock to {volume(v2 - v1)} of water (or buffer)."
    else:
        finish = f"Pipette {volume(v1)} of the {conc(c1)} stock and make it up to {volume(v2)} with water (or buffer)."
    style = rng.randrange(3)
    if style == 0:
        lines = [
            "Use C1 × V1 = C2 × V2, so V1 = C2 × V2 / C1.",
            f"With both concentrations in {unit}: V1 = {c2_s} {unit} × {volume(v2)} / {c1_s} {unit} = {volume(v1)}.",
            finish,
        ]
    elif style == 1:
        lines = [
            f"The stock is {sig(c1 / c2)} times more concentrated than you need ({conc(c1)} / {conc(c2)}).",
            f"Stock volume = {volume(v2)} / {sig(c1 / c2)} = {volume(v1)}.",
            finish,
        ]
    else:
        lines = [
            f"V1 = C2 × V2 / C1 = {conc(c2)} × {volume(v2)} / {conc(c1)} = {volume(v1)} of stock.",
            finish,
            f"The final solution is {conc(c2)} {short} in {volume(v2)}.",
        ]
    return user, "\n".join(lines)


PERCENT_QUESTIONS = [
    "How do I make {vol} of {p}% ({kind}) {name}?",
    "I need a {p}% {name} solution, {vol}. What do I measure?",
    "How much {name} goes into {vol} of a {p}% ({kind}) solution?",
    "Recipe for {vol} of {p}% {name}, please.",
    "What amount of {name} do I need for {p}% ({kind}) in {vol}?",
    "Prepare {vol} of {name} at {p}%: how much do I add?",
]


def percent_record(rng, key):
    _, index, p, v_ml = key
    name, kind, _, note = PERCENT_SOLUTES[index]
    amount = p * v_ml / 100
    user = ask(rng, PERCENT_QUESTIONS, name=name, kind=kind, p=plain(p), vol=volume(v_ml))
    per, unit = ("g", mass(amount)) if kind == "w/v" else ("mL", volume(amount))
    verb = "Dissolve" if kind == "w/v" else "Add"
    where = "in water" if kind == "w/v" else "to water"
    if rng.random() < 0.5:
        lines = [
            f"{plain(p)}% ({kind}) means {plain(p)} {per} per 100 mL.",
            f"Amount = {plain(p)} {per} / 100 mL × {plain(v_ml)} mL = {unit}.",
            f"{verb} {unit} of {name} {where} and make it up to {volume(v_ml)}.",
        ]
    else:
        lines = [
            f"A {kind} percentage counts {per} of {name} per 100 mL of final solution.",
            f"{volume(v_ml)} is {plain(v_ml / 100)} × 100 mL, so you need {plain(p)} {per} × {plain(v_ml / 100)} = {unit}.",
            f"{verb} it {where}, then bring the volume to {volume(v_ml)}.",
        ]
    if note and rng.random() < 0.7:
        lines.append(note)
    return user, "\n".join(lines)


MOLARITY_QUESTIONS = [
    "I dissolved {m} of {name} in {vol} of water. What is the concentration?",
    "What molarity do I get from {m} of {short} in {vol}?",
    "If I weigh {m} of {short} and make it up to {vol}, how concentrated is it?",
    "{m} of {name} in {vol} total: what is that in mM?",
    "Can you tell me the molarity of {vol} containing {m} of {short}?",
    "A colleague left {vol} of {short} made from {m}. What concentration is it?",
]


def molarity_record(rng, key):
    _, index, c_mm, v_ml = key
    name, mw_text, short, _ = COMPOUNDS[index]
    mw = Decimal(mw_text)
    grams = Decimal(fixed(c_mm / 1000 * v_ml / 1000 * mw, 2))
    moles = grams / mw
    molar = moles / (v_ml / 1000)
    user = ask(rng, MOLARITY_QUESTIONS, name=name, short=short, m=f"{fixed(grams, 2)} g", vol=volume(v_ml))
    if rng.random() < 0.5:
        lines = [
            f"Moles = mass / molar mass = {fixed(grams, 2)} g / {mw_text} g/mol = {sig(moles, 4)} mol.",
            f"Concentration = moles / volume = {sig(moles, 4)} mol / {plain(v_ml / 1000)} L = {sig(molar, 3)} M.",
            f"So the solution is about {sig(molar * 1000, 3)} mM {short}.",
        ]
    else:
        lines = [
            f"c = m / (M × V), with M({short}) = {mw_text} g/mol and V = {plain(v_ml / 1000)} L.",
            f"c = {fixed(grams, 2)} g / ({mw_text} g/mol × {plain(v_ml / 1000)} L) = {sig(molar, 3)} mol/L.",
            f"That is {sig(molar * 1000, 3)} mM.",
        ]
    return user, "\n".join(lines)


FOLD_QUESTIONS = [
    "How do I make {vol} of {t}x {buf} from a {x}x stock?",
    "I have {x}x {buf}. How do I get {vol} of {t}x?",
    "Dilute {x}x {buf} to {t}x, {vol} please: how much stock and water?",
    "What is the recipe for {vol} of {t}x {buf} using the {x}x concentrate?",
    "How much {x}x {buf} do I need for {vol} of working strength ({t}x)?",
]


def fold_record(rng, key):
    _, index, x, t, v_ml = key
    buf = STOCK_BUFFERS[index]
    factor = x / t
    stock = v_ml / factor
    user = ask(rng, FOLD_QUESTIONS, buf=buf, x=plain(x), t=plain(t), vol=volume(v_ml))
    if rng.random() < 0.5:
        lines = [
            f"Going from {plain(x)}x to {plain(t)}x is a {plain(factor)}-fold dilution.",
            f"Stock volume = {volume(v_ml)} / {plain(factor)} = {volume(stock)}.",
            f"Mix {volume(stock)} of {plain(x)}x {buf} with {volume(v_ml - stock)} of water to get {volume(v_ml)} of {plain(t)}x.",
        ]
    else:
        lines = [
            f"Dilution factor = {plain(x)} / {plain(t)} = {plain(factor)}.",
            f"You need {volume(v_ml)} / {plain(factor)} = {volume(stock)} of the {plain(x)}x {buf}.",
            f"Top it up with {volume(v_ml - stock)} of water for {volume(v_ml)} at {plain(t)}x.",
        ]
    return user, "\n".join(lines)


MAKERS = {"mass": mass_record, "dilution": dilution_record, "percent": percent_record,
          "molarity": molarity_record, "fold": fold_record}


# ---------- eval-only wording ----------
# Eval records ask and answer in words that no train record uses (the same arithmetic), so that eval shares no
# word 13-gram with train: `tunelab lint --eval` flags any shared 13-word span as leakage.

def mass_eval(rng, key):
    _, index, c_mm, v_ml = key
    name, mw_text, short, _ = COMPOUNDS[index]
    c_mol, v_l = c_mm / 1000, v_ml / 1000
    grams = c_mol * v_l * Decimal(mw_text)
    user = ask(rng, ["Which weight of {name} is required for {vol} at {c}?", "{c} {short}, {vol} in total: grams to weigh?",
                     "Calculate the grams of {short} for {vol} at {c}."], name=name, short=short, vol=volume(v_ml), c=conc(c_mm))
    return user, "\n".join([
        f"Grams needed = molarity × litres × g/mol of {short}.",
        f"Plugging in: {plain(c_mol)} M × {plain(v_l)} L × {mw_text} g/mol = {mass(grams)}.",
        f"Weigh out {mass(grams)}, stir it into roughly {approx_water(v_ml)} of water until dissolved, and top up to {volume(v_ml)}.",
    ])


def dilution_eval(rng, key):
    _, index, c1, c2, v2 = key
    _, _, short, _ = COMPOUNDS[index]
    v1 = c2 * v2 / c1
    user = ask(rng, ["Starting from {c1} {short}, how would I prepare {vol} at {c2}?", "Volume of {c1} {short} stock for {vol} at {c2}?",
                     "{vol} at {c2} {short}, made from a {c1} stock: how?"], short=short, c1=conc(c1), c2=conc(c2), vol=volume(v2))
    return user, "\n".join([
        "Stock needed = target strength × final volume / stock strength.",
        f"Here: {conc(c2)} × {volume(v2)} / {conc(c1)} = {volume(v1)}.",
        f"Measure {volume(v1)} of it and dilute to {volume(v2)} total with water or buffer.",
    ])


def percent_eval(rng, key):
    _, index, p, v_ml = key
    name, kind, _, _ = PERCENT_SOLUTES[index]
    amount = p * v_ml / 100
    user = ask(rng, ["{vol} at {p}% ({kind}) {name}: what goes in?", "Which quantity of {name} makes {p}% ({kind}), {vol} total?"],
               name=name, kind=kind, p=plain(p), vol=volume(v_ml))
    per, unit = ("g", mass(amount)) if kind == "w/v" else ("mL", volume(amount))
    return user, "\n".join([
        f"At {plain(p)}% ({kind}) there are {plain(p)} {per} in every 100 mL.",
        f"For {volume(v_ml)}: {plain(p)} × {plain(v_ml)} / 100 = {unit}.",
        f"Take {unit} of {name}, bring it to {volume(v_ml)} with water and mix well.",
    ])


def molarity_eval(rng, key):
    _, index, c_mm, v_ml = key
    name, mw_text, short, _ = COMPOUNDS[index]
    mw = Decimal(mw_text)
    grams = Decimal(fixed(c_mm / 1000 * v_ml / 1000 * mw, 2))
    moles = grams / mw
    molar = moles / (v_ml / 1000)
    user = ask(rng, ["Which molar concentration do {m} of {short} made up to {vol} give?", "Concentration check: {m} of {name}, final volume {vol}?"],
               name=name, short=short, m=f"{fixed(grams, 2)} g", vol=volume(v_ml))
    return user, "\n".join([
        f"Amount of {short}: {fixed(grams, 2)} g / {mw_text} g/mol = {sig(moles, 4)} mol.",
        f"Divided by the litres: {sig(moles, 4)} mol / {plain(v_ml / 1000)} L = {sig(molar, 3)} M.",
        f"In millimolar that is roughly {sig(molar * 1000, 3)} mM.",
    ])


def fold_eval(rng, key):
    _, index, x, t, v_ml = key
    buf = STOCK_BUFFERS[index]
    factor = x / t
    stock = v_ml / factor
    user = ask(rng, ["Working {t}x {buf} from {x}x, {vol} total: how?", "To get {vol} at {t}x {buf} out of a {x}x concentrate, what do I combine?"],
               buf=buf, x=plain(x), t=plain(t), vol=volume(v_ml))
    return user, "\n".join([
        f"Taking {plain(x)}x down to {plain(t)}x means diluting {plain(factor)} times.",
        f"{volume(v_ml)} / {plain(factor)} = {volume(stock)} of concentrate.",
        f"Combine {volume(stock)} of the {plain(x)}x {buf} with {volume(v_ml - stock)} of water: {volume(v_ml)} at {plain(t)}x.",
    ])


EVAL_MAKERS = {"mass": mass_eval, "dilution": dilution_eval, "percent": percent_eval,
               "molarity": molarity_eval, "fold": fold_eval}
SHARE = {"mass": 0.36, "dilution": 0.24, "percent": 0.14, "molarity": 0.14, "fold": 0.12}


def candidate_keys() -> dict[str, list[tuple]]:
    """Every sensible parameter tuple of each question kind."""
    keys = {kind: [] for kind in MAKERS}
    for i in range(len(COMPOUNDS)):
        for c in MOLAR_TARGETS:
            for v in VOLUMES:
                grams = c / 1000 * v / 1000 * Decimal(COMPOUNDS[i][1])
                if Decimal("0.005") <= grams <= 500:   # something one would weigh on a lab balance
                    keys["mass"].append(("mass", i, c, v))
                if Decimal("0.05") <= grams <= 200:
                    keys["molarity"].append(("molarity", i, c, v))
        for c1 in STOCKS:
            for c2 in DILUTION_TARGETS:
                for v in VOLUMES:
                    if c2 * 5 <= c1 and c2 * v / c1 >= Decimal("0.01"):   # at least 10 µL of stock
                        keys["dilution"].append(("dilution", i, c1, c2, v))
    for i, (_, _, highest, _) in enumerate(PERCENT_SOLUTES):
        for p in PERCENTS:
            for v in VOLUMES:
                if p <= Decimal(highest) and p * v / 100 >= Decimal("0.005"):
                    keys["percent"].append(("percent", i, p, v))
    for i in range(len(STOCK_BUFFERS)):
        for x, t in FOLDS:
            for v in VOLUMES:
                if v >= 50:
                    keys["fold"].append(("fold", i, x, t, v))
    return keys


def record(user: str, answer: str) -> dict:
    return {"messages": [{"role": "system", "content": SYSTEM},
                         {"role": "user", "content": user},
                         {"role": "assistant", "content": answer}]}


def shingles(rec: dict, n: int = 5) -> set:
    """Word n-grams of the user and assistant text (the system prompt is the same everywhere)."""
    words = " ".join(m["content"] for m in rec["messages"] if m["role"] != "system").lower().split()
    return {" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}


LINT_WORD = re.compile(r"[^\W_]+(?:[.,'][^\W_]+)*")


def lint_ngrams(rec: dict, n: int = LEAK_NGRAM) -> set:
    """Word n-grams as `tunelab lint` finds leakage: words are runs of letters and digits (3.14 and don't stay one
    word, symbols such as × separate), lower-cased, over the user and assistant text in order."""
    words = [w for m in rec["messages"] if m["role"] != "system" for w in LINT_WORD.findall(m["content"].lower())]
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def build_split(seed: int = SEED) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    pools = candidate_keys()
    for kind in pools:
        rng.shuffle(pools[kind])
    total = TRAIN_RECORDS + EVAL_RECORDS
    counts = {kind: round(total * share) for kind, share in SHARE.items()}
    counts["mass"] += total - sum(counts.values())
    eval_counts = {kind: round(EVAL_RECORDS * share) for kind, share in SHARE.items()}
    eval_counts["mass"] += EVAL_RECORDS - sum(eval_counts.values())

    train: list[dict] = []
    held: list[tuple[str, tuple]] = []
    for kind, maker in MAKERS.items():
        keys = pools[kind][: counts[kind]]
        for n, key in enumerate(keys):
            rec = record(*maker(rng, key))   # made for held keys too, so the random stream (and train) stays the same
            (held.append((kind, key)) if n < eval_counts[kind] else train.append(rec))
    rng.shuffle(train)
    eval_rng = random.Random(seed + 1)

    # Eval must not contain near-copies of train records: replace any with fresh parameter tuples.
    train_sh = [shingles(r) for r in train]
    train_13 = set().union(*(lint_ngrams(r) for r in train))
    spare = {kind: pools[kind][counts[kind]:] for kind in MAKERS}

    def too_close(rec: dict) -> bool:
        return (max(jaccard(shingles(rec), s) for s in train_sh) >= NEAR_COPY
                or not lint_ngrams(rec).isdisjoint(train_13))

    evals: list[dict] = []
    for kind, key in held:
        rec = record(*EVAL_MAKERS[kind](eval_rng, key))
        while too_close(rec):
            if not spare[kind]:
                raise SystemExit(f"make_sample_data: ran out of distinct {kind} questions for eval")
            rec = record(*EVAL_MAKERS[kind](eval_rng, spare[kind].pop(0)))
        evals.append(rec)
    rng.shuffle(evals)
    return train, evals


def messy_lines() -> list[str]:
    """A small file in which each deliberate problem sits on a known line (see samples/README.md)."""
    def chat(user, answer, system=SYSTEM):
        return json.dumps(record(user, answer) if system else
                          {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]},
                          ensure_ascii=False)

    ok = [
        chat("How much NaCl do I need for 100 mL of 150 mM NaCl?",
             "Mass = 0.15 mol/L × 0.1 L × 58.44 g/mol = 0.88 g.\nDissolve 0.88 g of NaCl in water and make it up to 100 mL."),
        chat("How do I make 1 L of 1x PBS from a 10x stock?",
             "Stock volume = 1 L / 10 = 100 mL.\nMix 100 mL of 10x PBS with 900 mL of water."),
        chat("What volume of 1 M MgCl2 do I need for 50 mL of 10 mM?",
             "V1 = 10 mM × 50 mL / 1000 mM = 500 µL.\nAdd 500 µL of the 1 M stock to 49.5 mL of water."),
        chat("How do I make 200 mL of 2% (w/v) agarose?",
             "2% (w/v) means 2 g per 100 mL, so 4 g.\nHeat 4 g of agarose in 200 mL of TAE until dissolved."),
    ]
    dup = chat("How much Tris base do I need for 500 mL of 50 mM Tris?",
               "Mass = 0.05 mol/L × 0.5 L × 121.14 g/mol = 3.03 g.\nDissolve 3.03 g of Tris base, adjust the pH, make it up to 500 mL.")
    lines = [
        ok[0],                                                                    # 1 ok
        ok[1],                                                                    # 2 ok
        '{"messages": [{"role": "user", "content": "How much KCl for 1 L of 1 M?"}, {"role": "assistant", "content": "74.55 g"}',  # 3 invalid-json (missing closing brace)
        json.dumps({"messages": [{"role": "system", "content": SYSTEM},           # 4 unknown-role
                                 {"role": "customer", "content": "How do I make 0.5x TBE?"},
                                 {"role": "assistant", "content": "Dilute 10x TBE 20-fold with water."}]}),
        json.dumps({"messages": [{"role": "system", "content": SYSTEM},           # 5 empty-content
                                 {"role": "user", "content": "How much DTT for 10 mL of 1 M?"},
                                 {"role": "assistant", "content": ""}]}),
        json.dumps({"messages": [{"role": "system", "content": SYSTEM},           # 6 missing-assistant
                                 {"role": "user", "content": "What is the molar mass of HEPES?"}]}),
        dup,                                                                      # 7 original of the duplicate
        ok[2],                                                                    # 8 ok
        dup,                                                                      # 9 duplicate of line 7
        chat("Please send the buffer recipe to jane.doe@example.org when you have it. How much glucose for 100 mL of 20% (w/v)?",  # 10 pii
             "20% (w/v) means 20 g per 100 mL, so weigh 20 g of glucose and make it up to 100 mL."),
        ok[3],                                                                    # 11 ok
        chat("How much imidazole for 50 mL of 500 mM?",                           # 12 ok, no system prompt
             "Mass = 0.5 mol/L × 0.05 L × 68.08 g/mol = 1.70 g.", system=None),
    ]
    more = [
        ("How do I make 250 mL of 0.1% (v/v) Tween 20?", "0.1% (v/v) means 0.1 mL per 100 mL, so 250 µL of Tween 20 in 250 mL."),
        ("How much EDTA for 100 mL of 0.5 M?", "Mass = 0.5 mol/L × 0.1 L × 372.24 g/mol = 18.61 g. Adjust to pH 8 with NaOH to dissolve it."),
        ("How much 5 M NaCl for 40 mL of 300 mM?", "V1 = 300 mM × 40 mL / 5000 mM = 2.4 mL, plus 37.6 mL of water."),
        ("How do I make 500 mL of 1x TAE from 50x?", "Stock volume = 500 mL / 50 = 10 mL; add 490 mL of water."),
        ("I dissolved 2.92 g of NaCl in 100 mL. What molarity?", "Moles = 2.92 g / 58.44 g/mol = 0.05 mol; 0.05 mol / 0.1 L = 0.5 M."),
        ("How much glycine for 1 L of 192 mM?", "Mass = 0.192 mol/L × 1 L × 75.07 g/mol = 14.41 g."),
        ("How much urea for 50 mL of 8 M?", "Mass = 8 mol/L × 0.05 L × 60.06 g/mol = 24.02 g; dissolve without heating."),
        ("How much HEPES for 200 mL of 1 M?", "Mass = 1 mol/L × 0.2 L × 238.3 g/mol = 47.66 g; adjust the pH with NaOH."),
    ]
    lines += [chat(q, a) for q, a in more]                                       # 13-20 ok
    return lines


NUMBER = r"\d+(?:\.\d+)?"
UNIT = r"(?: [A-Za-zµ/]+)?"
EQUATION = re.compile(rf"((?:\(?{NUMBER}{UNIT}\)? ?[×/] ?)+\(?{NUMBER}{UNIT}\)?) = ({NUMBER})")


def check_equations(records: list[dict]) -> int:
    """Re-evaluates every "a × b / c = d" in the answers from its own text (units ignored, so a result may
    differ by a power of 1000: mL vs µL, g vs mg) and refuses to write data with a wrong one."""
    checked = 0
    for rec in records:
        for match in EQUATION.finditer(rec["messages"][-1]["content"]):
            # operators stand between spaces; a slash inside a unit (g/mol) does not
            tokens = re.findall(rf"[()]| [×/] |{NUMBER}", match.group(1))
            value = eval("".join(" * " if t == " × " else t for t in tokens))  # digits, operators, brackets only
            shown = float(match.group(2))
            if not any(abs(value * k - shown) <= max(0.011, 0.006 * shown) for k in (1, 1e3, 1e-3, 1e6, 1e-6)):
                raise SystemExit(f"make_sample_data: wrong arithmetic in {match.group(0)!r} (expected {value:g})")
            checked += 1
    return checked


def render() -> dict[str, str]:
    train, evals = build_split()
    check_equations(train + evals)
    out = {}
    for name, recs in (("train.jsonl", train), ("eval.jsonl", evals), ("messy.jsonl", messy_lines())):
        out[name] = "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in recs)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "samples"), help="folder to write (default: samples/)")
    parser.add_argument("--check", action="store_true", help="compare with the files on disk instead of writing")
    args = parser.parse_args()
    files = render()
    if args.check:
        stale = [n for n, text in files.items()
                 if not os.path.exists(os.path.join(args.out, n))
                 or open(os.path.join(args.out, n), encoding="utf-8").read() != text]
        if stale:
            print(f"make_sample_data: {', '.join(stale)} in {args.out} differ from a fresh run; "
                  f"rerun python3 scripts/make_sample_data.py", file=sys.stderr)
            return 1
        print(f"make_sample_data: {args.out} is up to date")
        return 0
    os.makedirs(args.out, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(args.out, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print(f"wrote {os.path.join(args.out, name)} ({text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
