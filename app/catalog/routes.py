from flask.views import MethodView
from flask_smorest import Blueprint

from app.catalog import service
from app.catalog.schemas import MedicineQuerySchema, MedicineSchema

bp = Blueprint("catalog", __name__, description="The whitelist of medicines people may post")


@bp.route("")
class Medicines(MethodView):
    @bp.arguments(MedicineQuerySchema, location="query")
    @bp.response(200, MedicineSchema(many=True))
    def get(self, query):
        """Medicines of the current catalog edition, optionally searched"""
        return service.current_medicines(query["include_unpostable"], query.get("q"))
