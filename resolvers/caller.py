"""Who asks SSBTEK: the municipality (tenant) and the named caseworker behind a request."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeGuard

from resolvers.privacy import holds_personnummer

# A caseworker or tenant id from a token claim or a gateway header: an account name, e-mail
# address or object id. ASCII letters and digits and `.@:+_-` only: no other script's digits
# (full-width, Arabic-Indic), whose personnummer no check would see, and no letters that only
# look Latin, which would make one caseworker look like another in the audit.
_ACCOUNT = re.compile(r"[A-Za-z0-9.@:+_\-]{1,100}")


def is_account_name(value: object) -> TypeGuard[str]:
    """Whether `value` can name a caseworker or tenant: 1 to 100 characters of `_ACCOUNT`, and no
    personnummer or samordningsnummer in it (`holds_personnummer`: some identity providers use
    one as `sub`), since the id goes into SSBTEK's `ingivare/handlaggare` and into every audit
    line. An id that merely holds digits, such as a GUID, is fine."""
    return (
        isinstance(value, str)
        and _ACCOUNT.fullmatch(value) is not None
        and not holds_personnummer(value)
    )


@dataclass(frozen=True)
class Caller:
    """The authenticated caller: the municipality (tenant) and the caseworker (handläggare).

    `may_read_people` is false for a caller whose token lacks the role that reading people
    needs; such a caller may still ask `tjanstestatus`."""

    tenant: str
    handlaggare: str
    may_read_people: bool = True
