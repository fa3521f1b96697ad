"""A partner's preset region: the square's area for its calls that name none."""

import hashlib
from dataclasses import dataclass

from sqlalchemy import and_, or_

from app.partners.context import current_partner
from app.square.areas import AreaFilter, District, unshifted
from geo.districts import MalformedCode


@dataclass(frozen=True)
class Districts(AreaFilter):
    """Posts in any of several GB/T 2260 divisions."""

    districts: tuple[District, ...]
    needs_post_row = True

    def conditions(self, position, area_code, shift=unshifted):
        return [
            or_(
                *(
                    and_(*district.conditions(position, area_code, shift))
                    for district in self.districts
                )
            )
        ]


def preset_region(fingerprint: str) -> tuple[AreaFilter | None, str]:
    """The current partner's preset region, and the query's fingerprint with it in, so that a
    cursor from one region is not read as another's.

    Returns:
        (None, fingerprint) for a call without a partner, or whose partner presets nothing.
    """
    partner = current_partner()
    districts = []
    for code in partner.region_codes if partner is not None else ():
        try:
            districts.append(District(code))
        except MalformedCode:
            continue
        # A division the district data no longer has matches nothing (its envelope is NULL):
        # the rest of the region still counts.
    if not districts:
        return None, fingerprint
    region = ",".join(partner.region_codes)
    return Districts(tuple(districts)), hashlib.sha256(
        f"{fingerprint}|{region}".encode()
    ).hexdigest()[:16]
