from flask.views import MethodView
from flask_smorest import Blueprint

from app.areas import outlines, service
from app.areas.schemas import (
    DistrictPlaceSchema,
    DistrictQuerySchema,
    DistrictSchema,
    OutlineCollectionSchema,
    OutlineQuerySchema,
    PlaceQuerySchema,
)

bp = Blueprint(
    "areas", __name__, description="China's administrative divisions, to narrow the square by"
)


@bp.route("")
class Districts(MethodView):
    @bp.arguments(DistrictQuerySchema, location="query")
    @bp.response(200, DistrictSchema(many=True))
    def get(self, query):
        """Provinces, a division's children, or divisions by name (GB/T 2260)"""
        return service.list_districts(query.get("parent"), query.get("q"))


@bp.route("/outlines")
class Outlines(MethodView):
    @bp.arguments(OutlineQuerySchema, location="query")
    @bp.response(200, OutlineCollectionSchema)
    def get(self, query):
        """The finest divisions' outlines in a small box, simplified, as GeoJSON: a map's
        background with no tile server"""
        found = outlines.outlines(query["bbox"], query["coordinate_system"])
        return {"outlines": found}


@bp.route("/<string:code>")
class OneDistrict(MethodView):
    @bp.arguments(PlaceQuerySchema, location="query")
    @bp.response(200, DistrictPlaceSchema)
    @bp.alt_response(404, response="NOT_FOUND")
    def get(self, query, code):
        """One division with a point inside it and its extent, in coordinate_system"""
        return outlines.district_place(code, query["coordinate_system"])
