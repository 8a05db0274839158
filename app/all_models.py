"""Imports every table module, so that `SQLModel.metadata` is complete for Alembic and the tests."""

from app.audit import models as audit_models
from app.boards.finance import models as finance_models
from app.boards.policy import models as policy_models
from app.boards.resources import models as resources_models
from app.boards.showcase import models as showcase_models
from app.boards.talent import models as talent_models
from app.boards.tech import models as tech_models
from app.bureaus import models as bureaus_models
from app.cities import models as cities_models
from app.contrib import models as contrib_models
from app.cooperation import models as cooperation_models
from app.core.models import SQLModel
from app.demands import models as demands_models
from app.home import models as home_models
from app.managers import models as managers_models
from app.members import models as members_models
from app.my import models as my_models
from app.notifications import models as notifications_models
from app.orgs import models as orgs_models
from app.search import models as search_models
from app.staff import models as staff_models
from app.taxonomy import models as taxonomy_models
from app.uploads import models as uploads_models

metadata = SQLModel.metadata

__all__ = [
    "audit_models",
    "bureaus_models",
    "cities_models",
    "contrib_models",
    "cooperation_models",
    "demands_models",
    "finance_models",
    "home_models",
    "managers_models",
    "members_models",
    "metadata",
    "my_models",
    "notifications_models",
    "orgs_models",
    "policy_models",
    "resources_models",
    "search_models",
    "showcase_models",
    "staff_models",
    "talent_models",
    "taxonomy_models",
    "tech_models",
    "uploads_models",
]
