"""Atom feeds of what the tracker adds: new requests, responses, stance changes and actions, all
of them, an actor's, or one request's, newest first."""

import datetime
import uuid
from operator import attrgetter

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .models import Action, Actor, AidRequest, AidResponse, PolicyStance
from .recorded import corrections

ENTRIES = 50


def atom_id(*names) -> str:
    """A permanent id, the same on every host and after a slug is edited."""
    return uuid.uuid5(uuid.NAMESPACE_URL, "/".join(["aidtracker", *map(str, names)])).urn


def newest(requests, responses, stances, actions) -> list:
    """The ENTRIES records last added among the four, in four queries, each with its
    corrections (a few more)."""
    records = [
        *requests.select_related("requester", "addressee").order_by("-created_at")[:ENTRIES],
        *responses.select_related("request__requester", "request__addressee", "stance").order_by(
            "-created_at"
        )[:ENTRIES],
        *stances.select_related("holder").order_by("-created_at")[:ENTRIES],
        *actions.select_related("actor", "counterpart").order_by("-created_at")[:ENTRIES],
    ]
    return corrections(sorted(records, key=attrgetter("created_at"), reverse=True)[:ENTRIES])


class UpdatesFeed(Feed):
    feed_type = Atom1Feed
    title = "aidtracker: new requests, responses, stance changes and actions"
    subtitle = "Aid requests between governments as the news reports them, newest first."
    author_name = "aidtracker"

    def feed_guid(self) -> str:
        return atom_id("feed")

    def link(self) -> str:
        return reverse("tracker:home")

    def item_guid(self, record) -> str:
        return atom_id(record._meta.model_name, record.pk)

    def items(self) -> list:
        return newest(
            AidRequest.objects.all(),
            AidResponse.objects.all(),
            PolicyStance.objects.all(),
            Action.objects.all(),
        )

    def item_title(self, record) -> str:
        if isinstance(record, AidRequest):
            return f"Request: {record.requester} asked {record.addressee} for {record.title}"
        if isinstance(record, AidResponse):
            request = record.request
            return (
                f"{record.get_decision_display()}: {request} "
                f"({request.requester} → {request.addressee}, {record.responded_on_display})"
            )
        if isinstance(record, Action):
            return f"Action: {record}, {record.occurred_on_display}"
        return f"Stance: {record.holder}, {record.title} ({record.get_position_display()})"

    def item_description(self, record) -> str:
        # Atom summaries are HTML to feed readers; the curators' text is plain.
        text = record.summary
        if isinstance(record, AidResponse) and record.reason:
            text += f" Reason given: {record.reason}"
        for edit in record.corrected:
            changes = "; ".join(
                f"{f['field']}: {f['before']} → {f['after']}" for f in edit["fields"]
            )
            text += f" Corrected on {edit['at']:%-d %B %Y}: {changes}."
        return escape(text)

    def item_categories(self, record) -> list[str]:
        if isinstance(record, AidRequest):
            return ["request", record.get_status_display()]
        if isinstance(record, AidResponse):
            return ["response", record.get_decision_display()]
        if isinstance(record, Action):
            return ["action", record.get_kind_display()]
        return ["stance", record.get_position_display()]

    def item_pubdate(self, record):
        """When the news first reported it (the first day of a month or year reported only
        as such), not when a curator entered it: a seed loaded today is not today's news."""
        if record.first_reported_on is None:
            return record.created_at
        return datetime.datetime.combine(record.first_reported_on, datetime.time(), datetime.UTC)

    def item_updateddate(self, record):
        return record.updated_at


class RecordFeed(UpdatesFeed):
    """The feed of one record of `model`, found by the URL's arguments."""

    model: type

    def get_object(self, request, **lookup):
        return get_object_or_404(self.model, **lookup)

    def feed_guid(self, record) -> str:
        return atom_id("feed", record._meta.model_name, record.pk)

    def title(self, record) -> str:
        return f"aidtracker: {record}"

    def link(self, record) -> str:
        return record.get_absolute_url()


class ActorFeed(RecordFeed):
    """Requests an actor made, received or voiced; answers to them or by it; its stances; the
    actions it took or that were taken toward it."""

    model = Actor

    def items(self, actor: Actor) -> list:
        involved = Q(requester=actor) | Q(addressee=actor) | Q(voiced_by=actor)
        return newest(
            AidRequest.objects.filter(involved),
            AidResponse.objects.filter(
                Q(responder=actor)
                | Q(voiced_by=actor)
                | Q(request__requester=actor)
                | Q(request__addressee=actor)
            ),
            PolicyStance.objects.filter(holder=actor),
            Action.objects.filter(Q(actor=actor) | Q(counterpart=actor)),
        )


class RequestFeed(RecordFeed):
    """One request, the answers to it, the stances of the government it asked, and the actions
    that turn out to answer it."""

    model = AidRequest

    def items(self, aid_request: AidRequest) -> list:
        return newest(
            AidRequest.objects.filter(pk=aid_request.pk),
            AidResponse.objects.filter(request=aid_request),
            PolicyStance.objects.filter(holder=aid_request.addressee_id),
            Action.objects.filter(request=aid_request),
        )
