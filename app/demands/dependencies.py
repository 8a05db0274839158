"""Dependencies of the 揭榜挂帅 write endpoints.

The member and the acting organisation are loaded through the read session, whose transaction ends right after (its
connection goes back to the pool) before the endpoint takes its write connection: a request never holds two. The
write transaction itself is `app.core.db.transaction`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from app.core.db import SessionDep, end_transaction
from app.orgs.dependencies import ActingOrg
from app.orgs.models import Organization


def get_writing_org(org: ActingOrg, session: SessionDep) -> Organization:
    """ActingOrg, with the read transaction ended (the loaded rows stay usable: expire_on_commit is off)."""
    end_transaction(session)
    return org


WritingOrg = Annotated[Organization, Depends(get_writing_org)]
