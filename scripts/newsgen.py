"""Synthetic treaty news shaped like real news, for scripts/bench.

Real articles name someone or something in almost every sentence (the seeds and the evaluation
corpora: 96-97 % of their text survives the irrelevant-sentence mask), run to 20-25 words a sentence
and 15-40 sentences, and keep introducing people, treaties and organisations nobody wrote about
before: an archive's vocabulary of names grows without end, more slowly as it grows. The generator
follows that: every entity is drawn from a Pitman-Yor process (the standard model of vocabulary
growth), so a popular minister comes back in many documents while new names keep appearing at a
rate that falls as the archive grows. People, treaties, organisations and towns are invented
(built from syllables); countries and capitals are real.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

COUNTRIES = [
    ("France", "French", "Paris"), ("Germany", "German", "Berlin"), ("Japan", "Japanese", "Tokyo"),
    ("Brazil", "Brazilian", "Brasilia"), ("India", "Indian", "New Delhi"), ("Kenya", "Kenyan", "Nairobi"),
    ("Chile", "Chilean", "Santiago"), ("Norway", "Norwegian", "Oslo"), ("Egypt", "Egyptian", "Cairo"),
    ("Canada", "Canadian", "Ottawa"), ("Mexico", "Mexican", "Mexico City"), ("Turkey", "Turkish", "Ankara"),
    ("Vietnam", "Vietnamese", "Hanoi"), ("Poland", "Polish", "Warsaw"), ("Argentina", "Argentine", "Buenos Aires"),
    ("Indonesia", "Indonesian", "Jakarta"), ("Nigeria", "Nigerian", "Abuja"), ("Peru", "Peruvian", "Lima"),
    ("Spain", "Spanish", "Madrid"), ("Italy", "Italian", "Rome"), ("Sweden", "Swedish", "Stockholm"),
    ("Ghana", "Ghanaian", "Accra"), ("Morocco", "Moroccan", "Rabat"), ("Thailand", "Thai", "Bangkok"),
    ("Australia", "Australian", "Canberra"), ("Colombia", "Colombian", "Bogota"), ("Greece", "Greek", "Athens"),
    ("Portugal", "Portuguese", "Lisbon"), ("Ethiopia", "Ethiopian", "Addis Ababa"), ("Pakistan", "Pakistani",
                                                                                     "Islamabad"),
    ("Finland", "Finnish", "Helsinki"), ("Ukraine", "Ukrainian", "Kyiv"), ("Senegal", "Senegalese", "Dakar"),
    ("Malaysia", "Malaysian", "Kuala Lumpur"), ("Austria", "Austrian", "Vienna"), ("Hungary", "Hungarian",
                                                                                  "Budapest"),
]
TITLES = ["Foreign Minister", "President", "Prime Minister", "Defence Minister", "Trade Minister",
          "Energy Minister", "Ambassador", "Deputy Foreign Minister"]
TOPICS = ["Fisheries", "Maritime Boundary", "Water Sharing", "Arms Reduction", "Free Trade", "Climate Cooperation",
          "Mutual Defence", "Energy Transit", "Border Demarcation", "Space Cooperation", "Migration", "Investment",
          "Extradition", "Civil Aviation", "Double Taxation", "Nuclear Safety"]
TOPIC_WORDS = ["fishing quotas", "the river basin", "tariffs on steel", "the pipeline route", "visa rules",
               "the disputed islands", "grain exports", "the power grid", "customs checks", "port fees"]
KINDS = ["Treaty", "Agreement", "Convention", "Accord", "Protocol"]
ORG_KINDS = ["Development Bank", "Council", "Commission", "Institute", "Federation", "Union", "Forum"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
SYLLABLES = ["ka", "ri", "mo", "ta", "len", "dor", "vi", "sa", "ne", "bru", "ko", "ha", "mi", "zel", "tu", "an",
             "or", "el", "ya", "fen", "gar", "lo", "pe", "sto", "un", "va", "ber", "cha", "di", "mar", "nu", "qui",
             "ras", "sel", "tor", "vel", "wen", "ji", "bo", "ca", "fi", "gu", "le", "po", "ste", "ti", "za"]
# Sentences that name nobody and state nothing: the few the mask should skip.
FILLER = [
    "Markets were calm in early trading and analysts expected little movement before the long weekend.",
    "The weather service forecast heavy rain for the coastal provinces over the coming days.",
    "Observers said the negotiations had been long and often difficult for everyone involved.",
    "Prices for staple foods rose slightly over the previous month, according to early estimates.",
    "Critics argued that the text left many questions unanswered and would need further work.",
]


class Pool:
    """Draws entities from a Pitman-Yor process: a new one with probability (theta + d·K)/(n + theta),
    otherwise an earlier one in proportion to how often it was drawn (K entities, n draws so far)."""

    def __init__(self, rng: random.Random, make, discount: float, theta: float) -> None:
        self.rng, self.make, self.d, self.theta = rng, make, discount, theta
        self.items: list = []
        self.draws: list[int] = []
        self.new = 0

    def draw(self):
        n, k = len(self.draws), len(self.items)
        if self.rng.random() * (n + self.theta) < self.theta + self.d * k:
            self.items.append(self.make())
            idx = k
            self.new += 1
        else:
            idx = self.draws[self.rng.randrange(n)]
        self.draws.append(idx)
        return self.items[idx]

    def distinct(self, m: int) -> list:
        out: list = []
        for _ in range(m * 4):
            e = self.draw()
            if e not in out:
                out.append(e)
            if len(out) == m:
                break
        return out


@dataclass
class Shape:
    """What the generated archive looks like, for the benchmark to print beside its ratios."""

    docs: int = 0
    words: int = 0
    sentences: int = 0
    sentences_with_names: int = 0
    entities: int = 0
    new_per_doc: list[int] = field(default_factory=list)

    def summary(self) -> dict:
        tenth = max(1, len(self.new_per_doc) // 10)
        return {
            "sentences_with_names": self.sentences_with_names / max(1, self.sentences),
            "words_per_sentence": self.words / max(1, self.sentences),
            "entities_per_doc": self.entities / max(1, self.docs),
            "new_entities_per_doc_first_10pct": sum(self.new_per_doc[:tenth]) / tenth,
            "new_entities_per_doc_last_10pct": sum(self.new_per_doc[-tenth:]) / tenth,
        }


class NewsGenerator:
    """A deterministic stream of articles: the first n of a seed are the same for every n."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = rng = random.Random(seed)
        # Tuned so that about 5 names per article are new early on and about 2 still are at 10,000
        # articles (some 15,000 people and 5,000 treaties by then).
        self.people = Pool(rng, self._person, 0.8, 80.0)
        self.treaties = Pool(rng, self._treaty, 0.7, 40.0)
        self.orgs = Pool(rng, self._org, 0.7, 40.0)
        self.towns = Pool(rng, lambda: self._word(2, 3), 0.7, 40.0)
        self.shape = Shape()

    def _word(self, lo: int, hi: int) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(lo, hi))).capitalize()

    def _person(self) -> tuple[str, str, tuple]:
        return f"{self._word(2, 3)} {self._word(2, 3)}", self.rng.choice(TITLES), self._country()

    def _country(self) -> tuple:
        # A few countries are in the news far more often than the rest.
        return COUNTRIES[min(int(self.rng.paretovariate(0.9)) - 1, len(COUNTRIES) - 1)] \
            if self.rng.random() < 0.5 else self.rng.choice(COUNTRIES)

    def _treaty(self) -> str:
        r = self.rng.random()
        if r < 0.4:
            return f"{self._word(2, 3)} {self.rng.choice(TOPICS)} {self.rng.choice(KINDS)}"
        if r < 0.7:
            return f"Treaty of {self._word(2, 3)}"
        return f"{self.rng.choice(TOPICS)} {self.rng.choice(KINDS)} of {self._word(2, 3)}"

    def _org(self) -> str:
        return f"{self._word(2, 3)} {self.rng.choice(ORG_KINDS)}"

    def article(self) -> tuple[str, dict]:
        rng, shape = self.rng, self.shape
        before = self.people.new + self.treaties.new + self.orgs.new + self.towns.new
        people = self.people.distinct(rng.randint(2, 6))
        states = list(dict.fromkeys([p[2] for p in people] + [self._country() for _ in range(rng.randint(1, 3))]))
        if len(states) < 2:
            states.append(next(c for c in COUNTRIES if c not in states))
        treaties = self.treaties.distinct(rng.randint(2, 3))
        orgs = self.orgs.distinct(rng.randint(1, 2))
        towns = self.towns.distinct(rng.randint(1, 2))
        shape.new_per_doc.append(self.people.new + self.treaties.new + self.orgs.new + self.towns.new - before)
        shape.entities += len(people) + len(states) + len(treaties) + len(orgs) + len(towns)
        shape.docs += 1
        year = rng.randint(1995, 2024)
        sentences = []
        for _ in range(rng.randint(10, 32)):
            if rng.random() < 0.04:
                sentences.append(rng.choice(FILLER))
                shape.sentences += 1
                continue
            sentences.append(self._sentence(people, states, treaties, orgs, towns, year))
            shape.sentences += 1
            shape.sentences_with_names += 1
        paragraphs, i = [], 0
        while i < len(sentences):
            k = rng.randint(1, 3)
            paragraphs.append(" ".join(sentences[i:i + k]))
            i += k
        a, b = states[0][0], states[1][0]
        title = f"{a} and {b} and the {treaties[0]}"
        text = title + "\n\n" + "\n\n".join(paragraphs) + "\n"
        shape.words += sum(len(s.split()) for s in sentences)
        meta = {"published": f"{min(year + 2, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "title": title}
        return text, meta

    def _sentence(self, people, states, treaties, orgs, towns, year) -> str:
        rng = self.rng
        (pa, ta, (ca, da, _)), (pb, tb, (cb, db, capb)) = rng.sample(people, 2) if len(people) > 1 \
            else (people[0], people[0])
        (sa, dsa, capa), (sb, _, _) = rng.sample(states, 2)
        t, t2 = rng.sample(treaties, 2) if len(treaties) > 1 else (treaties[0], treaties[0])
        org, town = rng.choice(orgs), rng.choice(towns)
        date = f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {year}"
        n, m = rng.randint(1, 30), rng.randint(1, 30)
        topic = rng.choice(TOPIC_WORDS)
        options = [
            f"{da} {ta} {pa} and {db} {tb} {pb} signed the {t} in {town} on {date}, officials from both "
            f"delegations said.",
            f"The {t} between {sa} and {sb} entered into force on {date} after the instruments of ratification "
            f"were exchanged in {capa}.",
            f"According to Article {n} of the {t}, «each party shall notify the other of any change in accordance "
            f"with Article {m}».",
            f"{pa} met with {pb} in {capb} on {rng.choice(WEEKDAYS)} to discuss how the {t} would be implemented "
            f"over the next {rng.randint(2, 9)} years.",
            f"The parliament of {sb} ratified the {t} in {rng.choice(MONTHS)} {year + 1} by a vote of "
            f"{rng.randint(100, 300)} to {rng.randint(5, 99)}, according to the {org}.",
            f"{sb} will consider whether to invoke Article {n} of the {t} if the dispute over {topic} continues "
            f"into next year.",
            f"{ta} {pa} visited {town} last week, the first visit by a {da} leader to the region since {year}.",
            f"The {t} replaces the {t2}, which {sa} and {sb} had signed in {year - rng.randint(5, 30)} but never "
            f"fully applied.",
            f"Speaking to reporters in {capa}, {pa} said the talks with {sb} had been long and often difficult "
            f"but worthwhile.",
            f"{pb}, who has served as {tb} of {cb} since {year - rng.randint(1, 8)}, told the {org} that more "
            f"meetings were planned.",
            f"Analysts at the {org} said the agreement could raise trade between {sa} and {sb} by as much as "
            f"{rng.randint(5, 40)} percent.",
            f"Markets in {sa} were calm in early trading, and traders in {capa} expected little movement before "
            f"the holiday.",
            f"Opposition parties in {sb} argued that the text left many questions about {topic} unanswered.",
            f"The ceremony in {town} was attended by diplomats from {sa}, business leaders and journalists from "
            f"across the region.",
            f"{dsa} newspapers devoted several pages to the visit, while television in {sb} focused on the "
            f"football results.",
            f"A spokesperson for the {org} said {pb} would chair the first meeting of the joint commission in "
            f"{rng.choice(MONTHS)}.",
        ]
        if t == t2:
            options = [o for o in options if " replaces " not in o]
        return rng.choice(options)


def generate(folder: Path, n: int, seed: int = 7) -> tuple[int, dict]:
    """Write the first n articles of the seed's stream with sidecars; returns words and the archive's shape."""
    gen = NewsGenerator(seed)
    folder.mkdir(parents=True, exist_ok=True)
    words = 0
    for i in range(n):
        text, meta = gen.article()
        (folder / f"news_{i:06d}.txt").write_text(text, encoding="utf-8")
        (folder / f"news_{i:06d}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
        words += len(text.split())
    return words, gen.shape.summary()
