from __future__ import annotations

from sqlmodel import Session, col, select

from app.cities.models import City
from app.cities.schemas import CityPublic, JumpTarget
from app.core.errors import NotFound


def city_public(city: City) -> CityPublic:
    return CityPublic(
        **city.model_dump(exclude={"jump_type", "jump_app_id", "jump_path", "jump_url"}),
        jump=JumpTarget(type=city.jump_type, app_id=city.jump_app_id, path=city.jump_path, url=city.jump_url),
    )


def list_cities(session: Session) -> list[CityPublic]:
    return [city_public(c) for c in session.exec(select(City).order_by(col(City.sort))).all()]


def get_city(session: Session, code: str) -> City:
    city = session.get(City, code)
    if city is None:
        raise NotFound("城市不存在")
    return city
