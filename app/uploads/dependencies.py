from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from app.core.config import SettingsDep
from app.uploads.service import LocalStorage


def get_storage(settings: SettingsDep) -> LocalStorage:
    return LocalStorage(settings.upload_dir)


StorageDep = Annotated[LocalStorage, Depends(get_storage)]
