"""Who asks SSBTEK: the municipality (tenant) and the named caseworker behind a request."""

from __future__ import annotations

import re
from dataclasses import dataclass

from resolvers.privacy import holds_personnummer

# A caseworker or tenant id from a token claim or a gateway header: an account name, e-mail
# address or object id. Letters, digits and `.@:+_-`; never holding a personnummer (some
# identity providers use one as `sub`), since it goes into SSBTEK's `ingivare/handlaggare` and
# into every audit line. An id that merely contains digits (a GUID) is fine.
_ACCOUNT = re.compile(r"[\w.@:+\-]{1,100}")


def is_account_name(value: object) -> bool:
    """Whether `value` can name a caseworker or tenant: see `_ACCOUNT`."""
    return (
        isinstance(value, str)
        and _ACCOUNT.fullmatch(value) is not None
        and not holds_personnummer(value, joined=False)
    )


@dataclass(frozen=True)
class Caller:
    """The authenticated caller: the municipality (tenant) and the caseworker (handläggare).

    `may_read_people` is false for a caller whose token lacks the role that reading people
    needs; such a caller may still ask `tjanstestatus`."""

    tenant: str
    handlaggare: str
    may_read_people: bool = True
