from flask_smorest import Blueprint

from app.errors import ServiceNotReady
from app.health import service
from app.health.schemas import LivenessSchema, ReadinessSchema

bp = Blueprint("health", __name__, description="Probes for load balancers and orchestrators")


@bp.get("/healthz")
@bp.response(200, LivenessSchema)
def healthz():
    """The process is alive"""
    return {"status": "ok"}


@bp.get("/readyz")
@bp.response(200, ReadinessSchema)
@bp.alt_response(
    503, response="SERVICE_UNAVAILABLE", description="A check failed; the problem names which"
)
def readyz():
    """The database answers, has PostGIS and is migrated to this code's head"""
    checks = service.readiness()
    failed = [name for name, passed in checks.items() if not passed]
    if failed:
        raise ServiceNotReady(failed=failed)
    return {"status": "ready", "checks": checks}
