from .actors import Actor, ActorAlias, Role
from .aid import AidRequest, AidResponse, Contribution, restate
from .base import DataVersion, DatePrecision, Qualifier
from .context import Event, PolicyStance
from .items import Item, ItemAlias
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
    Citation,
]

__all__ = [
    "CURATED",
    "Actor",
    "ActorAlias",
    "AidRequest",
    "AidResponse",
    "Citation",
    "Contribution",
    "DataVersion",
    "DatePrecision",
    "Event",
    "Item",
    "ItemAlias",
    "PolicyStance",
    "Qualifier",
    "Role",
    "SourceArticle",
    "restate",
]
