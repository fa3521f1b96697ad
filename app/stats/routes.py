from flask.views import MethodView
from flask_smorest import Blueprint

from app.areas.service import district_area
from app.partners.context import current_partner, secret_key_only
from app.stats import service
from app.stats.schemas import (
    PartnerStatsQuerySchema,
    PartnerStatsSchema,
    StatsQuerySchema,
    StatsSchema,
)
from app.stats.service import Channel, StatsQuery

bp = Blueprint(
    "stats",
    __name__,
    description='Open statistics from a daily snapshot: counts under 10 show as "<10", the '
    "rest rounded to 5; the finest cut is district x day",
)


def _query(args: dict, **more) -> StatsQuery:
    return StatsQuery(
        district=district_area(args["district"]) if "district" in args else None,
        first=args.get("from_"),
        last=args.get("to"),
        **more,
    )


@bp.route("/stats")
class Stats(MethodView):
    @bp.arguments(StatsQuerySchema, location="query")
    @bp.response(200, StatsSchema)
    @bp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self, args):
        """Posts per day by kind, the top cities (or districts) and medicines asked for and
        offered, share resolved and median time to resolution, by region and channel; no
        sign-in"""
        channel = service.channel_of(args["channel"]) if "channel" in args else None
        return service.figures(_query(args, channel=channel, channels_apart=True))


@bp.route("/partners/me/stats")
class PartnerStats(MethodView):
    @secret_key_only(bp)
    @bp.arguments(PartnerStatsQuerySchema, location="query")
    @bp.response(200, PartnerStatsSchema)
    @bp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self, args):
        """The same figures for the calling partner's own channel: the posts made through its
        keys"""
        return service.figures(_query(args, channel=Channel(current_partner().partner_id)))
