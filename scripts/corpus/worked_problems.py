"""Worked physics and chemistry problems: a question and a multi-line answer that states the formula,
lists the given values, substitutes them and gives the result with its unit, in several styles.

Teaches the shape of a worked answer on topics other than the sample dataset's (no solution preparation).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable


def num(x: float, places: int = 3) -> str:
    """Rounded, without trailing zeros: 2500.0 -> 2500, 0.12500 -> 0.125."""
    text = f"{x:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass
class Quantity:
    symbol: str
    name: str
    unit: str
    values: tuple


@dataclass
class Formula:
    target: Quantity
    inputs: list[Quantity]
    expression: str                      # e.g. "m × c × ΔT" in input symbols
    compute: Callable[..., float]
    questions: list[str]                 # placeholders: the input symbols' values with units as {0}, {1}, ...
    places: int = 2


def q(symbol, name, unit, *values):
    return Quantity(symbol, name, unit, values)


FORMULAS = [
    Formula(q("v", "speed", "km/h"), [q("d", "distance", "km", 12, 30, 45, 60, 90, 120, 150, 240, 360), q("t", "time", "h", 0.5, 1.5, 2, 3, 4, 6)],
            "d / t", lambda d, t: d / t,
            ["A train covers {0} in {1}. What is its average speed?", "What is the average speed of a cyclist who rides {0} in {1}?",
             "A car drives {0} in {1}. How fast did it go on average?"]),
    Formula(q("d", "distance", "km"), [q("v", "speed", "km/h", 5, 15, 40, 60, 80, 100, 120), q("t", "time", "h", 0.25, 0.5, 1.5, 2, 3, 5)],
            "v × t", lambda v, t: v * t,
            ["How far do you get in {1} at {0}?", "A bus drives at {0} for {1}. What distance does it cover?"]),
    Formula(q("t", "time", "h"), [q("d", "distance", "km", 20, 50, 90, 150, 300, 450), q("v", "speed", "km/h", 10, 30, 45, 60, 90, 100)],
            "d / v", lambda d, v: d / v,
            ["How long does a trip of {0} take at {1}?", "At {1}, how much time do I need for {0}?"]),
    Formula(q("ρ", "density", "g/cm³"), [q("m", "mass", "g", 27, 54, 79, 112, 158, 270, 386), q("V", "volume", "cm³", 10, 20, 25, 40, 50, 100)],
            "m / V", lambda m, v: m / v,
            ["A metal block has a mass of {0} and a volume of {1}. What is its density?",
             "What is the density of an object with mass {0} and volume {1}?"]),
    Formula(q("I", "current", "A"), [q("U", "voltage", "V", 1.5, 3, 4.5, 9, 12, 24, 230), q("R", "resistance", "Ω", 2, 5, 10, 20, 50, 100, 470)],
            "U / R", lambda u, r: u / r, ["What current flows through a {1} resistor at {0}?",
                                          "A {0} battery is connected to {1}. What is the current?"], 3),
    Formula(q("U", "voltage", "V"), [q("I", "current", "A", 0.1, 0.25, 0.5, 1, 2, 3), q("R", "resistance", "Ω", 4, 10, 22, 47, 100, 220)],
            "I × R", lambda i, r: i * r, ["What voltage drives {0} through {1}?", "A current of {0} flows through {1}. What is the voltage?"]),
    Formula(q("P", "power", "W"), [q("U", "voltage", "V", 5, 12, 24, 110, 230), q("I", "current", "A", 0.2, 0.5, 1, 2, 4, 10)],
            "U × I", lambda u, i: u * i, ["What power does a device use at {0} and {1}?", "A heater takes {1} at {0}. What is its power?"]),
    Formula(q("W", "work", "J"), [q("F", "force", "N", 5, 10, 20, 50, 120, 300), q("s", "distance", "m", 0.5, 2, 3, 5, 10, 25)],
            "F × s", lambda f, s: f * s, ["How much work does a force of {0} do over {1}?", "You push a box with {0} for {1}. How much work is that?"]),
    Formula(q("p", "pressure", "Pa"), [q("F", "force", "N", 10, 50, 200, 600, 1500), q("A", "area", "m²", 0.01, 0.05, 0.2, 0.5, 2)],
            "F / A", lambda f, a: f / a, ["A force of {0} acts on {1}. What is the pressure?", "What pressure does {0} on an area of {1} give?"]),
    Formula(q("Q", "heat", "J"), [q("m", "mass", "g", 10, 50, 100, 250, 500), q("c", "specific heat", "J/(g·°C)", 0.385, 0.9, 2.44, 4.18), q("ΔT", "temperature change", "°C", 2, 5, 10, 15, 20, 40)],
            "m × c × ΔT", lambda m, c, t: m * c * t,
            ["How much heat warms {0} of a material with specific heat {1} by {2}?", "What heat is needed to raise {0} by {2} if c = {1}?"]),
    Formula(q("E", "kinetic energy", "J"), [q("m", "mass", "kg", 0.5, 1, 2, 5, 10, 70), q("v", "speed", "m/s", 2, 3, 4, 5, 10, 20)],
            "0.5 × m × v²", lambda m, v: 0.5 * m * v * v, ["What is the kinetic energy of {0} moving at {1}?",
                                                             "A ball of {0} flies at {1}. How much kinetic energy does it have?"]),
    Formula(q("F", "force", "N"), [q("m", "mass", "kg", 0.2, 1, 2.5, 10, 50, 1200), q("a", "acceleration", "m/s²", 0.5, 1.5, 2, 3, 9.81)],
            "m × a", lambda m, a: m * a, ["What force accelerates {0} at {1}?", "How big is the force on {0} with an acceleration of {1}?"]),
    Formula(q("f", "frequency", "Hz"), [q("T", "period", "s", 0.001, 0.01, 0.02, 0.1, 0.5, 2)],
            "1 / T", lambda t: 1 / t, ["A wave has a period of {0}. What is its frequency?"], 3),
    Formula(q("A", "area", "m²"), [q("l", "length", "m", 2, 3.5, 4, 6, 12), q("w", "width", "m", 1.5, 2, 3, 5, 8)],
            "l × w", lambda l, w: l * w, ["What is the area of a room {0} long and {1} wide?", "A garden is {0} by {1}. What is its area?"]),
    Formula(q("n", "amount of substance", "mol"), [q("m", "mass", "g", 4, 9, 18, 36, 44, 88, 100), q("M", "molar mass", "g/mol", 2.016, 18.015, 28.014, 32, 44.01, 100.09)],
            "m / M", lambda m, mm: m / mm, ["How many moles are in {0} of a substance with molar mass {1}?",
                                            "A sample of {0} has a molar mass of {1}. How many moles is it?"], 4),
    Formula(q("yield", "percent yield", "%"), [q("actual", "actual yield", "g", 3.2, 7.5, 12, 18.4, 41), q("theoretical", "theoretical yield", "g", 5, 10, 16, 20, 50)],
            "actual / theoretical × 100", lambda a, t: a / t * 100,
            ["A reaction should give {1} but gives {0}. What is the percent yield?"], 1),
]

STYLES = ["plain", "given", "steps", "words"]


def worked_problem(rng: random.Random) -> tuple[str, str]:
    while True:
        f = rng.choice(FORMULAS)
        values = [rng.choice(x.values) for x in f.inputs]
        if f.target.symbol == "yield" and values[0] > values[1]:
            continue
        break
    result = f.compute(*values)
    shown = [f"{num(v, 4)} {x.unit}" for v, x in zip(values, f.inputs)]
    question = rng.choice(f.questions).format(*shown)
    by_symbol = {x.symbol: text for x, text in zip(f.inputs, shown)}
    substitution = " ".join(by_symbol.get(tok, f"({by_symbol[tok[:-1]]})²" if tok.endswith("²") and tok[:-1] in by_symbol else tok)
                            for tok in f.expression.split(" "))
    answer_value = f"{num(result, f.places)} {f.target.unit}"
    formula = f"{f.target.symbol} = {f.expression}"
    style = rng.choice(STYLES)
    if style == "plain":
        lines = [f"Use {formula}.", f"{f.target.symbol} = {substitution} = {answer_value}."]
    elif style == "given":
        given = ", ".join(f"{x.symbol} = {text}" for x, text in zip(f.inputs, shown))
        lines = [f"Given: {given}.", f"Formula: {formula}.", f"{f.target.symbol} = {substitution} = {answer_value}."]
    elif style == "steps":
        lines = [f"First write down the formula: {formula}.", f"Then put in the numbers: {substitution} = {answer_value}.",
                 f"So the {f.target.name} is {answer_value}."]
    else:
        lines = [f"The {f.target.name} is {f.expression.replace('×', 'times').replace('/', 'divided by')}, "
                 f"in symbols {formula}.", f"{f.target.symbol} = {substitution} = {answer_value}."]
    return question, "\n".join(lines)
