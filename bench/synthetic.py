"""Synthetic data in realistic shapes, for benchmarks: deterministic for a seed, bulk-inserted.

For N requests: about 3N responses, N/5 articles, 4N citations whose quotes are sentences of
their articles, 5,000 actors (for 100,000 requests; fewer for smaller N) with aliases, 1,000
items with aliases, and dated stances for every government that receives requests.
"""

import datetime
import itertools
import random
from collections.abc import Callable

from django.db import connection, transaction
from django_countries.data import COUNTRIES

from requests_app.models import (
    Actor,
    ActorAlias,
    AidRequest,
    AidResponse,
    Citation,
    Item,
    ItemAlias,
    PolicyStance,
    SourceArticle,
)
from requests_app.services import requests_derive

FIRST_DAY = datetime.date(2014, 1, 1)
DAYS = (datetime.date(2025, 12, 31) - FIRST_DAY).days
BATCH = 2000
DECISIONS = [
    (AidResponse.Decision.UNDER_CONSIDERATION, 30),
    (AidResponse.Decision.DECLINED, 25),
    (AidResponse.Decision.PARTIALLY_MET, 12),
    (AidResponse.Decision.FULFILLED, 15),
    (AidResponse.Decision.ALTERNATIVE_OFFERED, 8),
    (AidResponse.Decision.WITHDRAWN, 3),
    (AidResponse.Decision.NO_COMMENT, 7),
]
VERBS = ["asked", "appealed to", "pressed", "urged", "requested help from", "wrote to"]
THINGS = [
    "air defence",
    "artillery shells",
    "radars",
    "demining kits",
    "field hospitals",
    "generators",
    "armoured vehicles",
    "drones",
    "helmets",
    "financial support",
]


class Generator:
    def __init__(self, requests: int, seed: int, report: Callable[[str], None]) -> None:
        self.n = requests
        self.random = random.Random(seed)
        self.report = report

    # ----------------------------------------------------------------- helpers

    def day(self) -> datetime.date:
        return FIRST_DAY + datetime.timedelta(days=self.random.randrange(DAYS))

    def sentence(self, actor: Actor, other: Actor, item: Item, number: int) -> str:
        verb = self.random.choice(VERBS)
        thing = self.random.choice(THINGS)
        return (
            f"{actor.name} {verb} {other.name} for {item.name} and {thing}, "
            f"officials said in statement {number}."
        )

    def bulk(self, model, objects: list, label: str) -> list:
        created = []
        for start in range(0, len(objects), BATCH):
            created += model.objects.bulk_create(objects[start : start + BATCH])
        self.report(f"  {len(created):>8,} {label}")
        return created

    # ----------------------------------------------------------------- the catalogue

    def make_actors(self) -> None:
        total = max(400, self.n // 20)
        countries = [
            Actor(slug=f"syn-country-{code.lower()}", name=f"{name}", kind="country", country=code)
            for code, name in list(COUNTRIES.items())[:200]
        ]
        kinds = [
            ("person", 60),
            ("government_body", 16),
            ("media_outlet", 10),
            ("company", 8),
            ("research_institute", 4),
            ("international_organisation", 2),
        ]
        others = []
        for number in range(total - len(countries)):
            kind = self.random.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
            country = self.random.choice(countries).country
            others.append(
                Actor(
                    slug=f"syn-actor-{number}",
                    name=f"{kind.title()} {number}",
                    kind=kind,
                    country=country,
                )
            )
        self.countries = self.bulk(Actor, countries, "countries")
        people_and_bodies = self.bulk(Actor, others, "other actors")
        aliases = [
            ActorAlias(actor=actor, name=f"{actor.name} alias {variant}")
            for actor in [*self.countries, *people_and_bodies]
            for variant in range(self.random.choice([0, 1, 1, 2, 2, 3]))
        ]
        self.bulk(ActorAlias, aliases, "actor aliases")
        self.outlets = [a for a in people_and_bodies if a.kind == "media_outlet"]
        self.voices = [a for a in people_and_bodies if a.kind in ("person", "government_body")]
        self.requesters = self.countries[:150]
        self.addressees = self.countries[150:]

    def make_items(self) -> None:
        categories = [c for c, _ in Item.Category.choices]
        lethality = [lethal for lethal, _ in Item.Lethality.choices]
        items = [
            Item(
                slug=f"syn-item-{n}",
                name=f"System {n}",
                category=self.random.choice(categories),
                lethality=self.random.choice(lethality),
            )
            for n in range(max(20, min(1000, self.n // 100)))
        ]
        self.item_list = self.bulk(Item, items, "items")
        aliases = [
            ItemAlias(item=item, name=f"S-{item.pk}-{variant}")
            for item in self.item_list
            for variant in range(self.random.choice([0, 1, 2]))
        ]
        self.bulk(ItemAlias, aliases, "item aliases")

    def make_stances(self) -> None:
        positions = [p for p, _ in PolicyStance.Position.choices]
        stances, self.stances_of = [], {}
        for holder in self.addressees:
            starts = sorted(self.day() for _ in range(self.random.randint(4, 10)))
            chain = []
            for number, start in enumerate(starts):
                stance = PolicyStance(
                    slug=f"syn-stance-{holder.pk}-{number}",
                    holder=holder,
                    title=f"{holder.name} policy {number}",
                    subject="Aid to requesters",
                    summary=f"{holder.name} states its policy, version {number}.",
                    position=self.random.choice(positions),
                    in_force_from=start,
                )
                chain.append(stance)
            stances += chain
            self.stances_of[holder.pk] = chain
        self.bulk(PolicyStance, stances, "stances")
        for chain in self.stances_of.values():
            for earlier, later in itertools.pairwise(chain):
                later.supersedes = earlier
        PolicyStance.objects.bulk_update(stances, ["supersedes"], batch_size=BATCH)

    def stance_on(self, holder: Actor, day: datetime.date) -> PolicyStance | None:
        in_force = [s for s in self.stances_of[holder.pk] if s.in_force_from <= day]
        return in_force[-1] if in_force else None

    # ----------------------------------------------------------------- the facts

    def make_articles(self) -> None:
        self.sentences = {}
        articles = []
        for number in range(max(10, self.n // 5)):
            lines = [
                self.sentence(
                    self.random.choice(self.requesters),
                    self.random.choice(self.addressees),
                    self.random.choice(self.item_list),
                    line,
                )
                for line in range(12)
            ]
            articles.append(
                SourceArticle(
                    slug=f"syn-article-{number}",
                    title=f"Report {number}",
                    publisher=self.random.choice(self.outlets),
                    published_on=self.day(),
                    date_evidence="Synthetic.",
                    body="\n\n".join(lines),
                )
            )
            self.sentences[number] = lines
        self.article_list = self.bulk(SourceArticle, articles, "articles")

    def quote(self) -> tuple[SourceArticle, str]:
        number = self.random.randrange(len(self.article_list))
        return self.article_list[number], self.random.choice(self.sentences[number])

    def make_requests(self) -> None:
        decisions = [d for d, _ in DECISIONS]
        weights = [w for _, w in DECISIONS]
        channels = [c for c, _ in AidRequest.Channel.choices]
        modes = [m for m, _ in AidRequest.Mode.choices]
        made = responded = cited = 0
        for start in range(0, self.n, BATCH):
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # Synthetic rows need no wait for the disk at each commit.
                    connection.cursor().execute("SET LOCAL synchronous_commit = off")
                batch = []
                for number in range(start, min(start + BATCH, self.n)):
                    item = self.random.choice(self.item_list)
                    requester = self.random.choice(self.requesters)
                    batch.append(
                        AidRequest(
                            slug=f"syn-request-{number}",
                            title=f"{item.name} for {requester.name}",
                            summary=f"{requester.name} asked for {item.name} ({number}).",
                            requester=requester,
                            addressee=self.random.choice(self.addressees),
                            voiced_by=self.random.choice(self.voices),
                            item=item,
                            made_on=self.day(),
                            channel=self.random.choice(channels),
                            mode=self.random.choice(modes),
                        )
                    )
                AidRequest.objects.bulk_create(batch)
                responses, citations = [], []
                for aid_request in batch:
                    source, quote = self.quote()
                    citations.append(Citation(request=aid_request, source=source, quote=quote))
                    for _ in range(self.random.choice([1, 2, 3, 3, 4, 5])):
                        day = aid_request.made_on + datetime.timedelta(self.random.randrange(400))
                        responses.append(
                            AidResponse(
                                slug=f"syn-response-{len(responses) + responded}",
                                request=aid_request,
                                responder=aid_request.addressee,
                                responded_on=day,
                                decision=self.random.choices(decisions, weights)[0],
                                summary=f"{aid_request.addressee.name} answers.",
                                stance=self.stance_on(aid_request.addressee, day),
                            )
                        )
                AidResponse.objects.bulk_create(responses, batch_size=BATCH)
                for response in responses:
                    source, quote = self.quote()
                    citations.append(Citation(response=response, source=source, quote=quote))
                Citation.objects.bulk_create(citations, batch_size=BATCH)
            made += len(batch)
            responded += len(responses)
            cited += len(citations)
            self.report(f"  {made:>8,} requests, {responded:,} responses, {cited:,} citations")

    def derive_statuses(self) -> None:
        """Every request's status, latest answer and reported history, as the services derive
        them for fixtures and imports."""
        ids = AidRequest.objects.filter(slug__startswith="syn-").values_list("pk", flat=True)
        requests_derive(request_ids=ids, report=self.derived)

    def derived(self, done: int, total: int) -> None:
        self.report(f"  {done:>8,} of {total:,} requests derived")

    def run(self) -> None:
        steps = [
            self.make_actors,
            self.make_items,
            self.make_stances,
            self.make_articles,
            self.make_requests,
            self.derive_statuses,
        ]
        for step in steps:
            self.report(f"{step.__name__.replace('_', ' ').capitalize()}…")
            step()
