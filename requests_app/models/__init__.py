from .actors import Actor, ActorAlias, Role
from .aid import AidRequest, AidResponse, Contribution, restate
from .base import DataVersion, DatePrecision, Qualifier
from .context import Event, PolicyStance
from .items import Item, ItemAlias
from .sources import Citation, SourceArticle

__all__ = [
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
