"""The review page's shell: staff sign in (password, then TOTP code), see who they are, sign out.

Plain Flask pages, outside the OpenAPI document. Every form's CSRF token is checked before any
view runs; errors under these pages are rendered pages, through app.errors' one handler.
"""

from flask import Blueprint, redirect, render_template, request, session, url_for

from app.extensions import csrf
from app.i18n import content_language, negotiate_locale, page_text, problem_text
from app.moderation import queue
from app.moderation.review.forms import CodeForm, SignInForm, SignOutForm
from app.staff import service, sessions
from app.staff.service import StaffLockedOut, StaffSignInFailed, StaffSignInRequired
from app.staff.sessions import current_staff, staff_required

bp = Blueprint(
    "review",
    __name__,
    url_prefix="/moderation",
    template_folder="templates",
    static_folder="static",
)


def page_language() -> str:
    return content_language(negotiate_locale())


# App-wide, so that error pages rendered outside the blueprint speak the same way.
bp.add_app_template_global(page_text, "t")
bp.add_app_template_global(page_language)

ERROR_TEMPLATE = "moderation/error.html"
# Scripts and styles only from files served here (never inline), never framed, never leaking
# the URL elsewhere. The one script is the queue's keyboard shortcuts.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@bp.before_request
def _check_csrf() -> None:
    csrf.protect()


@bp.after_app_request
def _page_headers(response):
    # App-wide so that error pages under the prefix (an unknown path has no blueprint) get them.
    if request.path.startswith(f"{bp.url_prefix}/"):
        response.headers.update(PAGE_HEADERS)
        response.headers.setdefault("Content-Language", page_language())
        response.vary.add("Accept-Language")
    return response


@bp.errorhandler(StaffSignInRequired)
def _to_sign_in(_error):
    return redirect(url_for(".sign_in"))


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_staff() is not None:
        return redirect(url_for(".home"))
    form = SignInForm()
    if not form.validate_on_submit():
        return _form_page("moderation/sign_in.html", form)
    try:
        staff_id = service.check_password(
            form.username.data, form.password.data, client_address=request.remote_addr
        )
    except StaffSignInFailed as failure:
        return _form_page("moderation/sign_in.html", form, failure)
    sessions.begin_code_step(staff_id)
    return redirect(url_for(".code"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
def code():
    staff_id = sessions.code_step_staff_id()
    if staff_id is None:
        return redirect(url_for(".sign_in"))
    form = CodeForm()
    if not form.validate_on_submit():
        return _form_page("moderation/code.html", form)
    try:
        staff = service.check_totp(staff_id, form.code.data, client_address=request.remote_addr)
    except StaffSignInFailed as failure:
        return _form_page("moderation/code.html", form, failure)
    except StaffLockedOut:
        session.clear()
        raise
    sessions.begin(staff)
    return redirect(url_for(".home"))


@bp.get("/")
@staff_required()
def home():
    staff = current_staff()
    return render_template(
        "moderation/home.html",
        staff=staff,
        manages_catalog=service.has_role(staff, "admin"),
        counts=queue.queue_counts(),
        sign_out_form=SignOutForm(),
    )


@bp.post("/sign-out")
def sign_out():
    sessions.end()
    return redirect(url_for(".sign_in"))


def _form_page(template: str, form, failure: StaffSignInFailed | None = None):
    """The form again; a post that did not sign in answers 422 with the reason."""
    if failure is not None:
        _title, message = problem_text(failure.code, negotiate_locale())
    elif form.is_submitted():
        message = page_text("fill_in_every_field")
    else:
        return render_template(template, form=form)
    return render_template(template, form=form, message=message), 422


# Pages of their own module that hang on this blueprint; imported last, once bp exists.
from app.moderation.review import catalog_routes, display, queue_routes  # noqa: E402, F401
