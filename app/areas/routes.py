from flask.views import MethodView
from flask_smorest import Blueprint

from app.areas import service
from app.areas.schemas import DistrictQuerySchema, DistrictSchema

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
