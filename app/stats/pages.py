"""The statistics pages: a public one at /stats/, and the staff's on the review page, both in
Chinese or English and with charts drawn on the server (app.stats.charts).

Both show exactly what GET /api/v1/stats answers: staff see no figure the public cannot.
"""

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from wtforms import DateField, Form, StringField
from wtforms.validators import Optional, Regexp

from app import errors
from app.areas.service import district_area
from app.errors import DomainError, FieldsInvalid
from app.i18n import content_language, negotiate_locale, problem_status, problem_text
from app.partners import service as partners
from app.staff.service import StaffSignInRequired
from app.staff.sessions import staff_required
from app.stats import charts, service
from app.stats.service import DIRECT, StatsNotReady, StatsQuery

bp = Blueprint(
    "stats_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/stats/static",
)
PUBLIC_PREFIX = "/stats"
PUBLIC_ERROR_TEMPLATE = "stats/public_error.html"
# The public page: only its own stylesheet, no script, never framed, nothing leaks elsewhere.
PUBLIC_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# Figures change once a day; a few minutes of caching spares the database the busy hours.
PUBLIC_CACHE = "public, max-age=300"


class StatsFilterForm(Form):
    """The pages' filters, from the query string (a GET: nothing changes, no CSRF token)."""

    district = StringField(validators=[Optional(), Regexp(r"^\d{6}$")])
    from_ = DateField("from", validators=[Optional()])
    to = DateField(validators=[Optional()])
    channel = StringField(validators=[Optional()])


@bp.errorhandler(StaffSignInRequired)
def _to_sign_in(_error):
    return redirect(url_for("review.sign_in"))


@bp.after_app_request
def _public_headers(response):
    # App-wide, so that error pages under the prefix (an unknown path has no blueprint) get them.
    if request.path.startswith(f"{PUBLIC_PREFIX}/"):
        response.headers.update(PUBLIC_HEADERS)
        response.headers.setdefault("Content-Language", content_language(negotiate_locale()))
        response.vary.add("Accept-Language")
    return response


@bp.get(f"{PUBLIC_PREFIX}/")
def public_page():
    page, status = _page("stats/public.html")
    return page, status, {"Cache-Control": PUBLIC_CACHE} if status == 200 else {}


@bp.get("/moderation/stats")
@staff_required()
def staff_page():
    return _page(
        "stats/staff.html", partner_codes=[partner.code for partner in partners.partners()]
    )


def _page(template: str, **more):
    form = StatsFilterForm(_form_data())
    figures, message, status = None, None, 200
    try:
        if not form.validate():
            raise FieldsInvalid(
                errors={name.rstrip("_"): errs for name, errs in form.errors.items()}
            )
        figures = service.figures(_query(form))
    except DomainError as refusal:
        # Shown on the page with the filters, so the reader can put them right.
        _title, message = problem_text(
            refusal.code, negotiate_locale(), fields=list(refusal.errors or {}), **refusal.params
        )
        # No snapshot yet is a state of the service, not of the request: the page is fine.
        status = 200 if isinstance(refusal, StatsNotReady) else problem_status(refusal.code)
    return (
        render_template(
            template,
            form=form,
            figures=figures,
            message=message,
            daily=charts.daily_chart(figures["days"]) if figures else None,
            ranked=charts.ranked_chart,
            direct=DIRECT,
            **more,
        ),
        status,
    )


def _form_data():
    # WTForms names the field from_; the query string (as the API's) says from.
    data = request.args.copy()
    if "from" in data:
        data["from_"] = data.pop("from")
    return data


def _query(form: StatsFilterForm) -> StatsQuery:
    channel = form.channel.data
    return StatsQuery(
        district=district_area(form.district.data) if form.district.data else None,
        first=form.from_.data,
        last=form.to.data,
        channel=service.channel_of(channel) if channel else None,
        channels_apart=True,
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    errors.render_as_pages(app, PUBLIC_PREFIX, PUBLIC_ERROR_TEMPLATE)
