from .actions import Action
from .actors import Actor, ActorAlias, Role
from .aid import AidRequest, AidResponse, Contribution, StatusSpan
from .amounts import Qualifier
from .base import DataVersion, Tally
from .context import Event, PolicyStance
from .dates import DatePrecision
from .items import Item, ItemAlias
from .releases import DataRelease
from .sources import Citation, SourceArticle

# The records curators keep, in the order a restore needs: what is pointed at before what
# points at it.
CURATED = [
    Actor,
    ActorAlias,
    Item,
    ItemAlias,
    SourceArticle,
    Event,
    PolicyStance,
    Role,
    AidRequest,
    AidResponse,
    Contribution,
    Action,
    Citation,
]

# The records citations support: each needs at least one.
FACTS = [Event, PolicyStance, Role, AidRequest, AidResponse, Contribution, Action]

__all__ = [
    "CURATED",
    "FACTS",
    "Action",
    "Actor",
    "ActorAlias",
    "AidRequest",
    "AidResponse",
    "Citation",
    "Contribution",
    "DataRelease",
    "DataVersion",
    "DatePrecision",
    "Event",
    "Item",
    "ItemAlias",
    "PolicyStance",
    "Qualifier",
    "Role",
    "SourceArticle",
    "StatusSpan",
    "Tally",
]
