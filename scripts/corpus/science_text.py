"""Generated pretraining text for the bundled model: general science in prose and in chat form.

Everything here is written for Tunelab (facts are standard reference values; sentences are our own), so
the model trained on it can ship under the project's license. Deterministic for a given random.Random.
The domain of the bundled sample dataset (preparing buffers and solutions: mass for a molarity, dilutions,
percent solutions) is deliberately left out; reagents are only described, never prepared.
"""

from __future__ import annotations

import random

from plain_english import NOUNS, UNCOUNTABLE, paragraph, plural, statement
from worked_problems import num, worked_problem

# ---------------------------------------------------------------- facts the generated text is made of

# name, symbol, atomic number, standard atomic weight, state at 25 °C, kind
ELEMENTS = [
    ("hydrogen", "H", 1, "1.008", "gas", "nonmetal"), ("helium", "He", 2, "4.003", "gas", "noble gas"),
    ("lithium", "Li", 3, "6.94", "solid", "alkali metal"), ("beryllium", "Be", 4, "9.012", "solid", "alkaline earth metal"),
    ("boron", "B", 5, "10.81", "solid", "metalloid"), ("carbon", "C", 6, "12.011", "solid", "nonmetal"),
    ("nitrogen", "N", 7, "14.007", "gas", "nonmetal"), ("oxygen", "O", 8, "15.999", "gas", "nonmetal"),
    ("fluorine", "F", 9, "18.998", "gas", "halogen"), ("neon", "Ne", 10, "20.180", "gas", "noble gas"),
    ("sodium", "Na", 11, "22.990", "solid", "alkali metal"), ("magnesium", "Mg", 12, "24.305", "solid", "alkaline earth metal"),
    ("aluminium", "Al", 13, "26.982", "solid", "post-transition metal"), ("silicon", "Si", 14, "28.085", "solid", "metalloid"),
    ("phosphorus", "P", 15, "30.974", "solid", "nonmetal"), ("sulfur", "S", 16, "32.06", "solid", "nonmetal"),
    ("chlorine", "Cl", 17, "35.45", "gas", "halogen"), ("argon", "Ar", 18, "39.95", "gas", "noble gas"),
    ("potassium", "K", 19, "39.098", "solid", "alkali metal"), ("calcium", "Ca", 20, "40.078", "solid", "alkaline earth metal"),
    ("titanium", "Ti", 22, "47.867", "solid", "transition metal"), ("chromium", "Cr", 24, "51.996", "solid", "transition metal"),
    ("manganese", "Mn", 25, "54.938", "solid", "transition metal"), ("iron", "Fe", 26, "55.845", "solid", "transition metal"),
    ("cobalt", "Co", 27, "58.933", "solid", "transition metal"), ("nickel", "Ni", 28, "58.693", "solid", "transition metal"),
    ("copper", "Cu", 29, "63.546", "solid", "transition metal"), ("zinc", "Zn", 30, "65.38", "solid", "transition metal"),
    ("bromine", "Br", 35, "79.904", "liquid", "halogen"), ("krypton", "Kr", 36, "83.798", "gas", "noble gas"),
    ("silver", "Ag", 47, "107.87", "solid", "transition metal"), ("tin", "Sn", 50, "118.71", "solid", "post-transition metal"),
    ("iodine", "I", 53, "126.90", "solid", "halogen"), ("xenon", "Xe", 54, "131.29", "gas", "noble gas"),
    ("platinum", "Pt", 78, "195.08", "solid", "transition metal"), ("gold", "Au", 79, "196.97", "solid", "transition metal"),
    ("mercury", "Hg", 80, "200.59", "liquid", "transition metal"), ("lead", "Pb", 82, "207.2", "solid", "post-transition metal"),
    ("uranium", "U", 92, "238.03", "solid", "actinide"),
]
ELEMENT = {e[1]: e for e in ELEMENTS}

# common name, formula, atom counts
MOLECULES = [
    ("water", "H2O", {"H": 2, "O": 1}), ("carbon dioxide", "CO2", {"C": 1, "O": 2}),
    ("oxygen gas", "O2", {"O": 2}), ("nitrogen gas", "N2", {"N": 2}), ("methane", "CH4", {"C": 1, "H": 4}),
    ("ammonia", "NH3", {"N": 1, "H": 3}), ("ethanol", "C2H5OH", {"C": 2, "H": 6, "O": 1}),
    ("propane", "C3H8", {"C": 3, "H": 8}), ("benzene", "C6H6", {"C": 6, "H": 6}),
    ("sulfur dioxide", "SO2", {"S": 1, "O": 2}), ("sulfuric acid", "H2SO4", {"H": 2, "S": 1, "O": 4}),
    ("calcium carbonate", "CaCO3", {"Ca": 1, "C": 1, "O": 3}), ("iron(III) oxide", "Fe2O3", {"Fe": 2, "O": 3}),
    ("magnesium oxide", "MgO", {"Mg": 1, "O": 1}), ("aluminium oxide", "Al2O3", {"Al": 2, "O": 3}),
    ("hydrogen peroxide", "H2O2", {"H": 2, "O": 2}), ("acetone", "C3H6O", {"C": 3, "H": 6, "O": 1}),
    ("nitric acid", "HNO3", {"H": 1, "N": 1, "O": 3}), ("silicon dioxide", "SiO2", {"Si": 1, "O": 2}),
    ("copper(II) oxide", "CuO", {"Cu": 1, "O": 1}), ("zinc oxide", "ZnO", {"Zn": 1, "O": 1}),
    ("ozone", "O3", {"O": 3}), ("carbon monoxide", "CO", {"C": 1, "O": 1}), ("nitrous oxide", "N2O", {"N": 2, "O": 1}),
]

# liquid, density in g/mL at about 20 °C
LIQUIDS = [("water", "0.998"), ("ethanol", "0.789"), ("methanol", "0.792"), ("acetone", "0.784"),
           ("hexane", "0.655"), ("chloroform", "1.49"), ("mercury", "13.53"), ("seawater", "1.025"),
           ("olive oil", "0.91"), ("isopropanol", "0.786"), ("toluene", "0.867"), ("diethyl ether", "0.713")]

# unit, target unit, factor, quantity
CONVERSIONS = [
    ("L", "mL", 1000, "volume"), ("mL", "L", 0.001, "volume"), ("mL", "µL", 1000, "volume"), ("µL", "mL", 0.001, "volume"),
    ("kg", "g", 1000, "mass"), ("g", "kg", 0.001, "mass"), ("g", "mg", 1000, "mass"), ("mg", "g", 0.001, "mass"),
    ("mg", "µg", 1000, "mass"), ("km", "m", 1000, "length"), ("m", "cm", 100, "length"), ("cm", "mm", 10, "length"),
    ("mm", "µm", 1000, "length"), ("µm", "nm", 1000, "length"), ("m", "km", 0.001, "length"), ("h", "min", 60, "time"),
    ("min", "s", 60, "time"), ("h", "s", 3600, "time"), ("day", "h", 24, "time"), ("atm", "kPa", 101.325, "pressure"),
    ("bar", "kPa", 100, "pressure"), ("kcal", "kJ", 4.184, "energy"), ("kJ", "J", 1000, "energy"),
    ("M", "mM", 1000, "concentration"), ("mM", "µM", 1000, "concentration"), ("mM", "M", 0.001, "concentration"),
    ("µM", "nM", 1000, "concentration"), ("inch", "cm", 2.54, "length"), ("mile", "km", 1.609, "length"), ("lb", "kg", 0.4536, "mass"),
]

LAB_SENTENCES = [
    "Safety glasses protect the eyes from splashes and should be worn at all times in the laboratory.",
    "A lab coat keeps chemicals off your clothes and skin.",
    "Gloves must be changed as soon as they are contaminated or torn.",
    "Volatile solvents are handled in a fume hood with the sash lowered.",
    "Never pipette by mouth; use a pipette controller or an automatic pipette.",
    "A volumetric flask holds one fixed volume very precisely.",
    "A graduated cylinder is quick to use but less accurate than a volumetric flask.",
    "Read the volume at the bottom of the meniscus with your eye level with the mark.",
    "An analytical balance should be levelled and calibrated regularly.",
    "Close the doors of the balance so that air currents do not disturb the reading.",
    "Tare the weighing boat before adding the sample.",
    "A centrifuge must be balanced by placing tubes of equal mass opposite each other.",
    "Label every bottle with its contents, the date and your initials.",
    "Waste solvents are collected in labelled containers, never poured down the sink.",
    "Acids are always added to water, not water to acids, because the mixing releases heat.",
    "Glassware is rinsed with deionized water after washing to remove traces of detergent.",
    "An autoclave sterilizes equipment with steam at 121 °C under pressure.",
    "Flammable liquids are stored in a ventilated cabinet away from sources of ignition.",
    "A pipette tip should be changed between samples to avoid cross-contamination.",
    "Record every measurement in the notebook as soon as it is made.",
    "Significant figures show how precisely a quantity was measured.",
    "The mean of repeated measurements is more reliable than a single reading.",
    "A thermometer should not touch the wall of the vessel when measuring a liquid.",
    "Spills are cleaned up at once, and larger spills are reported to the lab manager.",
    "The safety data sheet describes the hazards of a chemical and how to handle it.",
    "Eyewash stations and safety showers should be checked regularly.",
    "Hot plates stay hot for a long time after they are switched off.",
    "Gas cylinders are chained to the wall so that they cannot fall.",
    "A micropipette is set to the desired volume before the tip is attached.",
    "Work surfaces are wiped down at the end of each day.",
    "A stirring bar and a magnetic stirrer mix a liquid without a hand-held rod.",
    "Sensitive samples are kept on ice while you work with them.",
    "The freezer log shows where each box of samples is stored.",
    "Broken glass goes into a dedicated box, not into the normal bin.",
    "An experiment is easier to repeat when every step is written down.",
]

# reagent, what it is (general knowledge, no preparation recipes: those are the sample dataset's domain)
REAGENTS = [
    ("Tris", "a buffering agent that works best between pH 7 and 9; its pH drops as the temperature rises"),
    ("HEPES", "a zwitterionic buffering agent often used in cell culture, useful between pH 6.8 and 8.2"),
    ("MES", "a buffering agent for slightly acidic conditions, useful between pH 5.5 and 6.7"),
    ("MOPS", "a buffering agent useful between pH 6.5 and 7.9, common in RNA gels"),
    ("PIPES", "a buffering agent useful between pH 6.1 and 7.5 that binds metal ions only weakly"),
    ("EDTA", "a chelator that binds divalent metal ions such as magnesium and calcium"),
    ("DTT", "a reducing agent that keeps cysteine residues in proteins reduced"),
    ("SDS", "an anionic detergent that unfolds proteins and coats them with negative charge"),
    ("imidazole", "a small molecule that competes with histidine tags for nickel, used to elute tagged proteins"),
    ("glycerol", "a viscous liquid that stabilizes proteins and makes samples sink into gel wells"),
    ("urea", "a denaturant that unfolds proteins at high concentration"),
    ("guanidine hydrochloride", "a strong denaturant that unfolds most proteins"),
    ("sodium chloride", "a salt that sets the ionic strength of a solution"),
    ("magnesium chloride", "a source of magnesium ions, which many enzymes such as DNA polymerase need"),
    ("agarose", "a polysaccharide that forms gels for separating DNA fragments by size"),
    ("BSA", "bovine serum albumin, a protein used to block membranes and as a concentration standard"),
    ("Triton X-100", "a mild nonionic detergent that dissolves membranes"),
    ("Tween 20", "a mild nonionic detergent added to wash buffers"),
    ("PBS", "phosphate-buffered saline, a buffer with about the same salt content as body fluids"),
    ("TAE", "a running buffer for agarose gels made of Tris, acetate and EDTA"),
    ("TBE", "a running buffer for gels made of Tris, borate and EDTA"),
    ("ammonium sulfate", "a very soluble salt used to precipitate proteins"),
    ("PMSF", "an inhibitor of serine proteases that breaks down quickly in water"),
    ("sucrose", "a sugar used to make density gradients and to protect cells from osmotic shock"),
    ("glucose", "a sugar that cells use as a source of energy"),
    ("sodium hydroxide", "a strong base used to raise the pH of solutions"),
    ("hydrochloric acid", "a strong acid used to lower the pH of solutions"),
    ("potassium phosphate", "a salt that, mixed as its acidic and basic forms, buffers around pH 7"),
]

GENERAL_SENTENCES = [
    "A buffer resists changes in pH when small amounts of acid or base are added.",
    "Molarity is the number of moles of solute per litre of solution.",
    "Concentration tells how much solute is present in a given volume of solution.",
    "Moles measure the amount of a substance, and the molar mass converts moles into grams.",
    "Biochemistry studies the chemical processes inside living things.",
    "A concentration of 1 mM is one thousandth of 1 M, and 1 µM is one thousandth of 1 mM.",
    "One mole contains about 6.022 × 10^23 particles.",
    "A stock solution is a concentrated solution that is diluted before use.",
    "The solute is the substance that dissolves, and the solvent is the liquid it dissolves in.",
    "Water boils at 100 °C and freezes at 0 °C at sea level.",
    "Matter exists as solid, liquid or gas, and heating can change one state into another.",
    "Enzymes are proteins that speed up chemical reactions in living cells.",
    "DNA carries genetic information as a sequence of four bases.",
    "Proteins are chains of amino acids folded into a three-dimensional shape.",
    "Plants use light, water and carbon dioxide to make sugar and oxygen.",
    "The pH scale runs from 0 to 14, and pure water has a pH of 7 at 25 °C.",
    "Acids donate protons, while bases accept them.",
    "Density is mass divided by volume.",
    "Energy cannot be created or destroyed, only changed from one form to another.",
    "A catalyst lowers the energy needed for a reaction without being used up.",
    "Diffusion moves particles from a region of high concentration to one of low concentration.",
    "Cells are surrounded by a membrane made of a double layer of lipids.",
    "Temperature measures the average kinetic energy of particles.",
    "Light travels through a vacuum at about 300,000 km per second.",
    "An isotope of an element has the same number of protons but a different number of neutrons.",
    "Ionic compounds dissolve in water as separate positive and negative ions.",
    "A spectrophotometer measures how much light a sample absorbs at a given wavelength.",
    "Centrifugation separates particles by their size and density.",
    "Chromatography separates the parts of a mixture by how they move through a stationary phase.",
    "Gel electrophoresis moves charged molecules through a gel with an electric field.",
    "Distilled water has had most of its dissolved salts removed.",
    "The units of a result must match the units of the quantities used to compute it.",
]

PROCEDURE_SENTENCES = [
    "First, switch on the instrument and let it warm up for a few minutes.",
    "Then prepare the samples and keep them on ice.",
    "Weigh the empty tube, add the sample and weigh it again.",
    "Dissolve the solid completely before you measure anything.",
    "Mix the solution by inverting the bottle several times.",
    "Bring each sample to room temperature before the measurement.",
    "Finally, clean the cuvette with water and let it dry.",
    "So the total time for the procedure is about one hour.",
    "Write down the result together with its units.",
    "When the reading is stable, note it in your notebook.",
    "If the value looks wrong, check the calibration and measure again.",
    "Please make sure the lid is closed before you start the run.",
    "Help is available from the lab manager if anything is unclear.",
    "Calculate the average of three readings and report it with two decimals.",
    "Store the remaining sample in the fridge at 4 °C.",
    "Each step should be checked by a second person when the work is critical.",
]

QUESTION_OPENERS = ["", "", "", "", "", "Hi, ", "Hello! ", "Please help: ", "Quick one: ", "Can you tell me: ",
                    "I was wondering: ", "For my homework: ", "One more question. ", "Thanks! Next: ", "Help please. "]

SYSTEM_PROMPTS = [
    "You are a helpful science tutor.",
    "You are a concise assistant. Answer in one or two sentences.",
    "You answer questions about chemistry and physics for students. Show the calculation when there is one.",
    "You are a friendly assistant for a school science class.",
    "You explain units and conversions clearly.",
]

SAFETY_QA = [
    ("Why do we add acid to water and not the other way round?",
     "Mixing acid and water releases heat. Adding the acid slowly to water keeps the heat spread through a lot of water, so it does not boil and splash."),
    ("What should I wear in the lab?", "Wear safety glasses, a lab coat, closed shoes and gloves suited to the chemicals you handle."),
    ("How do I balance a centrifuge?", "Put tubes of equal mass directly opposite each other. If you have an odd number of samples, add a tube of water as a counterweight."),
    ("What is a fume hood for?", "A fume hood pulls vapours away from you. Use it for volatile, toxic or smelly chemicals and keep the sash low."),
    ("How do I read a graduated cylinder?", "Put your eye level with the liquid and read the bottom of the meniscus."),
    ("Where does used solvent go?", "Into a labelled waste container for that kind of solvent, never down the sink."),
    ("What does an autoclave do?", "It sterilizes equipment and media with pressurized steam, usually at 121 °C for about 20 minutes."),
    ("What is a safety data sheet?", "A document for each chemical that lists its hazards, safe handling, storage, and what to do after exposure or a spill."),
    ("Why tare a balance?", "Taring sets the reading to zero with the empty container on the pan, so the display shows only the mass of the sample."),
    ("What is the difference between accuracy and precision?",
     "Accuracy is how close a result is to the true value; precision is how close repeated results are to each other."),
    ("Why change pipette tips between samples?", "A used tip carries some of the previous sample, which would contaminate the next one."),
    ("What should I do if I spill a chemical?", "Warn people nearby, check the safety data sheet, clean small spills with the spill kit and report larger ones."),
    ("How should gas cylinders be stored?", "Upright and chained to a wall or bench, with the valve cap on when not in use."),
    ("What are significant figures?", "The digits of a measured number that carry meaning: all certain digits plus the first uncertain one."),
    ("Why is a volumetric flask more accurate than a beaker?", "It is calibrated to hold one exact volume at the mark, while a beaker's marks are only rough guides."),
]

# ---------------------------------------------------------------- number helpers

def pick_amount(rng: random.Random) -> float:
    return rng.choice([0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10, 12, 15, 20, 25, 40, 50, 75, 100, 120, 250, 300, 500, 750])


def molar_mass(counts: dict) -> tuple[str, float]:
    parts, total = [], 0.0
    for sym, n in counts.items():
        weight = float(ELEMENT[sym][3])
        parts.append(f"{n} × {ELEMENT[sym][3]}" if n > 1 else ELEMENT[sym][3])
        total += n * weight
    return " + ".join(parts), total


# ---------------------------------------------------------------- question/answer pairs (chat) and prose

def qa_element(rng):
    name, sym, z, weight, state, kind = rng.choice(ELEMENTS)
    n = name.capitalize()
    return rng.choice([
        (f"What is the chemical symbol for {name}?", f"The symbol for {name} is {sym}."),
        (f"Which element has the symbol {sym}?", f"{sym} is the symbol of {name}, element number {z}."),
        (f"What is the atomic number of {name}?", f"{n} has atomic number {z}, so each atom has {z} protons."),
        (f"What is the atomic weight of {name}?", f"The standard atomic weight of {name} is about {weight}, so one mole weighs about {weight} g."),
        (f"Is {name} a solid, a liquid or a gas at room temperature?", f"{n} is a {state} at room temperature."),
        (f"What kind of element is {name}?", f"{n} is a {kind}."),
        (f"How many protons does an atom of {name} have?", f"An atom of {name} has {z} protons, because its atomic number is {z}."),
        (f"Tell me about {name}.", f"{n} ({sym}) is element {z}, a {kind} that is a {state} at room temperature, with an atomic weight of {weight}."),
    ])


def qa_conversion(rng):
    src, dst, factor, _ = rng.choice(CONVERSIONS)
    x = pick_amount(rng)
    y = x * factor
    q = rng.choice([f"Convert {num(x)} {src} to {dst}.", f"How many {dst} are in {num(x)} {src}?",
                    f"What is {num(x)} {src} in {dst}?", f"{num(x)} {src} is how many {dst}?"])
    a = rng.choice([f"1 {src} = {num(factor, 4)} {dst}, so {num(x)} {src} = {num(x)} × {num(factor, 4)} {dst} = {num(y, 4)} {dst}.",
                    f"Multiply by {num(factor, 4)}: {num(x)} {src} × {num(factor, 4)} {dst}/{src} = {num(y, 4)} {dst}."])
    return q, a


def qa_temperature(rng):
    c = rng.choice([-40, -20, -10, 0, 4, 10, 15, 20, 25, 30, 37, 42, 50, 60, 65, 72, 80, 95, 100, 121, 150, 200])
    form = rng.randrange(3)
    if form == 0:
        return (f"What is {c} °C in kelvin?", f"Add 273.15: {c} + 273.15 = {num(c + 273.15, 2)} K.")
    if form == 1:
        return (f"What is {c} °C in Fahrenheit?", f"°F = °C × 9/5 + 32 = {c} × 1.8 + 32 = {num(c * 1.8 + 32, 1)} °F.")
    f = c * 1.8 + 32
    return (f"Convert {num(f, 1)} °F to Celsius.", f"°C = (°F − 32) × 5/9 = ({num(f, 1)} − 32) × 5/9 = {num(c, 1)} °C.")


def qa_density(rng):
    liquid, rho = rng.choice(LIQUIDS)
    v = pick_amount(rng)
    m = v * float(rho)
    if rng.random() < 0.5:
        return (f"What is the mass of {num(v)} mL of {liquid}?",
                f"Mass = density × volume = {rho} g/mL × {num(v)} mL = {num(m, 2)} g.")
    return (f"What volume do {num(m, 2)} g of {liquid} take up?",
            f"Volume = mass / density = {num(m, 2)} g / {rho} g/mL = {num(v, 2)} mL.")


def qa_molecule(rng):
    name, formula, counts = rng.choice(MOLECULES)
    parts, total = molar_mass(counts)
    if rng.random() < 0.6:
        return (f"What is the molar mass of {name} ({formula})?",
                f"Add up the atomic weights: {parts} = {num(total, 3)} g/mol.")
    moles = rng.choice([0.1, 0.25, 0.5, 2, 3, 5])
    return (f"How many grams are in {num(moles)} mol of {formula}?",
            f"The molar mass of {formula} is {num(total, 3)} g/mol, so {num(moles)} mol × {num(total, 3)} g/mol = {num(moles * total, 2)} g.")


def qa_speed(rng):
    d = rng.choice([5, 12, 30, 42, 60, 90, 120, 150, 240, 300])
    t = rng.choice([0.5, 1, 1.5, 2, 3, 4])
    return (f"A car travels {d} km in {num(t)} h. What is its average speed?",
            f"Speed = distance / time = {d} km / {num(t)} h = {num(d / t, 2)} km/h.")


def qa_safety(rng):
    return rng.choice(SAFETY_QA)


def qa_reagent(rng):
    name, what = rng.choice(REAGENTS)
    return rng.choice([(f"What is {name}?", f"{name[0].upper() + name[1:]} is {what}."),
                       (f"What is {name} used for in the lab?", f"{name[0].upper() + name[1:]} is {what}."),
                       (f"Tell me briefly about {name}.", f"It is {what}.")])


def qa_tense(rng):
    seed = rng.randrange(2**32)
    now, past = statement(random.Random(seed), "present"), statement(random.Random(seed), "past")
    return rng.choice([(f"Put this sentence in the past tense: {now}", past),
                       (f"Rewrite in the past tense: {now}", past),
                       (f"Change this to the present tense: {past}", now)])


def qa_plural(rng):
    noun = rng.choice([n for n in NOUNS if n not in UNCOUNTABLE])
    return rng.choice([(f"What is the plural of {noun}?", f"The plural of {noun} is {plural(noun)}."),
                       (f"One {noun}, two ...?", f"Two {plural(noun)}.")])


def qa_story(rng):
    text = paragraph(rng)
    first, _, rest = text.partition(". ")
    return rng.choice([
        (rng.choice(["Write a few sentences about a busy day.", "Tell me a short story.", "Describe an ordinary day at work.",
                     "Write a short paragraph about anything you like.", "Make up a little story, please."]), text),
        (f"Continue this story: {first}.", rest or text),
    ])


def qa_tips(rng):
    tips = rng.sample(LAB_SENTENCES, rng.randint(2, 4))
    return (rng.choice([f"Give me {len(tips)} lab safety tips.", f"What are {len(tips)} good habits in the lab?",
                        f"List {len(tips)} rules for working in a lab."]),
            "\n".join(f"{i}. {t}" for i, t in enumerate(tips, 1)))


def qa_steps(rng):
    steps = rng.sample(PROCEDURE_SENTENCES, rng.randint(3, 5))
    return (rng.choice(["How should I go about a measurement?", "What are the usual steps of a measurement?",
                        "Can you give me a general procedure for measuring samples?"]),
            " ".join(steps) if rng.random() < 0.5 else "\n".join(f"{i}. {t}" for i, t in enumerate(steps, 1)))


QA_MAKERS = [(qa_element, 4), (qa_conversion, 3), (qa_temperature, 2), (qa_density, 2), (qa_molecule, 3),
             (qa_speed, 1), (qa_safety, 2), (qa_reagent, 2), (worked_problem, 6), (qa_tense, 2), (qa_plural, 1),
             (qa_story, 4), (qa_tips, 1), (qa_steps, 1)]


def prose_element(rng):
    name, sym, z, weight, state, kind = rng.choice(ELEMENTS)
    n = name.capitalize()
    sentences = [
        rng.choice([f"{n} is element number {z} in the periodic table.", f"The atomic number of {name} is {z}.",
                    f"Element {z} is {name}."]),
        rng.choice([f"Its chemical symbol is {sym}.", f"Chemists write it as {sym}.", f"The symbol {sym} stands for {name}."]),
        rng.choice([f"It is a {kind}.", f"{n} belongs to the group of elements known as a {kind}."]),
        rng.choice([f"At room temperature it is a {state}.", f"{n} is a {state} under normal conditions."]),
        rng.choice([f"Its standard atomic weight is {weight}.", f"One mole of {name} atoms has a mass of about {weight} g.",
                    f"The atomic weight of {name} is {weight} g/mol."]),
    ]
    head, tail = sentences[:1], sentences[1:]
    rng.shuffle(tail)
    return " ".join(head + tail)


def prose_worked(rng):
    makers = [qa_conversion, qa_temperature, qa_density, qa_molecule, qa_speed, worked_problem, worked_problem]
    parts = []
    for _ in range(rng.randint(2, 4)):
        q, a = rng.choice(makers)(rng)
        parts.append(rng.choice([f"Example: {q} {a}", f"{q} {a}", f"Question: {q}\nAnswer: {a}"]))
    return "\n".join(parts)


def prose_lab(rng):
    return " ".join(rng.sample(LAB_SENTENCES, rng.randint(3, 6)))


def prose_molecules(rng):
    picks = rng.sample(MOLECULES, rng.randint(2, 4))
    lines = ["The molar mass of a compound is the sum of the atomic weights of its atoms."]
    for name, formula, counts in picks:
        parts, total = molar_mass(counts)
        lines.append(f"For {name}, {formula}: {parts} = {num(total, 3)} g/mol.")
    return " ".join(lines)


def prose_reagents(rng):
    picks = rng.sample(REAGENTS, rng.randint(2, 4))
    return " ".join(rng.choice([f"{n[0].upper() + n[1:]} is {w}.", f"In the lab, {n} is {w}."]) for n, w in picks)


def prose_procedure(rng):
    steps = rng.sample(PROCEDURE_SENTENCES, rng.randint(3, 5))
    return " ".join(steps) if rng.random() < 0.5 else "\n".join(f"{i}. {t}" for i, t in enumerate(steps, 1))


def prose_general(rng):
    return " ".join(rng.sample(GENERAL_SENTENCES, rng.randint(3, 6)))


def prose_plain(rng):
    return "\n\n".join(paragraph(rng) for _ in range(rng.randint(1, 3)))


PROSE_MAKERS = [(prose_element, 2), (prose_worked, 3), (prose_lab, 2), (prose_molecules, 1), (prose_reagents, 2),
                (prose_general, 2), (prose_procedure, 1), (prose_plain, 6)]


def weighted(rng, makers):
    return rng.choices([m for m, _ in makers], weights=[w for _, w in makers])[0]


def chat_doc(rng) -> list[dict]:
    messages = []
    system = rng.choice(SYSTEM_PROMPTS + [None])
    if system:
        messages.append({"role": "system", "content": system})
    for _ in range(1 if rng.random() < 0.75 else 2):
        q, a = weighted(rng, QA_MAKERS)(rng)
        q = rng.choice(QUESTION_OPENERS) + q
        messages += [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
    return messages


def corpus(rng: random.Random, n_docs: int) -> list:
    """Prose strings and chat message lists (45%)."""
    return [chat_doc(rng) if rng.random() < 0.45 else weighted(rng, PROSE_MAKERS)(rng) for _ in range(n_docs)]


def doc_texts(doc) -> list[str]:
    return [m["content"] for m in doc] if isinstance(doc, list) else [doc]
